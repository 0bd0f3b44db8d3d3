package org.dane4j.smtp;

/**
 * How well a delivery attempt's session was protected (checklist OUT-1), in the words Postfix logs.
 */
public enum TlsVerdict {
  /** DANE-authenticated TLS, and the MX RRset was secure (or the host was given by name). */
  VERIFIED,
  /** DANE-authenticated TLS, but the MX RRset was insecure (RFC 7672 §2.2.1; checklist MX-2). */
  TRUSTED,
  /** TLS without authentication on a route where TLS was mandatory (ENCRYPT). */
  ENCRYPTED,
  /** TLS without authentication on an opportunistic route (the server offered STARTTLS). */
  OPPORTUNISTIC,
  /** Cleartext on an opportunistic route: the server offered no STARTTLS. */
  CLEARTEXT,
  /** The attempt failed before any mail was accepted. */
  FAILED
}
