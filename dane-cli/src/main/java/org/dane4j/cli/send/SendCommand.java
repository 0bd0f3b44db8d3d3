package org.dane4j.cli.send;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.dane4j.cli.CommandException;
import org.dane4j.cli.CommonOptions;
import org.dane4j.cli.StsOptions;
import org.dane4j.cli.DnssecTrouble;
import org.dane4j.cli.ExitCodes;
import org.dane4j.cli.OneLineErrors;
import org.dane4j.cli.ResolverTrouble;
import org.dane4j.dns.DaneResolver;
import org.dane4j.jakartamail.DaneMailer;
import org.dane4j.jakartamail.DaneSmtpTransport;
import org.dane4j.sts.MtaSts;
import org.dane4j.smtp.DeliveryAttempt;
import org.dane4j.smtp.DeliveryReport;
import org.dane4j.smtp.Envelope;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.smtp.ReportJson;
import org.dane4j.smtp.RecipientResult.Status;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dane4j send}: one message, straight to each recipient domain's MX hosts with RFC 7672 DANE
 * ({@link DaneMailer}), or through a relay ({@link DaneSmtpTransport}); prints the per-recipient report.
 */
@Command(name = "send", mixinStandardHelpOptions = true, sortOptions = false,
    exitCodeOnInvalidInput = ExitCodes.USAGE, exitCodeOnExecutionException = ExitCodes.SOFTWARE,
    description = {"Send a message with DANE for SMTP (RFC 7672): direct to the recipients' MX hosts, or via"
        + " --relay. Prints what happened per recipient: delivered, deferred or failed, with the TLS verdict"
        + " and why."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {" 0:every recipient delivered", " 1:at least one deferred (try again later), none failed",
        " 2:at least one failed permanently (an address refused before sending included)",
        "64:wrong command line", "66:an input file cannot be read",
        "69:a service is unavailable (no resolver, no handover)", "70:internal error"})
public final class SendCommand implements Callable<Integer> {
  private static final String DEFAULT_SUBJECT = "dane4j test message";
  private static final String DEFAULT_BODY = "This message was sent by dane4j send with DANE for SMTP (RFC 7672).\n";

  @Spec
  private CommandSpec spec;

  @Option(names = "--from", required = true, paramLabel = "ADDRESS", description = "Envelope sender and From.")
  private String from;

  @Option(names = "--to", required = true, paramLabel = "ADDRESS",
      description = "Envelope recipient (repeatable); also the To header of a --body message.")
  private List<String> to = new ArrayList<>();

  @Option(names = "--subject", paramLabel = "TEXT", description = "Subject (default: '" + DEFAULT_SUBJECT + "').")
  private String subject;

  @ArgGroup(exclusive = true)
  private Content content;

  @Option(names = "--relay", paramLabel = "HOST[:PORT]",
      description = "Send through this relay (its name is planned with DNSSEC; port 25 by default).")
  private String relay;

  @Option(names = "--ehlo", paramLabel = "NAME",
      description = "The EHLO name: this sender's host name (default: the domain of --from).")
  private String ehlo;

  @Option(names = "--mx-port", hidden = true, defaultValue = "25",
      description = "Port of the MX hosts, for test networks; TLSA is looked up at this port.")
  private int mxPort = 25;

  @Mixin
  org.dane4j.cli.tlsrpt.TlsRptStoreOption tlsrpt;

  @Mixin
  private CommonOptions common;

  @Mixin
  private RequireTlsOptions requireTls = new RequireTlsOptions();

  @Mixin
  private StsOptions sts;

  /** The message content: a body text or a whole message file. */
  static final class Content {
    @Option(names = "--body", paramLabel = "TEXT", description = "The body, plain text.")
    String body;

    @Option(names = "--eml", paramLabel = "FILE",
        description = "A whole RFC 5322 message to send as it is (the envelope still comes from --from/--to).")
    Path eml;
  }

  @Override
  public Integer call() {
    if (mxPort < 1 || mxPort > 65535) {
      throw new CommandException(ExitCodes.USAGE, "--mx-port must be 1..65535, got " + mxPort, null);
    }
    // IN-1: the envelope is checked by the same rules as the library's, before any lookup or connection
    Envelope envelope = relay == null ? Envelope.of(from, to) : Envelope.forRelay(from, to);
    if (envelope.domains().isEmpty()) { // a bad sender, or no recipient left: nothing to send
      DeliveryReport report = envelope.report(List.of());
      print(report, from);
      return Reports.exitCode(report);
    }
    List<String> deliverable = new ArrayList<>();
    envelope.domains().values().forEach(deliverable::addAll);
    String ehloName = ehlo;
    if (ehloName == null) {
      if (from.isEmpty()) {
        throw new CommandException(ExitCodes.USAGE, "--ehlo is required with the null sender (--from '')", null);
      }
      ehloName = Reports.domainOf(from);
    }
    try {
      ehloName = Envelope.checkEhloName(ehloName);
    } catch (IllegalArgumentException e) {
      throw new CommandException(ExitCodes.USAGE, (ehlo == null ? "the domain of --from as " : "--ehlo: ")
          + e.getMessage(), e);
    }
    Properties properties = sessionProperties(from, ehloName);
    requireTls.addTo(properties); // RTLS-1 in relay mode
    Session session = Session.getInstance(properties);
    MimeMessage message = message(session, from, deliverable);
    try {
      requireTls.addTo(message); // RTLS-2: TLS-Required: No is a header of the message
    } catch (MessagingException e) {
      throw new CommandException(ExitCodes.NO_INPUT, "cannot make the message: " + e.getMessage(), e);
    }
    DeliveryReport report;
    List<java.net.InetSocketAddress> servers;
    try (DaneResolver resolver = common.resolver()) {
      servers = resolver.servers();
      common.progress(spec.commandLine().getErr()).step("sending to " + String.join(", ", deliverable)
          + (relay == null ? " (planning and delivering to each MX host)"
              : " through " + relay));
      report = relay == null ? direct(resolver, ehloName, message, from, to)
          : envelope.report(relayed(resolver, session, message, from, deliverable), resolver.lastProbe());
    }
    print(report, from);
    DnssecTrouble.report(spec, report.dnssec());
    List<String> reasons = new ArrayList<>();
    report.results().forEach(r -> {
      reasons.add(r.reason());
      r.attempts().forEach(a -> reasons.add(a.route().reason()));
    });
    ResolverTrouble.report(spec, servers, common.timeout(), reasons);
    return Reports.exitCode(report);
  }

  private DeliveryReport direct(DaneResolver resolver, String ehloName, MimeMessage message, String envelopeFrom,
      List<String> recipients) {
    DaneMailer mailer;
    MtaSts policies = sts.open(resolver, timeout(6, Duration.ofMinutes(10))); // null with --no-mta-sts
    try {
      DaneMailer.Builder b = DaneMailer.builder().resolver(resolver).ehloName(ehloName).mxPort(mxPort)
          .connectTimeout(timeout(6, Duration.ofMinutes(5))).readTimeout(timeout(12, Duration.ofMinutes(10)))
          .planTimeout(timeout(12, Duration.ofMinutes(5))).listener(tlsrpt.listener());
      mailer = (policies == null ? b : b.mtaSts(policies)).build();
    } catch (IllegalArgumentException e) {
      if (policies != null) {
        policies.close();
      }
      throw new CommandException(ExitCodes.USAGE, "--ehlo: " + OneLineErrors.echoWithin(e.getMessage(), ehloName), e);
    }
    try (policies; mailer; org.dane4j.cli.tlsrpt.TlsRptStoreOption recording = tlsrpt) {
      return mailer.send(message, envelopeFrom, recipients, requireTls.requirement());
    } catch (MessagingException e) {
      throw new CommandException(ExitCodes.UNAVAILABLE, "the message could not be sent: " + e.getMessage(), e);
    }
  }

  /** Relay mode: one transaction with the relay; the relay's answers decide each recipient. */
  private List<RecipientResult> relayed(DaneResolver resolver, Session session, MimeMessage message,
      String envelopeFrom, List<String> recipients) {
    String host = relay;
    int port = 25;
    int colon = relay.lastIndexOf(':');
    if (colon > 0 && relay.indexOf(':') == colon) {
      host = relay.substring(0, colon);
      try {
        port = Integer.parseInt(relay.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 1 || port > 65535) {
        throw new CommandException(ExitCodes.USAGE, "--relay: not a port in '" + OneLineErrors.echo(relay) + "'", null);
      }
    }
    Map<String, RecipientResult> results = new LinkedHashMap<>();
    DaneSmtpTransport transport = new DaneSmtpTransport(session, new URLName("smtp", host, port, null, null, null));
    transport.setResolver(resolver);
    boolean connected = false;
    try {
      SMTPMessage envelope = new SMTPMessage(message);
      envelope.setEnvelopeFrom(envelopeFrom.isEmpty() ? "<>" : envelopeFrom);
      transport.connect(host, port, null, null);
      connected = true;
      Address[] addresses = new Address[recipients.size()];
      for (int i = 0; i < addresses.length; i++) {
        addresses[i] = new InternetAddress(recipients.get(i), false);
      }
      transport.sendMessage(envelope, addresses);
      String via = "accepted by the relay " + lastOf(transport.attempts());
      recipients.forEach(r -> results.put(r, result(r, Status.DELIVERED, transport, via)));
    } catch (SendFailedException e) {
      List<String> sent = new ArrayList<>();
      for (Address a : e.getValidSentAddresses() == null ? new Address[0] : e.getValidSentAddresses()) {
        sent.add(((InternetAddress) a).getAddress());
      }
      int transactionCode = e instanceof SMTPSendFailedException s ? s.getReturnCode() : -1;
      Map<String, SMTPAddressFailedException> rejected = new LinkedHashMap<>();
      for (Exception next = e.getNextException(); next != null;
          next = next instanceof MessagingException m ? m.getNextException() : null) {
        if (next instanceof SMTPAddressFailedException af) {
          rejected.put(af.getAddress().getAddress().toLowerCase(java.util.Locale.ROOT), af);
        }
      }
      for (String r : recipients) {
        SMTPAddressFailedException af = rejected.get(r.toLowerCase(java.util.Locale.ROOT));
        if (sent.stream().anyMatch(r::equalsIgnoreCase)) {
          results.put(r, result(r, Status.DELIVERED, transport, "accepted by the relay"));
        } else if (af != null) {
          results.put(r, result(r, af.getReturnCode() >= 500 ? Status.FAILED : Status.DEFERRED, transport,
              af.getMessage().strip()));
        } else {
          results.put(r, result(r, transactionCode >= 500 ? Status.FAILED : Status.DEFERRED, transport,
              e.getMessage().strip()));
        }
      }
    } catch (MessagingException e) {
      List<DeliveryAttempt> made = transport.attempts();
      String why = made.isEmpty() ? e.getMessage() : lastOf(made);
      if (connected) { // failed in the transaction, e.g. a reply crossing a limit (TLS-7): say why
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
          root = root.getCause();
        }
        why += "; then: " + e.getMessage() + (root == e ? "" : " (" + root.getMessage() + ")");
      }
      String reason = why;
      recipients.forEach(r -> results.put(r, result(r, Status.DEFERRED, transport, reason)));
    } finally {
      try {
        transport.close();
      } catch (MessagingException e) {
        // the outcome is recorded already
      }
    }
    return new ArrayList<>(results.values());
  }

  private static RecipientResult result(String recipient, Status status, DaneSmtpTransport t, String reason) {
    List<DeliveryAttempt> made = t.attempts();
    DeliveryAttempt last = made.isEmpty() ? null : made.get(made.size() - 1);
    return new RecipientResult(recipient, status, made, reason == null ? "" : reason,
        status == Status.DELIVERED || last == null ? null : last.failureType());
  }

  private static String lastOf(List<DeliveryAttempt> made) {
    return made.isEmpty() ? "" : made.get(made.size() - 1).toString();
  }

  private void print(DeliveryReport report, String envelopeFrom) {
    PrintWriter out = spec.commandLine().getOut();
    if (common.json()) { // the schema is core's (docs/report-schema.md); these fields are the command's
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("command", "send");
      fields.put("mode", relay == null ? "direct" : "relay");
      fields.put("from", envelopeFrom);
      fields.put("require_tls", requireTls.word()); // RFC 8689: the message's requirement
      fields.put("exit_code", Reports.exitCode(report));
      out.println(ReportJson.write(report, fields));
    } else {
      Reports.table(report).colors(common.colors(), 1, 5).print(out);
      int delivered = report.withStatus(Status.DELIVERED).size();
      out.println();
      out.println(delivered + " of " + report.results().size() + " recipients delivered; "
          + report.withStatus(Status.DEFERRED).size() + " deferred, " + report.withStatus(Status.FAILED).size()
          + " failed.");
    }
    out.flush();
  }

  private Duration timeout(int times, Duration max) {
    Duration d = common.timeout().multipliedBy(times);
    return d.compareTo(max) > 0 ? max : d;
  }

  private static Optional<InternetAddress> header(String address) {
    if (address.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new InternetAddress(address, false));
    } catch (AddressException e) {
      return Optional.empty();
    }
  }

  /** Session properties; mail.from keeps Jakarta Mail from asking the JVM for the local host name. */
  private static Properties sessionProperties(String envelopeFrom, String ehloName) {
    Properties p = new Properties();
    p.setProperty("mail.from", envelopeFrom);
    p.setProperty("mail.host", ehloName);
    p.setProperty("mail.smtp.localhost", ehloName);
    p.setProperty("mail.smtp.sendpartial", "true");
    p.setProperty("mail.smtp.quitwait", "false");
    return p;
  }

  /**
   * The message: the --eml file, or one made from --subject and --body with From and To headers. The envelope
   * was checked already; an address that Jakarta Mail cannot put in a header is left out of it.
   */
  private MimeMessage message(Session session, String sender, List<String> recipients) {
    try {
      MimeMessage m;
      if (content != null && content.eml != null) {
        Path file = content.eml;
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
          throw new CommandException(ExitCodes.NO_INPUT, "cannot read --eml file " + OneLineErrors.echo(file), null);
        }
        try (InputStream in = Files.newInputStream(file)) {
          m = new MimeMessage(session, in);
        } catch (IOException e) {
          throw new CommandException(ExitCodes.NO_INPUT, "cannot read --eml file " + OneLineErrors.echo(file) + ": "
              + OneLineErrors.echoWithin(e.getMessage(), file.toString()), e);
        }
        if (subject != null) {
          m.setSubject(subject, "UTF-8");
        }
        if (m.getHeader("Date") == null) {
          m.setSentDate(new Date());
        }
      } else {
        m = new MimeMessage(session);
        header(sender).ifPresent(a -> {
          try {
            m.setFrom(a);
          } catch (MessagingException e) {
            throw new IllegalStateException(e);
          }
        });
        for (String r : recipients) {
          Optional<InternetAddress> a = header(r);
          if (a.isPresent()) {
            m.addRecipient(Message.RecipientType.TO, a.get());
          }
        }
        m.setSubject(subject != null ? subject : DEFAULT_SUBJECT, "UTF-8");
        m.setSentDate(new Date());
        String body = content != null && content.body != null ? content.body : DEFAULT_BODY;
        m.setText(body.endsWith("\n") ? body : body + "\n", "UTF-8");
      }
      m.saveChanges();
      return m;
    } catch (MessagingException e) {
      throw new CommandException(ExitCodes.NO_INPUT, "cannot make the message: " + e.getMessage(), e);
    }
  }
}
