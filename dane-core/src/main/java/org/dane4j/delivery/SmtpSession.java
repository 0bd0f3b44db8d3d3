package org.dane4j.delivery;

import java.util.concurrent.CompletableFuture;

/**
 * The bytes on the wire of one SMTP session, provided by an adapter (Angus Mail blocking on an executor,
 * Netty asynchronous); the {@link DeliveryEngine} decides everything else. One call runs one session to one
 * address (RFC 5321 §3, RFC 3207, RFC 7672 §2.2):
 *
 * <ol>
 *   <li>connect to {@link SessionRequest#address()}, wait for the greeting, EHLO;</li>
 *   <li>STARTTLS when the server offers it, and always when the route's requirement makes TLS mandatory (a
 *       server that does not offer it, or refuses it, ends the session at {@link SessionPhase#STARTTLS} with
 *       {@code starttls-not-supported}); bytes after the 220 before the handshake end it (TLS-3);</li>
 *   <li>the handshake with the route's TLS recipe ({@code MxRoute#trustManager()}, SNI =
 *       {@code MxRoute#tlsaBaseDomain()}, TLS 1.2 or newer, host-name check off: TLS-2, TLS-4, TLS-5);</li>
 *   <li>EHLO again, forgetting everything learnt before TLS;</li>
 *   <li>MAIL, RCPT for each recipient, DATA (with the extensions the server offers), or QUIT for a probe.</li>
 * </ol>
 *
 * <p>Every wait has a deadline and every reply a size bound (TLS-7); crossing one ends the session with a
 * detail that names the limit. The future completes normally with the {@link SessionResult} in every case,
 * exceptionally only on a bug. An implementation may carry the session on a connection it kept from an
 * earlier one of the same reuse key (TLS-6) and says so.
 */
@FunctionalInterface
public interface SmtpSession {
  /** Runs one session; see the class description for what it must do. */
  CompletableFuture<SessionResult> run(SessionRequest request);
}
