package org.dane4j.jakartamail;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.dane4j.dns.DaneResolver;
import org.dane4j.smtp.DaneMode;
import org.dane4j.smtp.DeliveryPlan;
import org.dane4j.smtp.DeliveryPlanner;
import org.dane4j.smtp.DeliveryReport;
import org.dane4j.smtp.Destination;
import org.dane4j.smtp.Envelope;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.smtp.SmtpLimits;
import org.eclipse.angus.mail.smtp.SMTPMessage;

/**
 * Sends a message straight to the recipients' MX hosts with RFC 7672 DANE (direct mode): recipients are
 * grouped by domain, each domain is planned with DNSSEC, and its routes are tried in MX order with the
 * route's requirement enforced — the next route on a DANE failure or a transient error, never a retry of
 * a host in cleartext or unauthenticated when TLS is mandatory (checklist TLS-1).
 *
 * <pre>{@code
 * try (DaneMailer mailer = DaneMailer.builder().ehloName("app.example.nl").build()) {
 *   DeliveryReport report = mailer.send(message);     // per recipient: delivered / deferred / failed
 * }
 * }</pre>
 *
 * <p>The envelope is checked before any connection ({@link Envelope}, checklist IN-1): bad recipients are
 * reported failed, the others delivered; a report is returned even when a domain's planning fails.
 *
 * <p>Each reply is bounded as {@link SmtpLimits} says (line length, lines per reply, a deadline per reply;
 * checklist TLS-7): a server that floods or trickles has that attempt end with a reason naming the limit.
 * An application property {@code mail.smtp.starttls.required=true} ({@link Builder#property}) makes TLS
 * mandatory on every MX host, DANE or not, with no cleartext retry (TLS-8).
 *
 * <p>{@link #sendOrThrow} is the {@code Transport.send}-style entry: it throws a
 * {@link DaneSendFailedException} carrying the same report when any recipient was not delivered.
 */
public final class DaneMailer implements AutoCloseable {
  private final DaneResolver resolver;
  private final boolean ownsResolver;
  private final DeliveryPlanner planner;
  private final Session session;
  private final int mxPort;
  private final Duration planTimeout;

  private DaneMailer(Builder b) {
    this.ownsResolver = b.resolver == null;
    this.resolver = b.resolver != null ? b.resolver : DaneResolver.builder().build();
    this.planner = DeliveryPlanner.builder(resolver).mode(b.mode).clock(b.clock).build();
    this.session = Session.getInstance(b.properties());
    this.mxPort = b.mxPort;
    this.planTimeout = b.planTimeout;
  }

  /** A builder; the EHLO name is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Sends to the message's own recipients (To, Cc, Bcc) from its first From address, as
   * {@link #send(MimeMessage, String, List)}.
   *
   * @throws MessagingException when the message has no From address or no recipient, or cannot be read
   */
  public DeliveryReport send(MimeMessage message) throws MessagingException {
    Address[] from = message.getFrom();
    if (from == null || from.length == 0) {
      throw new MessagingException("the message has no From address to use as envelope sender");
    }
    Address[] to = message.getAllRecipients();
    if (to == null || to.length == 0) {
      throw new MessagingException("the message has no recipients");
    }
    List<String> recipients = new ArrayList<>();
    for (Address a : to) {
      recipients.add(a instanceof InternetAddress ia ? ia.getAddress() : a.toString());
    }
    return send(message, from[0] instanceof InternetAddress ia ? ia.getAddress() : from[0].toString(), recipients);
  }

  /**
   * Sends with an explicit envelope: sender and recipients (the message headers are not consulted).
   *
   * <p>The envelope is checked before any DNS lookup or connection ({@link Envelope}, checklist IN-1): a
   * recipient that cannot be handled (bad syntax, a control character, too long, an address literal) is
   * reported {@code FAILED} with the reason and the others are delivered; a sender that cannot be used fails
   * every recipient the same way and nothing is sent. Once the envelope is checked this method no longer
   * throws: a domain whose planning fails or times out, or whose delivery ends with an unexpected error, has
   * its recipients reported {@code DEFERRED} with the error, so that the report of domains already delivered
   * is never lost (a caller that retries would send duplicates).
   *
   * @param envelopeFrom the envelope sender ({@code ""} for the null reverse-path)
   * @param recipients the envelope recipients, at least one; each is reported once (compared without case)
   * @return one result per recipient, in the order given
   * @throws MessagingException when the message cannot be read, before anything is sent
   * @throws IllegalArgumentException when there is no recipient
   */
  public DeliveryReport send(MimeMessage message, String envelopeFrom, List<String> recipients)
      throws MessagingException {
    Objects.requireNonNull(message, "message");
    Envelope checked = Envelope.of(envelopeFrom, recipients);
    List<RecipientResult> results = new ArrayList<>();
    if (checked.domains().isEmpty()) {
      return checked.report(results);
    }
    SMTPMessage envelope = new SMTPMessage(message);
    envelope.setEnvelopeFrom(envelopeFrom.isEmpty() ? "<>" : envelopeFrom);
    for (Map.Entry<String, List<String>> e : checked.domains().entrySet()) {
      String domain = e.getKey();
      try {
        DeliveryPlan plan = plan(domain);
        results.addAll(new DomainDelivery(session, envelope, e.getValue()).run(plan));
      } catch (MessagingException | RuntimeException ex) {
        results.addAll(checked.deferredByError(domain, ex));
      }
    }
    return checked.report(results, planner.dnssec()); // DNS-4: the probe the plans were made under
  }

  /** As {@link #send(MimeMessage)}, but throws when any recipient was not delivered. */
  public DeliveryReport sendOrThrow(MimeMessage message) throws MessagingException {
    DeliveryReport report = send(message);
    if (!report.allDelivered()) {
      throw new DaneSendFailedException(report);
    }
    return report;
  }

  private DeliveryPlan plan(String domain) throws MessagingException {
    try {
      return planner.plan(Destination.domain(domain, mxPort)).get(planTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new MessagingException("planning " + domain + " took longer than " + planTimeout, e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new MessagingException("planning " + domain + " failed: " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MessagingException("interrupted while planning " + domain, e);
    }
  }

  /** A transport for one route, used by {@link DomainDelivery}. */
  static DaneSmtpTransport transport(Session session, org.dane4j.smtp.MxRoute route) {
    DaneSmtpTransport t = new DaneSmtpTransport(session, new URLName("smtp", route.mxHost(), route.port(),
        null, null, null));
    t.useRoute(route);
    return t;
  }

  @Override
  public void close() {
    if (ownsResolver) {
      resolver.close();
    }
  }

  /** Settings of a {@link DaneMailer}; each is checked when set. */
  public static final class Builder {
    private DaneResolver resolver;
    private DaneMode mode = DaneMode.DANE;
    private Clock clock = Clock.systemUTC();
    private String ehloName;
    private final Properties extra = new Properties();
    private int mxPort = 25;
    private Duration planTimeout = Duration.ofSeconds(60);
    private Duration connectTimeout = Duration.ofSeconds(30);
    private Duration readTimeout = Duration.ofMinutes(5);
    private Duration replyTimeout = SmtpLimits.DEFAULT_REPLY_TIMEOUT;

    private Builder() {}

    /** The resolver (shared, not closed by the mailer); by default one from /etc/resolv.conf, closed with it. */
    public Builder resolver(DaneResolver resolver) {
      this.resolver = Objects.requireNonNull(resolver, "resolver");
      return this;
    }

    /** The policy (POL-1); {@code dane} by default. */
    public Builder mode(DaneMode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** The clock DANE-TA paths are validated with. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The name sent in EHLO: this sender's own host name (required; never the JVM's guess). */
    public Builder ehloName(String name) {
      this.ehloName = Envelope.checkEhloName(name); // a host name (A-labels) or an address literal
      return this;
    }

    /** The port MX hosts are reached on (25; other values for test networks); TLSA follows the port. */
    public Builder mxPort(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("mxPort must be 1..65535, got " + port);
      }
      this.mxPort = port;
      return this;
    }

    /** Connect timeout (1 s..5 min; default 30 s). */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = checked("connectTimeout", timeout, Duration.ofMinutes(5));
      return this;
    }

    /** Read and write timeout per SMTP step (1 s..10 min; default 5 min, RFC 5321 §4.5.3.2). */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = checked("readTimeout", timeout, Duration.ofMinutes(10));
      return this;
    }

    /**
     * The longest one SMTP reply may take from the moment the mailer waits for it to its last byte, however
     * slowly the server trickles it (1 s..1 h; default {@link SmtpLimits#DEFAULT_REPLY_TIMEOUT}, 5 min; the
     * reply to the end of the message gets at least {@link SmtpLimits#DEFAULT_DATA_TERMINATION_TIMEOUT}).
     * Checklist TLS-7; {@link #readTimeout} still bounds each single read.
     */
    public Builder replyTimeout(Duration timeout) {
      this.replyTimeout = checked("replyTimeout", timeout, Duration.ofHours(1));
      return this;
    }

    /** The longest planning of one domain may take (1 s..5 min; default 60 s). */
    public Builder planTimeout(Duration timeout) {
      this.planTimeout = checked("planTimeout", timeout, Duration.ofMinutes(5));
      return this;
    }

    /** An extra Jakarta Mail session property (e.g. {@code mail.debug}); DANE settings cannot be overridden. */
    public Builder property(String name, String value) {
      extra.setProperty(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** The mailer. */
    public DaneMailer build() {
      if (ehloName == null) {
        throw new IllegalStateException("set ehloName: the EHLO name must be this sender's host name");
      }
      return new DaneMailer(this);
    }

    private Properties properties() {
      Properties p = new Properties();
      p.putAll(extra);
      p.setProperty("mail.smtp.localhost", ehloName);
      p.setProperty("mail.smtp.connectiontimeout", Long.toString(connectTimeout.toMillis()));
      p.setProperty("mail.smtp.timeout", Long.toString(readTimeout.toMillis()));
      p.setProperty("mail.smtp.writetimeout", Long.toString(readTimeout.toMillis()));
      p.setProperty(DaneSettings.REPLY_TIMEOUT, Long.toString(replyTimeout.toSeconds()));
      p.setProperty("mail.smtp.sendpartial", "true");
      p.setProperty("mail.smtp.quitwait", "false");
      p.remove("mail.smtp.ssl.enable");
      return p;
    }

    private static Duration checked(String name, Duration d, Duration max) {
      Objects.requireNonNull(d, name);
      if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(max) > 0) {
        throw new IllegalArgumentException(name + " must be 1 s.." + max.toMinutes() + " min, got " + d);
      }
      return d;
    }
  }
}
