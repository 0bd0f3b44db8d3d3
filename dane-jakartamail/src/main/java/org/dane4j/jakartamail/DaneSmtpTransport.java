package org.dane4j.jakartamail;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import org.dane4j.delivery.DeliveryListener;
import org.dane4j.delivery.SessionPhase;
import org.dane4j.delivery.SessionRequest;
import org.dane4j.delivery.SessionResult;
import org.dane4j.delivery.SmtpReply;
import org.dane4j.dns.DaneResolver;
import org.dane4j.smtp.DeliveryAttempt;
import org.dane4j.smtp.DeliveryPlan;
import org.dane4j.smtp.DeliveryPlanner;
import org.dane4j.smtp.Destination;
import org.dane4j.smtp.MxRoute;
import org.dane4j.smtp.RequireTls;
import org.dane4j.smtp.RequireTlsPolicy;
import org.dane4j.smtp.ServerKeyType;
import org.dane4j.smtp.SmtpLimits;
import org.dane4j.smtp.SmtpReplyGuard;
import org.dane4j.smtp.TlsRequirement;
import org.dane4j.smtp.TlsVerdict;
import org.dane4j.tlsa.DaneVerification;
import org.dane4j.tlsa.FailureType;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.eclipse.angus.mail.util.MailConnectException;
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
 * mail.smtp.dane.handshake-timeout=30      # optional: seconds the TLS handshake may take in all
 * mail.smtp.dane.allow-cleartext-auth=false # optional: AUTH without TLS when the relay offers none
 * mail.smtp.dane.requiretls=false          # optional: every message requires REQUIRETLS (RFC 8689)
 * mail.smtp.dane.requiretls-policy=enforce # optional: enforce | opportunistic for the relay hop
 * </pre>
 * Unknown or malformed {@code mail.smtp.dane.*} values fail at {@code connect} with the property named.
 *
 * <p>The resolver made from these properties belongs to the Jakarta Mail {@link Session}: every transport of
 * one Session with the same DNS settings shares it, so its DNSSEC cache survives from one
 * {@code Transport.send} to the next (keep one Session, as Spring's {@code JavaMailSenderImpl} does). It is
 * closed by {@link #closeResolvers(Session)} once no transport of the Session is in use, or, at the latest,
 * after the Session has been garbage-collected (the Session is held weakly). A new Session gets a new
 * resolver. {@link #setResolver} gives one transport a resolver of your own instead, which dane4j never closes.
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
 * reply however slowly it is trickled (at least 10 min for the reply to the end of the message),
 * {@code handshake-timeout} (default 30 s) for the TLS handshake; a connect timeout the application did not
 * set is 30 s. A crossed limit ends the connection
 * with an error naming it.
 *
 * <p>The same session code carries {@link DaneMailer}'s deliveries (direct mode), one session per address the
 * {@link org.dane4j.delivery.DeliveryEngine} asks for: the connect, STARTTLS, handshake and mail transaction
 * below are the same bytes in both modes.
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
  private final RouteSocketFactory tlsFactory;
  private final Session tlsSession;
  private final List<DeliveryAttempt> attempts = new ArrayList<>();
  private DaneResolver resolver;
  private boolean ownsResolver;
  private boolean sharedResolver;
  private Clock clock = Clock.systemUTC();
  private DeliveryListener listener = DeliveryListener.none();
  /** Direct mode: the one address of one route this transport connects to, and what it saw. */
  private SessionRequest request;
  /** The key type a probe asks the server for, or null (every type, as a sender offers). */
  private ServerKeyType probeKeyType;
  private Facts facts = new Facts();
  /** The MAIL FROM parameters the engine adds to the next MAIL (REQUIRETLS); empty by default. */
  private List<String> extraMailParameters = List.of();
  /** Relay mode: the route and address of the current connection. */
  private MxRoute relayRoute;

  /** The constructor Jakarta Mail calls for {@code mail.smtp.class}. */
  public DaneSmtpTransport(Session session, URLName urlname) {
    this(session, urlname, SessionCopies.TlsKit.of(session));
  }

  /**
   * A transport on a kit made from {@code session} that no other transport uses while this one runs
   * ({@link AngusSession} reuses the kits of finished sessions).
   */
  DaneSmtpTransport(Session session, URLName urlname, SessionCopies.TlsKit kit) {
    super(session, urlname, "smtp", false);
    this.tlsFactory = kit.factory;
    this.tlsSession = kit.session;
  }

  /** Uses this resolver (shared, not closed by the transport) instead of one made from the properties. */
  public synchronized void setResolver(DaneResolver resolver) {
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.ownsResolver = false;
    this.sharedResolver = false;
  }

  /**
   * Relay mode: tells this listener each step of a connect (shared, never closed by the transport), as
   * {@code DaneMailer} and {@code DaneSmtpClient} tell theirs: {@code planStarted} and {@code planFinished} for
   * the relay's plan, {@code sessionStarted} for each address tried, and {@code attemptFinished} with the
   * attempt the transport records (its {@code session} argument is null here: relay mode does not keep the
   * engine's session facts). Recipients are Jakarta Mail's business in relay mode, so
   * {@code recipientFinished} is not called. Direct mode ({@code DaneMailer}) uses the mailer's listener.
   * A listener that throws is logged and ignored.
   */
  public synchronized void setListener(DeliveryListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  private void tell(java.util.function.Consumer<DeliveryListener> step) {
    try {
      step.accept(listener);
    } catch (RuntimeException e) {
      LOG.warn("DeliveryListener threw; ignored", e);
    }
  }

  /**
   * Closes the resolvers that relay mode made from the {@code mail.smtp.dane.*} properties of this Session
   * (see the class description); call it when no transport of the Session is in use any more, e.g. when the
   * application shuts its mail sender down. A later connect on the Session makes a new resolver. Resolvers
   * given with {@link #setResolver} are not touched.
   */
  public static void closeResolvers(Session session) {
    SessionResolvers.close(Objects.requireNonNull(session, "session"));
  }

  /** The clock DANE-TA paths are validated with; the system clock by default. */
  public synchronized void setClock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Every attempt of the latest {@code connect}, in order (checklist OUT-1). */
  public synchronized List<DeliveryAttempt> attempts() {
    return List.copyOf(attempts);
  }

  /**
   * Runs one engine session on this (new, unconnected) transport: connect to the request's address only,
   * secure the session as the request says, then QUIT (a probe) or send {@code message} to the request's
   * recipients. Never throws: every ending is in the result.
   *
   * @param message the message with its envelope sender set; null for a probe
   */
  SessionResult runSession(SessionRequest request, SMTPMessage message) {
    return runSession(request, message, null);
  }

  /** As {@link #runSession(SessionRequest, SMTPMessage)}; a probe may ask for one server key type. */
  SessionResult runSession(SessionRequest request, SMTPMessage message, ServerKeyType keyType) {
    if (keyType != null && !request.isProbe()) {
      throw new IllegalArgumentException("a key type restricts probes only, never a session that sends mail");
    }
    synchronized (this) {
      this.request = request;
      this.probeKeyType = keyType;
    }
    try {
      connect(request.route().mxHost(), request.route().port(), null, null);
      java.util.Optional<String> refusal = message == null ? java.util.Optional.empty()
          : request.mailRefusal(authenticated(), facts.requireTlsOffered);
      if (refusal.isPresent()) { // RTLS-1: the engine's rule; nothing of the message is sent
        facts.phase = SessionPhase.MAIL;
        facts.failure(null, refusal.get());
        return facts.result(tlsFactory.current());
      }
      if (message != null) {
        Address[] to = new Address[request.recipients().size()];
        for (int i = 0; i < to.length; i++) {
          to[i] = new InternetAddress(request.recipients().get(i), false);
        }
        extraMailParameters = request.mailParameters(facts.requireTlsOffered);
        sendMessage(message, to);
      }
      facts.phase = SessionPhase.COMPLETE;
    } catch (MessagingException e) {
      if (!(e instanceof SendFailedException) || cause(e, IOException.class) != null || facts.mail == null
          || facts.noReply != null) {
        facts.fail(e, tlsFactory.current());
      } // else the server refused: its replies say so
    } finally {
      try {
        close();
      } catch (MessagingException e) {
        // the outcome is recorded; a failing QUIT changes nothing
      }
    }
    return facts.result(tlsFactory.current());
  }

  /** Whether TLS is up on the current connection and the route's trust manager authenticated the server. */
  private boolean authenticated() {
    RouteSocketFactory.Connection c = tlsFactory.current();
    return c != null && c.tlsEstablished() && c.trustManager.authenticated();
  }

  /**
   * Relay mode: REQUIRETLS (RFC 8689; RTLS-1) for this message, decided by the core's rule
   * ({@link SessionRequest#requireTlsRefusal}). A message requires TLS when
   * {@code mail.smtp.dane.requiretls} is true or it has {@code Require-TLS-ESMTP: Yes}; under
   * {@code mail.smtp.dane.requiretls-policy} {@code enforce} (the default) it is sent only over a DANE-verified relay
   * route to a relay that listed REQUIRETLS after STARTTLS, else refused with {@code 5.7.30} before MAIL;
   * MAIL FROM carries {@code REQUIRETLS} whenever the relay listed it.
   */
  @Override
  public synchronized void sendMessage(Message message, Address[] addresses) throws MessagingException {
    if (request != null || relayRoute == null) { // direct mode: the engine decided (runSession)
      super.sendMessage(message, addresses);
      return;
    }
    RequireTlsSettings rtls = RequireTlsSettings.of(session.getProperties());
    String[] header = message.getHeader(RequireTls.REQUEST_HEADER);
    boolean required = rtls.requireTls() || (header != null
        && java.util.Arrays.stream(header).anyMatch(h -> h.strip().equalsIgnoreCase("yes")));
    SessionRequest.MailRequireTls mode = !required ? SessionRequest.MailRequireTls.NONE
        : rtls.relayPolicy() == RequireTlsPolicy.ENFORCE ? SessionRequest.MailRequireTls.ENFORCE
        : SessionRequest.MailRequireTls.IF_OFFERED;
    java.util.Optional<String> refusal = SessionRequest.requireTlsRefusal(relayRoute, mode, authenticated(),
        facts.requireTlsOffered);
    if (refusal.isPresent()) {
      LOG.warn("REQUIRETLS: message not sent via {}: {}", relayRoute.mxHost(), refusal.get());
      throw new org.eclipse.angus.mail.smtp.SMTPSendFailedException("MAIL", 554,
          "554 5.7.30 (local) REQUIRETLS support required: " + refusal.get(), null, new Address[0], new Address[0],
          addresses);
    }
    extraMailParameters = mode == SessionRequest.MailRequireTls.NONE ? List.of()
        : facts.requireTlsOffered ? List.of(RequireTls.KEYWORD) : List.of();
    try {
      super.sendMessage(message, addresses);
    } finally {
      extraMailParameters = List.of();
    }
  }

  @Override
  protected synchronized boolean protocolConnect(String host, int port, String user, String password)
      throws MessagingException {
    attempts.clear();
    relayRoute = null;
    if (isSSL() || Boolean.parseBoolean(session.getProperty("mail.smtp.ssl.enable"))) {
      throw new MessagingException("DANE: implicit TLS (mail.smtp.ssl.enable) is not supported; "
          + "DANE upgrades with STARTTLS (RFC 7672 §2.2)");
    }
    DaneSettings settings = DaneSettings.of(session.getProperties());
    RequireTlsSettings.of(session.getProperties()); // malformed REQUIRETLS properties fail here, named
    if (request != null) { // direct mode: the engine chose the address and decides what comes next
      setRequireStartTLS(request.tlsMandatory());
      return connectTo(request.route(), request.address(), user, password, request.startTls(), settings,
          request.tlsMandatory(), probeKeyType);
    }
    MxRoute route = planRelay(host, port, settings);
    if (route.requirement() == TlsRequirement.UNUSABLE) {
      attempts.add(new DeliveryAttempt(route, null, TlsVerdict.FAILED, null, null, null,
          route.failureType().orElse(FailureType.VALIDATION_FAILURE), true, route.reason()));
      LOG.warn("DANE route unusable: {}", attempts.get(0));
      tell(l -> l.attemptFinished(attempts.get(0), null));
      throw new DaneMessagingException("DANE: not connecting to " + route.mxHost() + ": " + route.reason(),
          attempts.get(0));
    }
    DaneSettings.AppTls app = DaneSettings.AppTls.of(session.getProperties(), user != null && password != null);
    boolean tlsRequired = route.requirement().tlsMandatory() || app.floor();
    setRequireStartTLS(tlsRequired);
    MessagingException last = null;
    // Relay mode connects before it knows the message (Transport.connect, then sendMessage), so this walk of
    // the relay's addresses stays here; it follows the engine's rules (DomainRun): next address after a
    // failure, cleartext once only after a failed handshake where neither the route nor the application
    // (floor, credentials: TLS-8) makes TLS mandatory.
    for (InetAddress address : route.addresses()) {
      try {
        return relayConnect(route, address, user, password, true, settings, tlsRequired);
      } catch (MessagingException e) {
        last = e;
        if (!tlsRequired && app.cleartextRetry() && facts.phase == SessionPhase.TLS_HANDSHAKE) {
          try {
            return relayConnect(route, address, user, password, false, settings, false);
          } catch (MessagingException clear) {
            last = clear;
          }
        }
      }
    }
    throw last != null ? last : new MessagingException("DANE: route " + route.mxHost() + " has no address");
  }

  /** Relay mode: one address, reported as an attempt and logged (direct mode's engine does both itself). */
  private boolean relayConnect(MxRoute route, InetAddress address, String user, String password, boolean tls,
      DaneSettings settings, boolean tlsRequired) throws MessagingException {
    tell(l -> l.sessionStarted(route, address));
    try {
      boolean connected = connectTo(route, address, user, password, tls, settings, tlsRequired, null);
      relayRoute = route;
      DeliveryAttempt attempt = facts.attempt(route, address, tlsFactory.current());
      attempts.add(attempt);
      LOG.info("DANE connected: {}", attempt);
      tell(l -> l.attemptFinished(attempt, null));
      return connected;
    } catch (MessagingException e) {
      facts.fail(e, tlsFactory.current());
      DeliveryAttempt failed = facts.attempt(route, address, tlsFactory.current());
      attempts.add(failed);
      LOG.warn("DANE attempt failed: {}", failed);
      tell(l -> l.attemptFinished(failed, null));
      throw new DaneMessagingException("DANE: " + failed, failed, e);
    }
  }

  /** The one connect of both modes: one address, STARTTLS as asked, the route's TLS recipe. */
  private boolean connectTo(MxRoute route, InetAddress address, String user, String password, boolean tls,
      DaneSettings settings, boolean tlsRequired, ServerKeyType keyType) throws MessagingException {
    RouteSocketFactory.Connection connection = new RouteSocketFactory.Connection(route, settings.limits,
        settings.handshakeTimeout, tlsRequired, settings.allowCleartextAuth, keyType);
    tlsFactory.use(connection);
    facts = new Facts();
    setStartTLS(tls);
    Session userSession = this.session;
    this.session = tlsSession; // Angus reads the socket factories from the session's properties
    try {
      // An IP literal: Angus connects without a second, unvalidated lookup (ADDR-3).
      return super.protocolConnect(address.getHostAddress(), route.port(), user, password);
    } finally {
      this.session = userSession;
    }
  }

  /** A boolean property of the application's session, read as Angus reads it (a Boolean or "true"). */

  /**
   * Refuses every command but EHLO, HELO, STARTTLS, RSET, NOOP and QUIT on a session without TLS where TLS
   * is mandatory (TLS-1, TLS-8), and AUTH without TLS unless the application allowed it: the last line of
   * defence under Angus, whatever path led here.
   */
  private void refuseWithoutTls(String verb) throws MessagingException {
    RouteSocketFactory.Connection c = tlsFactory.current();
    if (c != null && c.tlsEstablished()) {
      return;
    }
    if (c != null && CLEARTEXT_COMMANDS.contains(verb)) {
      return;
    }
    if (c == null || c.tlsRequired) {
      throw new MessagingException("DANE: refusing to send " + (verb.equals("MAIL") ? "MAIL FROM" : verb)
          + ": TLS is mandatory on this connection and the session is not protected");
    }
    if (verb.equals("AUTH") && !c.cleartextAuthAllowed) {
      throw new MessagingException("DANE: refusing to send AUTH without TLS (set "
          + DaneSettings.ALLOW_CLEARTEXT_AUTH + "=true to allow it)");
    }
  }

  @Override
  protected void sendCommand(String cmd) throws MessagingException {
    String verb = cmd.strip().split(" ", 2)[0].toUpperCase(Locale.ROOT);
    if (verb.startsWith("MAIL")) {
      verb = "MAIL";
    } else if (verb.startsWith("RCPT")) {
      verb = "RCPT";
    } else if (verb.equals(".")) {
      verb = "END-OF-DATA"; // Angus ends the message with the "." line as a command
    }
    refuseWithoutTls(verb);
    if (verb.equals("MAIL") && !extraMailParameters.isEmpty()) {
      cmd = cmd + " " + String.join(" ", extraMailParameters); // the engine's REQUIRETLS (RFC 8689 §2)
    }
    facts.sent(verb, cmd, request);
    super.sendCommand(cmd);
  }

  /** Angus sends the continuation lines of AUTH (credentials) through here. */
  @Override
  protected int simpleCommand(byte[] cmd) throws MessagingException {
    refuseWithoutTls("AUTH");
    facts.sent("AUTH", null, request);
    return super.simpleCommand(cmd);
  }

  /** EHLO as Angus sends it; records whether the reply offered STARTTLS (the session's result says so). */
  @Override
  protected boolean ehlo(String domain) throws MessagingException {
    boolean ok = super.ehlo(domain);
    if (ok && supportsExtension("STARTTLS")) {
      facts.startTlsOffered = true;
    }
    RouteSocketFactory.Connection c = tlsFactory.current();
    if (ok && c != null && c.tlsEstablished() && supportsExtension(RequireTls.KEYWORD)) {
      facts.requireTlsOffered = true; // RFC 8689 §2: only what the server says under TLS counts
    }
    return ok;
  }

  /** Each reply, kept for the session's result (MAIL, RCPT, DATA). */
  @Override
  protected int readServerResponse() throws MessagingException {
    int code = super.readServerResponse();
    facts.replied(code, getLastServerResponse());
    return code;
  }

  /** The reply to the end of the message has RFC 5321's longer deadline (§4.5.3.2.6). */
  @Override
  protected void finishData() throws IOException, MessagingException {
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
      if (sharedResolver) { // the Session's: not closed here; the next connect reads the settings again
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
      SessionResolvers.Lease lease = SessionResolvers.forSession(session, settings);
      resolver = lease.resolver();
      ownsResolver = lease.owned();
      sharedResolver = !lease.owned();
    }
    DeliveryPlanner planner = DeliveryPlanner.builder(resolver).mode(settings.mode).clock(clock).build();
    String destination = relay.name();
    tell(l -> l.planStarted(destination));
    try {
      DeliveryPlan plan = planner.plan(relay).get(settings.dnsTimeout.toSeconds() * 8, TimeUnit.SECONDS);
      tell(l -> l.planFinished(plan));
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

  private static <T extends Throwable> T cause(Throwable e, Class<T> kind) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (kind.isInstance(t)) {
        return kind.cast(t);
      }
    }
    return null;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return e.getMessage() + (t == e ? "" : " (" + t + ")");
  }

  /**
   * What one connection saw, in the terms of {@link SessionResult}: the phase reached, the replies of the
   * mail transaction, and why it ended abnormally. The one place that classifies an Angus failure (RFC 8460
   * failure type, a crossed limit named), for both modes.
   */
  private static final class Facts {
    SessionPhase phase = SessionPhase.CONNECT;
    boolean connected = true;
    boolean startTlsOffered;
    /** The EHLO reply after STARTTLS listed REQUIRETLS (RFC 8689 §2). */
    boolean requireTlsOffered;
    FailureType failureType;
    String failure;
    SmtpReply mail;
    final java.util.Map<String, SmtpReply> rcpt = new java.util.LinkedHashMap<>();
    SmtpReply data;
    private String awaiting;
    /** The command whose reply never came (the connection was lost), or null. */
    private String noReply;
    private String recipient;

    /** A command went out: the phase it starts, and which reply is next. */
    void sent(String verb, String command, SessionRequest request) {
      awaiting = verb;
      switch (verb) {
        case "EHLO", "HELO" -> phase = SessionPhase.EHLO;
        case "STARTTLS" -> phase = SessionPhase.STARTTLS;
        case "MAIL" -> phase = SessionPhase.MAIL;
        case "RCPT" -> {
          phase = SessionPhase.RCPT;
          recipient = recipientOf(command, request);
        }
        case "DATA", "END-OF-DATA" -> phase = SessionPhase.DATA;
        default -> { }
      }
    }

    void replied(int code, String response) {
      if (awaiting != null && code == -1) { // Angus's "no reply": the connection was lost waiting for one
        noReply = awaiting;
      }
      if (awaiting == null || code < 200 || code > 599) {
        return;
      }
      SmtpReply reply = new SmtpReply(code, text(response));
      switch (awaiting) {
        case "MAIL" -> mail = reply;
        case "RCPT" -> {
          if (recipient != null) {
            rcpt.put(recipient, reply);
          }
        }
        case "DATA" -> {
          if (code != 354) {
            data = reply;
          }
        }
        case "END-OF-DATA" -> data = reply;
        default -> { }
      }
      awaiting = null;
    }

    /** The session ended with {@code e} at the phase reached: classify it (TLS-1, TLS-7, RFC 8460). */
    void fail(MessagingException e, RouteSocketFactory.Connection c) {
      DaneVerification v = c == null ? null : c.trustManager.verification().orElse(null);
      SmtpReplyGuard.LimitExceededException limit = cause(e, SmtpReplyGuard.LimitExceededException.class);
      boolean handshakeStarted = c != null && c.socket != null && c.tls == null;
      if (cause(e, MailConnectException.class) != null) {
        connected = false;
        phase = SessionPhase.CONNECT;
        failure(null, rootMessage(e));
      } else if (v != null && !v.verified()) {
        phase = SessionPhase.TLS_HANDSHAKE;
        failure(v.failureType().orElse(FailureType.VALIDATION_FAILURE), v.reason());
      } else if (cause(e, SmtpReplyGuard.ResponseInjectionException.class) != null) { // TLS-3
        phase = SessionPhase.STARTTLS;
        failure(FailureType.VALIDATION_FAILURE, cause(e, SmtpReplyGuard.ResponseInjectionException.class)
            .getMessage());
      } else if (limit != null) { // the server crossed a limit (TLS-7): not a TLS verdict
        if (handshakeStarted) {
          phase = SessionPhase.TLS_HANDSHAKE;
        } else if (phase == SessionPhase.CONNECT) {
          phase = SessionPhase.GREETING;
        }
        failure(null, limit.getMessage());
      } else if (handshakeStarted) {
        phase = SessionPhase.TLS_HANDSHAKE;
        failure(cause(e, SSLHandshakeException.class) != null ? FailureType.VALIDATION_FAILURE : null,
            rootMessage(e));
      } else if (mentionsStartTls(e) || (phase == SessionPhase.STARTTLS && c != null && c.socket == null)) {
        phase = SessionPhase.STARTTLS; // greeted, but no TLS: not offered, or refused (454)
        failure(FailureType.STARTTLS_NOT_SUPPORTED, e.getMessage());
      } else {
        if (phase == SessionPhase.CONNECT) {
          phase = SessionPhase.GREETING;
        }
        failure(cause(e, SSLHandshakeException.class) != null ? FailureType.VALIDATION_FAILURE : null,
            rootMessage(e));
      }
    }

    void failure(FailureType type, String detail) {
      failureType = type;
      failure = detail == null ? "no detail" : detail;
    }

    /** Relay mode's report of one connect. */
    DeliveryAttempt attempt(MxRoute route, InetAddress address, RouteSocketFactory.Connection c) {
      DaneVerification v = c.trustManager.verification().orElse(null);
      if (failure != null) {
        return new DeliveryAttempt(route, address, TlsVerdict.FAILED, v, null, null, failureType, true, failure);
      }
      boolean tls = c.tlsEstablished();
      SSLSession s = tls ? c.socket.getSession() : null;
      boolean authenticated = c.trustManager.authenticated();
      return new DeliveryAttempt(route, address, route.verdict(tls, authenticated), v,
          s == null ? null : s.getProtocol(), s == null ? null : s.getCipherSuite(), null, false,
          tls ? (authenticated ? (v != null ? v.reason() : "authenticated (" + route.policyType() + ")")
              : "TLS without authentication")
              : "cleartext: the server did not offer STARTTLS");
    }

    SessionResult result(RouteSocketFactory.Connection c) {
      SessionResult.Builder b = SessionResult.builder().phase(phase);
      if (connected && c != null && c.plain != null) {
        b.connected();
      }
      if (startTlsOffered) {
        b.startTlsOffered();
      }
      if (requireTlsOffered) {
        b.requireTlsOffered();
      }
      if (c != null) {
        c.trustManager.verification().ifPresent(b::verification);
        c.trustManager.stsFailure().ifPresent(b::stsFailure); // STS-2: its RFC 8460 type for the report
        if (c.socket != null) { // a handshake was started on this connection: what the server presented
          b.presentedChain(c.trustManager.presentedChain());
        }
        if (c.tlsEstablished()) {
          SSLSession s = c.socket.getSession();
          b.tls(s.getProtocol(), s.getCipherSuite(), c.trustManager.authenticated());
        }
      }
      if (mail != null) {
        b.mailReply(mail);
      }
      rcpt.forEach(b::rcptReply);
      if (data != null) {
        b.dataReply(data);
      }
      if (failure != null) {
        b.failure(failureType, failure);
      }
      return b.build();
    }

    private static boolean mentionsStartTls(MessagingException e) {
      String m = e.getMessage();
      return m != null && m.contains("STARTTLS");
    }

    /** The recipient of "RCPT TO:<x> ...", as the request spells it. */
    private static String recipientOf(String command, SessionRequest request) {
      int open = command.indexOf('<');
      int close = command.indexOf('>', open + 1);
      String address = open < 0 || close < 0 ? "" : command.substring(open + 1, close);
      if (request == null) {
        return address;
      }
      return request.recipients().stream().filter(address::equalsIgnoreCase).findFirst().orElse(null);
    }

    /** The reply without its code; the lines of a multi-line reply joined with " / " (SmtpReply). */
    private static String text(String response) {
      List<String> lines = new ArrayList<>();
      for (String line : response == null ? new String[0] : response.split("\r?\n")) {
        lines.add(line.length() > 4 ? line.substring(4).strip() : "");
      }
      return String.join(" / ", lines);
    }
  }
}
