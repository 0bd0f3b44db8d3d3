package org.dane4j.cli.demo;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.dane4j.cli.CaWatchlist;
import org.dane4j.cli.Dane4j;
import org.dane4j.cli.Colors;
import org.dane4j.cli.CommandException;
import org.dane4j.cli.ExitCodes;
import org.dane4j.cli.Progress;
import org.dane4j.cli.WarnDays;
import org.dane4j.cli.check.CheckCommand;
import org.dane4j.cli.Table;
import org.dane4j.cli.send.Reports;
import org.dane4j.dns.DaneResolver;
import org.dane4j.jakartamail.DaneMailer;
import org.dane4j.smtp.DeliveryAttempt;
import org.dane4j.smtp.Destination;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.smtp.RecipientResult.Status;
import org.dane4j.smtp.TlsVerdict;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.sts.MtaSts;
import org.dane4j.testkit.dns.DnsFault;
import org.dane4j.testkit.sts.StsPolicyServer;
import org.dane4j.testkit.smtp.SmtpFault;
import org.dane4j.testkit.smtp.SmtpTestServer;
import org.xbill.DNS.Type;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dane4j demo}: DANE for SMTP at work in a few seconds, offline and on loopback only. Starts the
 * testkit's signed DNS world and one SMTP server per scenario domain, sends a message to each domain
 * through {@link DaneMailer}, checks each domain with {@link CheckCommand#check} (the machinery of
 * {@code dane4j check}), and prints what DNS said, what the sender did and why, and what check says. Exits 0
 * when every scenario ended as expected — including that no refused server ever saw a MAIL FROM in
 * cleartext, and that check's domain verdict is the expected one — and 1 otherwise; 64 for a wrong command
 * line and 70 when the demo itself breaks.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    exitCodeOnInvalidInput = ExitCodes.USAGE, exitCodeOnExecutionException = ExitCodes.SOFTWARE,
    description = {"See a DANE sender (RFC 7672) deliver and refuse: offline, on loopback, with no set-up.",
        "Starts a signed DNS world and SMTP servers in process for nine domains (a good 3 1 1, a good 2 1 1,"
            + " a key rollover in progress, a mismatching record, a certificate for another host, a"
            + " STARTTLS-stripping server, a bogus DNSSEC signature, an unsigned domain, an MTA-STS enforce"
            + " domain without DANE, its policy served over HTTPS), sends a message to"
            + " each through dane4j's Jakarta Mail adapter, checks each as 'dane4j check' does, and prints"
            + " what happened and why."})
public final class DemoCommand implements Callable<Integer> {
  private static final String BODY_MARKER = "dane4j-demo-body";
  private static final Duration SERVER_WAIT = Duration.ofSeconds(5);
  private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(2);
  /** The loopback address of the demo's MTA-STS policy server (the SMTP servers count up from 127.0.0.2). */
  static final String POLICY_ADDRESS = "127.0.0.100";

  @Spec
  private CommandSpec spec;

  @Option(names = "--no-color", description = "No colours (there are none unless stdout is a terminal; NO_COLOR"
      + " works too).")
  private boolean noColor;

  /**
   * One domain of the demo.
   *
   * @param label the domain's first label
   * @param story what is set up, a few words
   * @param setup publishes the domain's records and starts its server
   * @param status the expected outcome
   * @param verdict the expected verdict of the last attempt; null when no host may be tried at all
   * @param check the expected domain verdict of {@code dane4j check}
   * @param requirement the expected requirement of the deciding attempt (the DNS SAYS column)
   */
  private record Scenario(String label, String story, Consumer<Domain> setup, Status status, TlsVerdict verdict,
      String check, String requirement) {
    String domain() {
      return label + "." + (label.equals("unsigned") ? DemoLab.UNSIGNED : DemoLab.SIGNED);
    }
  }

  /** A scenario's domain while it is set up: the lab, its MX host name and, once started, its server. */
  private static final class Domain {
    final DemoLab lab;
    final String name;
    final String host;
    SmtpTestServer server;
    StsPolicyServer policy;

    Domain(DemoLab lab, String name) {
      this.lab = lab;
      this.name = name;
      this.host = "mx." + name;
    }

    SmtpTestServer start(MintedCertificate cert, SmtpFault... faults) {
      server = lab.mx(name, host, cert, b -> b.faults(faults));
      return server;
    }

    /** Serves an MTA-STS policy for the domain over HTTPS and publishes its {@code _mta-sts} TXT record. */
    void policy(String mode, String... mx) {
      policy = StsPolicyServer.builder(name).issuer(lab.issuer()).address(POLICY_ADDRESS)
          .policy(StsPolicyServer.policyText(mode, 86400, mx)).start();
      policy.publish(lab.zoneOf(name), "demo1");
    }
  }

  private static List<Scenario> scenarios() {
    return List.of(
        new Scenario("good-ee", "TLSA 3 1 1 of the server's key", d -> {
          MintedCertificate leaf = d.lab.leaf(d.host);
          d.start(leaf);
          d.lab.tlsa(d.host, DemoLab.ee311(leaf).toString());
        }, Status.DELIVERED, TlsVerdict.VERIFIED, "verified", "dane"),
        new Scenario("good-ta", "TLSA 2 1 1 of the issuing CA (chain and name checked)", d -> {
          d.start(d.lab.leaf(d.host));
          d.lab.tlsa(d.host, DemoLab.ta211(d.lab.issuer()).toString());
        }, Status.DELIVERED, TlsVerdict.VERIFIED, "verified", "dane"),
        new Scenario("rollover", "key rollover in progress: old and new 3 1 1, server on the new key", d -> {
          MintedCertificate next = d.lab.leaf(d.host);
          d.start(next);
          d.lab.tlsa(d.host, DemoLab.ee311(d.lab.leaf(d.host)).toString(), DemoLab.ee311(next).toString());
        }, Status.DELIVERED, TlsVerdict.VERIFIED, "verified", "dane"),
        new Scenario("mismatch", "TLSA 3 1 1 of another key (a botched rollover)", d -> {
          d.start(d.lab.leaf(d.host));
          d.lab.tlsa(d.host, DemoLab.ee311(d.lab.leaf(d.host)).toString());
        }, Status.DEFERRED, TlsVerdict.FAILED, "failing", "dane"),
        new Scenario("wrong-name", "TLSA 2 1 1, but the certificate names another host", d -> {
          d.start(d.lab.leaf("mx.elsewhere.example"));
          d.lab.tlsa(d.host, DemoLab.ta211(d.lab.issuer()).toString());
        }, Status.DEFERRED, TlsVerdict.FAILED, "failing", "dane"),
        new Scenario("stripped", "TLSA published, but STARTTLS is not offered (stripped)", d -> {
          MintedCertificate leaf = d.lab.leaf(d.host);
          d.start(leaf, SmtpFault.NO_STARTTLS);
          d.lab.tlsa(d.host, DemoLab.ee311(leaf).toString());
        }, Status.DEFERRED, TlsVerdict.FAILED, "failing", "dane"),
        new Scenario("bogus", "TLSA with a broken DNSSEC signature (bogus)", d -> {
          MintedCertificate leaf = d.lab.leaf(d.host);
          d.start(leaf);
          d.lab.tlsa(d.host, DemoLab.ee311(leaf).toString());
          d.lab.world().fault(d.lab.tlsaOwner(d.host), Type.TLSA, DnsFault.CORRUPT_RRSIG);
        }, Status.DEFERRED, null, "failing", "unusable"),
        new Scenario("unsigned", "unsigned zone: no DANE, STARTTLS if offered", d -> d.start(d.lab.leaf(d.host)),
            Status.DELIVERED, TlsVerdict.OPPORTUNISTIC, "opportunistic", "opportunistic"),
        new Scenario("sts-enforce", "no TLSA; MTA-STS enforce policy naming the MX, WebPKI-valid certificate", d -> {
          d.start(d.lab.leaf(d.host));
          d.policy("enforce", d.host);
        }, Status.DELIVERED, TlsVerdict.VERIFIED, "verified", "sts"));
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Colors colors = Colors.forStdout(noColor);
    Progress progress = Progress.on(spec.commandLine().getErr());
    out.println("dane4j demo: DANE for SMTP (RFC 7672), offline on loopback");
    out.flush();
    List<Scenario> scenarios = scenarios();
    try (DemoLab lab = new DemoLab()) {
      List<Domain> domains = new ArrayList<>();
      for (Scenario s : scenarios) {
        Domain d = new Domain(lab, s.domain());
        s.setup().accept(d);
        domains.add(d);
      }
      StsPolicyServer policyServer = domains.stream().map(d -> d.policy).filter(p -> p != null).findFirst()
          .orElseThrow();
      out.println("A signed DNS world on " + lab.dns().address().getAddress().getHostAddress() + ":"
          + lab.dns().address().getPort() + ", " + domains.size() + " SMTP servers on 127.0.0.2-"
          + (1 + domains.size()) + ", port " + lab.port() + ", and an MTA-STS policy server on " + POLICY_ADDRESS
          + ":" + policyServer.port() + "; sending one message to each domain, then checking it as 'dane4j check'"
          + " does.");
      out.println();
      Table table = new Table("DOMAIN", "DNS SAYS", "SENDER DID", "RESULT", "CHECK SAYS", "AS EXPECTED")
          .colors(colors, 2, 3, 4, 5);
      int asExpected = 0;
      try (DaneResolver resolver = lab.resolver(); MtaSts sts = lab.mtaSts(resolver, policyServer.port());
          DaneMailer mailer = lab.mailer(resolver, sts)) {
        for (int i = 0; i < scenarios.size(); i++) {
          Scenario s = scenarios.get(i);
          Domain d = domains.get(i);
          progress.step("sending to postmaster@" + s.domain() + " and checking " + s.domain());
          RecipientResult r = send(mailer, "postmaster@" + s.domain());
          List<String> problems = check(s, d.server, r);
          CheckCommand.Outcome checked = CheckCommand.check(resolver, sts, Destination.domain(s.domain(), lab.port()),
              "dane4j-check.invalid", CHECK_TIMEOUT, WarnDays.DEFAULT, Dane4j.clock(spec).instant(), Progress.SILENT,
              CaWatchlist.bundled());
          if (!checked.verdict().equals(s.check())) {
            problems.add("check verdict " + checked.verdict() + ", expected " + s.check());
          }
          int warnings = checked.warnings().size();
          String checkSays = checked.verdict() + (warnings == 0 ? "" : " (" + warnings + " warning"
              + (warnings == 1 ? "" : "s") + ")");
          if (problems.isEmpty()) {
            asExpected++;
          }
          Optional<DeliveryAttempt> last = Reports.last(r);
          String did = last.map(a -> Reports.word(a.verdict())
              + Reports.match(a).map(m -> " (" + Reports.abbreviate(m) + ")").orElse("")).orElse("did not connect");
          String type = Reports.failureType(r).map(f -> " [" + f.resultType() + "]").orElse("");
          String note = s.story() + ": " + Reports.shorten(Reports.why(r), 110) + type
              + (problems.isEmpty() ? "" : "\n    UNEXPECTED: " + String.join("; ", problems));
          table.row(note, s.domain(), Reports.requirement(r), did,
              Reports.word(r.status()), checkSays, problems.isEmpty() ? "yes" : "NO");
        }
      } finally {
        domains.forEach(d -> {
          if (d.policy != null) {
            d.policy.close();
          }
        });
      }
      table.print(out);
      out.println();
      out.println("Refused servers never saw MAIL FROM in cleartext: a DANE sender defers rather than downgrade;"
          + " DANE comes first, MTA-STS enforce protects the domain without TLSA (RFC 8461).");
      out.println(asExpected + " of " + scenarios.size() + " scenarios ended as expected.");
      out.flush();
      return asExpected == scenarios.size() ? 0 : 1;
    }
  }

  private static RecipientResult send(DaneMailer mailer, String recipient) {
    try {
      Properties p = new Properties();
      p.setProperty("mail.from", "demo@sender." + DemoLab.SIGNED);
      MimeMessage m = new MimeMessage(Session.getInstance(p));
      m.setFrom(new InternetAddress("demo@sender." + DemoLab.SIGNED));
      m.addRecipient(Message.RecipientType.TO, new InternetAddress(recipient));
      m.setSubject("dane4j demo");
      m.setText("Hello over DANE.\n" + BODY_MARKER + "\n");
      m.saveChanges();
      return mailer.send(m).of(recipient);
    } catch (MessagingException e) {
      throw new CommandException(ExitCodes.SOFTWARE, "demo: sending to " + recipient + " failed: " + e.getMessage(),
          e);
    }
  }

  /** What is wrong with the outcome of a scenario; empty when it is as expected. */
  private static List<String> check(Scenario s, SmtpTestServer server, RecipientResult r) {
    List<String> problems = new ArrayList<>();
    if (r.status() != s.status()) {
      problems.add("status " + Reports.word(r.status()) + ", expected " + Reports.word(s.status()));
    }
    if (!Reports.requirement(r).equals(s.requirement())) {
      problems.add("requirement " + Reports.requirement(r) + ", expected " + s.requirement());
    }
    TlsVerdict verdict = Reports.last(r).map(DeliveryAttempt::verdict).orElse(null);
    if (verdict != s.verdict()) {
      problems.add("verdict " + (verdict == null ? "none (no attempt)" : Reports.word(verdict)) + ", expected "
          + (s.verdict() == null ? "no attempt" : Reports.word(s.verdict())));
    }
    try {
      server.awaitConnectionsClosed(SERVER_WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (s.verdict() == null && !server.connections().isEmpty()) {
      problems.add("the sender connected to the server");
    }
    if (s.status() != Status.DELIVERED) {
      if (server.cleartextBytes().toUpperCase(java.util.Locale.ROOT).contains("MAIL FROM")) {
        problems.add("MAIL FROM was sent in cleartext");
      }
      if (!server.messages().isEmpty() || server.tlsBytes().contains(BODY_MARKER)) {
        problems.add("the server received the message");
      }
    } else if (server.messages().isEmpty()) {
      problems.add("the server has no message");
    }
    return problems;
  }
}
