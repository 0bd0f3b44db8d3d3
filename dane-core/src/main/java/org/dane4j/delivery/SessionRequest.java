package org.dane4j.delivery;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import org.dane4j.smtp.MxRoute;

/**
 * What the engine asks of one {@link SmtpSession}: connect to one validated address of one route (ADDR-3),
 * secure the session as the route's requirement says, and then either carry one mail transaction or, for a
 * probe, stop after the secured EHLO with QUIT.
 *
 * @param route the planned route: host, requirement, TLS recipe ({@link MxRoute#trustManager()}, SNI)
 * @param address one of {@link MxRoute#addresses()}; the session connects to it and nowhere else
 * @param sender the envelope sender, {@code ""} for the null reverse-path; null for a probe
 * @param recipients the recipients still pending on this route, in order; empty for a probe
 * @param message the message, CRLF line ends, not dot-stuffed; null for a probe
 * @param startTls false only for the cleartext retry of an OPPORTUNISTIC route whose handshake failed
 *     (Postfix's behaviour at level {@code may}); never false when TLS is mandatory
 * @param tlsFloor the application demands TLS whatever the route says ({@code mail.smtp.starttls.required},
 *     credentials: checklist TLS-8): STARTTLS is then mandatory on an OPPORTUNISTIC route too
 */
public record SessionRequest(MxRoute route, InetAddress address, String sender, List<String> recipients,
    byte[] message, boolean startTls, boolean tlsFloor) {

  /** Checks the request; refuses a cleartext request on a route where TLS is mandatory (TLS-1). */
  public SessionRequest {
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(address, "address");
    recipients = List.copyOf(recipients);
    if (!startTls && (route.requirement().tlsMandatory() || tlsFloor)) {
      throw new IllegalArgumentException("no cleartext session where TLS is mandatory (TLS-1, TLS-8)");
    }
    if ((sender == null) != (message == null) || (message == null) != recipients.isEmpty()) {
      throw new IllegalArgumentException("a request carries a sender, recipients and a message, or none (probe)");
    }
  }

  /** A probe of the route: connect, greeting, EHLO, STARTTLS and handshake as required, EHLO, QUIT. */
  public static SessionRequest probe(MxRoute route, InetAddress address) {
    return new SessionRequest(route, address, null, List.of(), null, true, false);
  }

  /**
   * Whether the session must not carry MAIL (nor AUTH) without TLS: the route requires it (DANE, ENCRYPT:
   * TLS-1) or the application does ({@link #tlsFloor()}, TLS-8). A server that does not offer STARTTLS, or
   * refuses it, then ends the session at {@link SessionPhase#STARTTLS}.
   */
  public boolean tlsMandatory() {
    return tlsFloor || route.requirement().tlsMandatory();
  }

  /** Whether the session stops after the secured EHLO instead of sending MAIL. */
  public boolean isProbe() {
    return message == null;
  }
}
