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
 * @param requireTls what the message's REQUIRETLS (RFC 8689) asks of this session: see {@link MailRequireTls};
 *     the session asks {@link #mailRefusal} before MAIL and writes {@link #mailParameters}
 */
public record SessionRequest(MxRoute route, InetAddress address, String sender, List<String> recipients,
    byte[] message, boolean startTls, boolean tlsFloor, MailRequireTls requireTls) {

  /**
   * What a session does about REQUIRETLS (RFC 8689 §4.2.1; checklist RTLS-1), as the engine decided it for the
   * message and the destination. The sessions only report whether the server's EHLO after STARTTLS listed
   * {@code REQUIRETLS} and write the parameter; the decision is here.
   */
  public enum MailRequireTls {
    /** The message has no REQUIRETLS: nothing to do. */
    NONE,
    /**
     * REQUIRETLS enforced: no MAIL unless the session is TLS-authenticated and the server listed REQUIRETLS in
     * its EHLO after STARTTLS; MAIL FROM then carries {@code REQUIRETLS}.
     */
    ENFORCE,
    /** REQUIRETLS on an opportunistic hop: MAIL FROM carries {@code REQUIRETLS} when the server listed it. */
    IF_OFFERED
  }

  /** A request without REQUIRETLS ({@link MailRequireTls#NONE}). */
  public SessionRequest(MxRoute route, InetAddress address, String sender, List<String> recipients,
      byte[] message, boolean startTls, boolean tlsFloor) {
    this(route, address, sender, recipients, message, startTls, tlsFloor, MailRequireTls.NONE);
  }

  /** Checks the request; refuses a cleartext request on a route where TLS is mandatory (TLS-1). */
  public SessionRequest {
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(address, "address");
    recipients = List.copyOf(recipients);
    Objects.requireNonNull(requireTls, "requireTls");
    if (requireTls == MailRequireTls.ENFORCE && !startTls) {
      throw new IllegalArgumentException("no cleartext session for a REQUIRETLS message (RTLS-1)");
    }
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

  /**
   * Asked by the session just before MAIL FROM (RFC 8689 §4.2.1; checklist RTLS-1): why MAIL must not be sent
   * on this session, or empty when it may. For {@link MailRequireTls#ENFORCE} MAIL needs a TLS-authenticated
   * session and a server that listed {@code REQUIRETLS} in its EHLO reply after STARTTLS. When refused, the
   * session sends nothing of the message, ends at {@link SessionPhase#MAIL} with this reason as its failure
   * (no MAIL reply) and reports {@link SessionResult.Builder#requireTlsOffered()} as it saw it. Also refuses
   * MAIL on a route whose requirement {@linkplain org.dane4j.smtp.TlsRequirement#authenticationMandatory() demands
   * authentication} when the session is not authenticated (TLS-2).
   *
   * @param authenticated whether TLS is up and the route's trust manager authenticated the server
   * @param requireTlsOffered whether the EHLO reply after STARTTLS listed {@code REQUIRETLS}
   */
  public java.util.Optional<String> mailRefusal(boolean authenticated, boolean requireTlsOffered) {
    if (route.requirement().authenticationMandatory() && !authenticated) {
      // TLS-2: a DANE or STS route carries mail only over a session its trust manager authenticated; the
      // handshake normally fails first, this guard also covers a session up without the check (never a downgrade)
      return java.util.Optional.of("the TLS session to " + route.mxHost() + " is not authenticated, which its "
          + route.requirement() + " route requires; no MAIL sent (TLS-2)");
    }
    return requireTlsRefusal(route, requireTls, authenticated, requireTlsOffered);
  }

  /**
   * The rule of {@link #mailRefusal} for one route (RFC 8689 §4.2.1; RTLS-1), for a session that has no
   * request (Jakarta relay mode, which connects before it knows the message): empty unless {@code mode} is
   * {@link MailRequireTls#ENFORCE}; then the route must {@linkplain MxRoute#requireTlsProblem() qualify}, the
   * session be TLS-authenticated, and the server have listed REQUIRETLS after STARTTLS.
   */
  public static java.util.Optional<String> requireTlsRefusal(MxRoute route, MailRequireTls mode,
      boolean authenticated, boolean requireTlsOffered) {
    if (mode != MailRequireTls.ENFORCE) {
      return java.util.Optional.empty();
    }
    java.util.Optional<String> problem = route.requireTlsProblem();
    if (problem.isPresent()) {
      return problem;
    }
    if (!authenticated) {
      return java.util.Optional.of("REQUIRETLS: the session to " + route.mxHost()
          + " is not TLS-authenticated; no MAIL sent (RFC 8689 §4.2.1)");
    }
    if (!requireTlsOffered) {
      return java.util.Optional.of("REQUIRETLS: " + route.mxHost() + " did not offer REQUIRETLS in its EHLO after "
          + "STARTTLS; no MAIL sent (RFC 8689 §4.2.1)");
    }
    return java.util.Optional.empty();
  }

  /**
   * The MAIL FROM parameters this request adds (RFC 8689 §2): {@code REQUIRETLS} when the message requires
   * it and the server listed it after STARTTLS, else none.
   *
   * @param requireTlsOffered whether the EHLO reply after STARTTLS listed {@code REQUIRETLS}
   */
  public List<String> mailParameters(boolean requireTlsOffered) {
    return requireTls != MailRequireTls.NONE && requireTlsOffered ? List.of(org.dane4j.smtp.RequireTls.KEYWORD)
        : List.of();
  }

  /** Whether the session stops after the secured EHLO instead of sending MAIL. */
  public boolean isProbe() {
    return message == null;
  }
}
