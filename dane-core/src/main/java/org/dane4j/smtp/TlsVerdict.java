package org.dane4j.smtp;

/**
 * How well a delivery attempt's session was protected (checklist OUT-1), in the words Postfix logs.
 */
public enum TlsVerdict {
  /**
   * DANE-authenticated TLS, and the MX RRset was secure (or the host was given by name); or, on an
   * {@link TlsRequirement#STS} route, TLS with a certificate WebPKI-valid for the MX host name under MTA-STS
   * {@code enforce} (RFC 8461 §4.2) — the route's {@link MxRoute#policyType()} ({@code sts}) tells the two apart.
   */
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
