package org.dane4j.delivery;

/**
 * The steps of one SMTP session in order (RFC 5321 §3, RFC 3207, RFC 7672 §2.2). A {@link SessionResult}
 * names the step at which the session ended.
 */
public enum SessionPhase {
  /** Opening the TCP connection. */
  CONNECT,
  /** Waiting for the server's 220 greeting. */
  GREETING,
  /** EHLO, before or after TLS. */
  EHLO,
  /** The STARTTLS command and its 220 reply. */
  STARTTLS,
  /** The TLS handshake, with the route's trust manager (RFC 7672 §3). */
  TLS_HANDSHAKE,
  /** MAIL FROM. */
  MAIL,
  /** RCPT TO. */
  RCPT,
  /** DATA and the message up to its final reply. */
  DATA,
  /** The session did all it was asked: the transaction (or, for a probe, the secured EHLO) completed. */
  COMPLETE
}
