package org.dane4j.jakartamail;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.dane4j.dns.DaneResolver;
import org.dane4j.smtp.DeliveryAttempt;
import org.dane4j.smtp.DeliveryPlan;
import org.dane4j.smtp.DeliveryPlanner;
import org.dane4j.smtp.Destination;
import org.dane4j.smtp.MxRoute;
import org.dane4j.smtp.SmtpLimits;
import org.dane4j.smtp.SmtpReplyGuard;
import org.dane4j.smtp.TlsRequirement;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Angus Mail SMTP transport that applies RFC 7672 to the host it connects to (relay mode; checklist
 * POL-2): the relay's name is planned with DNSSEC, the connection goes to a validated address, and the
 * route's requirement is enforced — STARTTLS mandatory and the server authenticated by its TLSA records
 * for DANE routes, mandatory unauthenticated TLS for ENCRYPT routes, opportunistic TLS otherwise; no
 * connection at all when the relay's DNS is bogus or failing.
 *
 * <p>Switch an existing configuration over with properties alone:
 * <pre>
 * mail.smtp.class=org.dane4j.jakartamail.DaneSmtpTransport
 * mail.smtp.host=relay.example.nl          # a host name: its TLSA base domain
 * mail.smtp.localhost=app.example.nl       # the EHLO name
 * mail.smtp.dane.mode=dane                 # dane | dane-only | encrypt | may
 * mail.smtp.dane.resolver=127.0.0.1        # optional: upstreams (default /etc/resolv.conf)
 * mail.smtp.dane.trust-ad=false            # optional: trust a loopback validating resolver's AD bit
 * mail.smtp.dane.trust-anchors=/etc/dane/root.key   # optional: DS/DNSKEY anchors instead of IANA's
 * mail.smtp.dane.dns-timeout=5             # optional: seconds per DNS query
 * mail.smtp.dane.reply-timeout=300         # optional: seconds one reply may take, however trickled
 * mail.smtp.dane.allow-cleartext-auth=false # optional: AUTH without TLS when the relay offers none
 * </pre>
 * Unknown or malformed {@code mail.smtp.dane.*} values fail at {@code connect} with the property named.
 *
 * <p>The application's TLS floor is kept (checklist TLS-8): TLS is mandatory on a connection when the route
 * requires it, when {@code mail.smtp.starttls.required=true}, or when credentials are configured
 * ({@code mail.smtp.auth=true}, or a user and password given to {@code connect}) — unless
 * {@code mail.smtp.dane.allow-cleartext-auth=true}, which lets AUTH go in cleartext to a relay that offers no
 * STARTTLS (Postfix's {@code smtp_sasl_security_options} without {@code noplaintext}). Only on a connection
 * where TLS is not mandatory and no credentials are configured does a failed handshake with a relay without
 * DANE lead to a retry in cleartext (RFC 7435). No command but EHLO, HELO, STARTTLS, RSET, NOOP and QUIT is
 * sent without TLS where TLS is mandatory.
 *
 * <p>Every reply is bounded (TLS-7; {@link SmtpLimits}): {@value SmtpLimits#DEFAULT_MAX_REPLY_LINE_LENGTH}
 * bytes per line, {@value SmtpLimits#DEFAULT_MAX_REPLY_LINES} lines per reply, {@code reply-timeout} per
 * reply however slowly it is trickled (at least 10 min for the reply to the end of the message), 30 s for the TLS
 * handshake; a connect timeout the application did not set is 30 s. A crossed limit ends the connection
 * with an error naming it.
 *
 * <p>Angus's own {@code mail.smtp.starttls.enable}, {@code mail.smtp.socketFactory},
 * {@code mail.smtp.ssl.socketFactory} and server identity settings are overridden per connection: whether
 * TLS is used is decided by the route and the floor above, never by them. Implicit TLS
 * ({@code mail.smtp.ssl.enable}) is refused.
 */
public class DaneSmtpTransport extends SMTPTransport {
  private static final Logger LOG = LoggerFactory.getLogger(DaneSmtpTransport.class);
  /** What may be sent before TLS where TLS is mandatory: nothing of the message, no credentials. */
  private static final Set<String> CLEARTEXT_COMMANDS = Set.of("EHLO", "HELO", "STARTTLS", "RSET", "NOOP", "QUIT");
  private final RouteSocketFactory tlsFactory = new RouteSocketFactory();
  private final Session tlsSession;
  private final List<DeliveryAttempt> attempts = new ArrayList<>();
  private MxRoute presetRoute;
  private DaneResolver resolver;
  private boolean ownsResolver;
  private boolean sharedResolver;
  private Clock clock = Clock.systemUTC();

  /** The constructor Jakarta Mail calls for {@code mail.smtp.class}. */
  public DaneSmtpTransport(Session session, URLName urlname) {
    super(session, urlname, "smtp", false);
    this.tlsSession = SessionCopies.withSocketFactories(session, "mail.smtp", tlsFactory.plain(), tlsFactory);
  }

  /** Uses this resolver (shared, not closed by the transport) instead of one made from the properties. */
  public synchronized void setResolver(DaneResolver resolver) {
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.ownsResolver = false;
    this.sharedResolver = false;
  }

  /** The clock DANE-TA paths are validated with; the system clock by default. */
  public synchronized void setClock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Connects to this planned route instead of planning the host given to {@code connect} (direct mode). */
  synchronized void useRoute(MxRoute route) {
    this.presetRoute = route;
  }

  /** Every attempt of the latest {@code connect}, in order (checklist OUT-1). */
  public synchronized List<DeliveryAttempt> attempts() {
    return List.copyOf(attempts);
  }

  @Override
  protected synchronized boolean protocolConnect(String host, int port, String user, String password)
      throws MessagingException {
    attempts.clear();
    if (isSSL() || Boolean.parseBoolean(session.getProperty("mail.smtp.ssl.enable"))) {
      throw new MessagingException("DANE: implicit TLS (mail.smtp.ssl.enable) is not supported; "
          + "DANE upgrades with STARTTLS (RFC 7672 §2.2)");
    }
    DaneSettings settings = DaneSettings.of(session.getProperties());
    MxRoute route = presetRoute != null ? presetRoute : planRelay(host, port, settings);
    if (route.requirement() == TlsRequirement.UNUSABLE) {
      attempts.add(Attempts.unusable(route));
      LOG.warn("DANE route unusable: {}", attempts.get(0));
      throw new DaneMessagingException("DANE: not connecting to " + route.mxHost() + ": " + route.reason(),
          attempts.get(0));
    }
    boolean credentials = flag("mail.smtp.auth") || (user != null && password != null);
    boolean tlsRequired = route.requirement().tlsMandatory() || flag("mail.smtp.starttls.required")
        || (credentials && !settings.allowCleartextAuth);
    setRequireStartTLS(tlsRequired);
    MessagingException last = null;
    for (InetAddress address : route.addresses()) {
      try {
        return connectTo(route, address, user, password, true, settings, tlsRequired);
      } catch (MessagingException e) {
        last = e;
        if (!tlsRequired && !credentials && tlsFactory.current().socket != null) {
          // RFC 7435 §1.3 / Postfix "may": TLS was offered but failed on a host without DANE, and neither the
          // application's floor nor credentials forbid cleartext (TLS-8): retry in clear.
          try {
            return connectTo(route, address, user, password, false, settings, false);
          } catch (MessagingException clear) {
            last = clear;
          }
        }
      }
    }
    throw last != null ? last : new MessagingException("DANE: route " + route.mxHost() + " has no address");
  }

  private boolean connectTo(MxRoute route, InetAddress address, String user, String password, boolean tls,
      DaneSettings settings, boolean tlsRequired) throws MessagingException {
    RouteSocketFactory.Connection connection = new RouteSocketFactory.Connection(route, settings.limits,
        tlsRequired, settings.allowCleartextAuth);
    tlsFactory.use(connection);
    setStartTLS(tls);
    Session userSession = this.session;
    this.session = tlsSession; // Angus reads the socket factories from the session's properties
    try {
      // An IP literal: Angus connects without a second, unvalidated lookup (ADDR-3).
      boolean connected = super.protocolConnect(address.getHostAddress(), route.port(), user, password);
      DeliveryAttempt attempt = Attempts.connected(route, address, connection);
      attempts.add(attempt);
      LOG.info("DANE connected: {}", attempt);
      return connected;
    } catch (MessagingException e) {
      DeliveryAttempt failed = Attempts.failed(route, address, connection, e);
      attempts.add(failed);
      LOG.warn("DANE attempt failed: {}", failed);
      throw new DaneMessagingException("DANE: " + failed, failed, e);
    } finally {
      this.session = userSession;
    }
  }

  /** A boolean property of the application's session, read as Angus reads it (a Boolean or "true"). */
  private boolean flag(String name) {
    Object v = session.getProperties().get(name);
    if (v instanceof Boolean b) {
      return b;
    }
    String text = session.getProperty(name);
    return text != null && text.strip().equalsIgnoreCase("true");
  }

  /**
   * Refuses every command but EHLO, HELO, STARTTLS, RSET, NOOP and QUIT on a session without TLS where TLS
   * is mandatory (TLS-1, TLS-8), and AUTH without TLS unless the application allowed it: the last line of
   * defence under Angus, whatever path led here.
   */
  private void refuseWithoutTls(String command) throws MessagingException {
    RouteSocketFactory.Connection c = tlsFactory.current();
    if (c != null && c.tlsEstablished()) {
      return;
    }
    String verb = command.strip().split(" ", 2)[0].toUpperCase(java.util.Locale.ROOT);
    if (verb.equals("MAIL")) {
      verb = "MAIL FROM";
    }
    if (c != null && CLEARTEXT_COMMANDS.contains(verb)) {
      return;
    }
    if (c == null || c.tlsRequired) {
      throw new MessagingException("DANE: refusing to send " + verb + ": TLS is mandatory on this connection "
          + "and the session is not protected");
    }
    if (verb.equals("AUTH") && !c.cleartextAuthAllowed) {
      throw new MessagingException("DANE: refusing to send AUTH without TLS (set "
          + DaneSettings.ALLOW_CLEARTEXT_AUTH + "=true to allow it)");
    }
  }

  @Override
  protected void sendCommand(String cmd) throws MessagingException {
    refuseWithoutTls(cmd);
    super.sendCommand(cmd);
  }

  /** Angus sends the continuation lines of AUTH (credentials) through here. */
  @Override
  protected int simpleCommand(byte[] cmd) throws MessagingException {
    refuseWithoutTls("AUTH");
    return super.simpleCommand(cmd);
  }

  /** The reply to the end of the message has RFC 5321's longer deadline (§4.5.3.2.6). */
  @Override
  protected void finishData() throws java.io.IOException, MessagingException {
    RouteSocketFactory.Connection c = tlsFactory.current();
    SmtpReplyGuard guard = c == null ? null : c.guard();
    if (guard == null) {
      super.finishData();
      return;
    }
    Duration normal = c.limits.replyTimeout();
    guard.replyTimeout(normal.compareTo(SmtpLimits.DEFAULT_DATA_TERMINATION_TIMEOUT) > 0 ? normal
        : SmtpLimits.DEFAULT_DATA_TERMINATION_TIMEOUT);
    try {
      super.finishData();
    } finally {
      guard.replyTimeout(normal);
    }
  }

  @Override
  public synchronized void close() throws MessagingException {
    try {
      super.close();
    } finally {
      if (ownsResolver && resolver != null) {
        resolver.close();
        resolver = null;
      }
      if (sharedResolver) { // not closed: other transports use it; the next connect reads the settings again
        resolver = null;
        sharedResolver = false;
      }
    }
  }

  private int configuredPort() throws MessagingException {
    String p = session.getProperty("mail.smtp.port");
    try {
      return p == null ? 25 : Integer.parseInt(p.strip());
    } catch (NumberFormatException e) {
      throw new MessagingException("mail.smtp.port must be a number, got \"" + p + "\"", e);
    }
  }

  private MxRoute planRelay(String host, int port, DaneSettings settings) throws MessagingException {
    if (host == null || host.isBlank()) {
      throw new MessagingException("DANE: no relay host: set mail.smtp.host to the relay's name");
    }
    Destination relay;
    try {
      relay = Destination.relay(host, port > 0 ? port : configuredPort());
    } catch (IllegalArgumentException e) {
      throw new MessagingException("DANE needs the relay's host name (RFC 7672 §2.2, POL-2): " + e.getMessage(), e);
    }
    if (resolver == null) {
      SharedResolvers.Lease lease = SharedResolvers.forSettings(settings);
      resolver = lease.resolver();
      ownsResolver = lease.owned();
      sharedResolver = !lease.owned();
    }
    DeliveryPlanner planner = DeliveryPlanner.builder(resolver).mode(settings.mode).clock(clock).build();
    try {
      DeliveryPlan plan = planner.plan(relay).get(settings.dnsTimeout.toSeconds() * 8, TimeUnit.SECONDS);
      return plan.routes().get(0);
    } catch (TimeoutException e) {
      throw new MessagingException("DANE: planning " + relay + " took longer than "
          + settings.dnsTimeout.toSeconds() * 8 + " s (8 x " + DaneSettings.DNS_TIMEOUT + ")", e);
    } catch (ExecutionException e) {
      throw new MessagingException("DANE: planning " + relay + " failed: " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MessagingException("DANE: interrupted while planning " + relay, e);
    }
  }
}
