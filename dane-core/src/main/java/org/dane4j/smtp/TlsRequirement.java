package org.dane4j.smtp;

/**
 * What a route demands of the TLS session (RFC 7672 §2.2, RFC 8461 §4; checklist TLSA-3, USE-5, POL-3, STS-2).
 */
public enum TlsRequirement {
  /** Secure TLSA RRset with a usable record: STARTTLS mandatory, the server authenticated by TLSA. */
  DANE,
  /** Secure TLSA RRset without usable records (or the {@code encrypt} mode): STARTTLS mandatory, unauthenticated. */
  ENCRYPT,
  /** No DANE for this host (insecure data, or a secure denial of TLSA): STARTTLS if offered. */
  OPPORTUNISTIC,
  /**
   * No DANE for this host, and the recipient domain's MTA-STS policy is {@code enforce} and names it (RFC 8461
   * §4.1, §5): STARTTLS mandatory, the certificate WebPKI-valid (the JDK's trust store plus the MTA-STS extra
   * anchors) and valid for the MX host name (§4.2). Never chosen for a host with a usable secure TLSA RRset
   * (RFC 8461 §2: DANE takes precedence; POL-3).
   */
  STS,
  /** A lookup for this host failed or was bogus, or policy forbids it: do not connect. */
  UNUSABLE;

  /**
   * Whether a session on this route must authenticate the server before MAIL: DANE (by TLSA) and STS (WebPKI
   * and the MX host name). A TLS session that is up without the route's trust manager having authenticated the
   * server (e.g. a resumed session, which dane4j never offers) must not carry mail on such a route.
   */
  public boolean authenticationMandatory() {
    return this == DANE || this == STS;
  }

  /** Whether a session on this route must never carry mail in cleartext. */
  public boolean tlsMandatory() {
    return this == DANE || this == ENCRYPT || this == STS;
  }
}
