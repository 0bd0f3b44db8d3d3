package org.dane4j.jakartamail;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.dane4j.dns.DaneResolver;
import org.dane4j.smtp.DeliveryAttempt;
import org.dane4j.smtp.DeliveryPlan;
import org.dane4j.smtp.DeliveryPlanner;
import org.dane4j.smtp.Destination;
import org.dane4j.smtp.MxRoute;
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
 * </pre>
 * Unknown or malformed {@code mail.smtp.dane.*} values fail at {@code connect} with the property named.
 *
 * <p>Angus's own {@code mail.smtp.starttls.*}, {@code mail.smtp.ssl.socketFactory} and server identity
 * settings are overridden per connection: TLS is decided by the route, never by them. Implicit TLS
 * ({@code mail.smtp.ssl.enable}) is refused.
 */
public class DaneSmtpTransport extends SMTPTransport {
  private static final Logger LOG = LoggerFactory.getLogger(DaneSmtpTransport.class);
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
    this.tlsSession = SessionCopies.withSslSocketFactory(session, "mail.smtp", tlsFactory);
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
    MxRoute route = presetRoute != null ? presetRoute : planRelay(host, port);
    if (route.requirement() == TlsRequirement.UNUSABLE) {
      attempts.add(Attempts.unusable(route));
      LOG.warn("DANE route unusable: {}", attempts.get(0));
      throw new DaneMessagingException("DANE: not connecting to " + route.mxHost() + ": " + route.reason(),
          attempts.get(0));
    }
    setRequireStartTLS(route.requirement().tlsMandatory());
    MessagingException last = null;
    for (InetAddress address : route.addresses()) {
      try {
        return connectTo(route, address, user, password, true);
      } catch (MessagingException e) {
        last = e;
        if (route.requirement() == TlsRequirement.OPPORTUNISTIC && tlsFactory.current().socket != null) {
          // RFC 7435 §1.3 / Postfix "may": TLS was offered but failed on a host without DANE; retry in clear.
          try {
            return connectTo(route, address, user, password, false);
          } catch (MessagingException clear) {
            last = clear;
          }
        }
      }
    }
    throw last != null ? last : new MessagingException("DANE: route " + route.mxHost() + " has no address");
  }

  private boolean connectTo(MxRoute route, InetAddress address, String user, String password, boolean tls)
      throws MessagingException {
    RouteSocketFactory.Connection connection = new RouteSocketFactory.Connection(route);
    tlsFactory.use(connection);
    setStartTLS(tls);
    Session userSession = this.session;
    this.session = tlsSession; // Angus reads the STARTTLS socket factory from the session's properties
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

  /** Refuses MAIL FROM unless the session has the protection the route requires (TLS-1, defence in depth). */
  @Override
  protected void mailFrom() throws MessagingException {
    RouteSocketFactory.Connection c = tlsFactory.current();
    if (c == null || (c.route.requirement().tlsMandatory() && !c.tlsEstablished())) {
      throw new MessagingException("DANE: refusing to send MAIL FROM: the route requires TLS and the session "
          + "is not protected");
    }
    super.mailFrom();
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

  private MxRoute planRelay(String host, int port) throws MessagingException {
    if (host == null || host.isBlank()) {
      throw new MessagingException("DANE: no relay host: set mail.smtp.host to the relay's name");
    }
    Destination relay;
    try {
      relay = Destination.relay(host, port > 0 ? port : configuredPort());
    } catch (IllegalArgumentException e) {
      throw new MessagingException("DANE needs the relay's host name (RFC 7672 §2.2, POL-2): " + e.getMessage(), e);
    }
    DaneSettings settings = DaneSettings.of(session.getProperties());
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
