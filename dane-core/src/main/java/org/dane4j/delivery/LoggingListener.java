package org.dane4j.delivery;

import java.net.InetAddress;
import java.util.stream.Collectors;
import org.dane4j.smtp.DeliveryAttempt;
import org.dane4j.smtp.DeliveryPlan;
import org.dane4j.smtp.MxRoute;
import org.dane4j.smtp.RecipientResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's own log, over SLF4J, logger {@code org.dane4j.delivery}. Each line starts with a stable event
 * name that a log search can rely on, then {@code key=value} pairs:
 *
 * <table>
 *   <caption>Events and levels</caption>
 *   <tr><th>event</th><th>level</th><th>when</th></tr>
 *   <tr><td>{@code plan.started}</td><td>DEBUG</td><td>a destination is being looked up</td></tr>
 *   <tr><td>{@code plan.finished}</td><td>DEBUG</td><td>its routes and their TLS requirements</td></tr>
 *   <tr><td>{@code session.started}</td><td>DEBUG</td><td>a session to one address begins</td></tr>
 *   <tr><td>{@code attempt.finished}</td><td>DEBUG</td><td>a session ended well (verdict, matched record)</td></tr>
 *   <tr><td>{@code attempt.failed}</td><td>INFO</td><td>a session or route failed (type, reason)</td></tr>
 *   <tr><td>{@code attempt.tls-required-no}</td><td>WARN</td><td>a session went without the verification its
 *       route required, because the message has {@code TLS-Required: No} (RFC 8689; RTLS-2)</td></tr>
 *   <tr><td>{@code recipient.delivered}</td><td>INFO</td><td>once per recipient</td></tr>
 *   <tr><td>{@code recipient.deferred}</td><td>WARN</td><td>once per recipient, with the reason</td></tr>
 *   <tr><td>{@code recipient.failed}</td><td>WARN</td><td>once per recipient, with the reason</td></tr>
 * </table>
 *
 * <p>dnsjava logs every bogus RRset at ERROR with a stack trace ({@code org.xbill.DNS.dnssec.DnsSecVerifier});
 * dane4j reports the same fact as a deferral. To keep one line per event, set that logger to OFF (Logback:
 * {@code <logger name="org.xbill.DNS.dnssec" level="OFF"/>}).
 */
final class LoggingListener implements DeliveryListener {
  private static final Logger LOG = LoggerFactory.getLogger("org.dane4j.delivery");

  @Override
  public void planStarted(String destination) {
    LOG.debug("plan.started destination={}", destination);
  }

  @Override
  public void planFinished(DeliveryPlan plan) {
    if (LOG.isDebugEnabled()) {
      LOG.debug("plan.finished destination={} routes=[{}]{}", plan.destination().name(),
          plan.routes().stream().map(r -> r.mxHost() + ":" + r.requirement()).collect(Collectors.joining(", ")),
          plan.failure().map(f -> " failure=\"" + f.reason() + "\"").orElse(""));
    }
  }

  @Override
  public void sessionStarted(MxRoute route, InetAddress address) {
    if (LOG.isDebugEnabled()) { // the address's text is made per session: only when the line is written
      LOG.debug("session.started host={} address={} requirement={}", route.mxHost(), address.getHostAddress(),
          route.requirement());
    }
  }

  @Override
  public void attemptFinished(DeliveryAttempt a, SessionResult session) {
    if (!a.verificationBypassed() && !a.failed() && !LOG.isDebugEnabled()) {
      return; // a good attempt is logged at DEBUG only: nothing to make per message otherwise
    }
    String address = a.address() == null ? "-" : a.address().getHostAddress();
    if (a.verificationBypassed()) {
      LOG.warn("attempt.tls-required-no host={} address={} policy_type={} verdict={} reason=\"{}\"",
          a.route().mxHost(), address, a.route().policyType().word(), a.verdict(), a.detail());
    }
    if (a.failed()) {
      LOG.info("attempt.failed host={} address={} requirement={} type={} reason=\"{}\"", a.route().mxHost(), address,
          a.route().requirement(), a.failureType() == null ? "-" : a.failureType(), a.detail());
    } else {
      LOG.debug("attempt.finished host={} address={} verdict={} tls={} reused={}", a.route().mxHost(), address,
          a.verdict(), a.tlsProtocol() == null ? "-" : a.tlsProtocol(), a.reusedConnection());
    }
  }

  @Override
  public void recipientFinished(RecipientResult r) {
    switch (r.status()) {
      case DELIVERED -> LOG.info("recipient.delivered recipient={} via=\"{}\"", r.recipient(), r.reason());
      case DEFERRED -> LOG.warn("recipient.deferred recipient={} type={} reason=\"{}\"", r.recipient(),
          r.failureType() == null ? "-" : r.failureType(), r.reason());
      case FAILED -> LOG.warn("recipient.failed recipient={} type={} reason=\"{}\"", r.recipient(),
          r.failureType() == null ? "-" : r.failureType(), r.reason());
      default -> throw new IllegalStateException("unknown status " + r.status());
    }
  }
}
