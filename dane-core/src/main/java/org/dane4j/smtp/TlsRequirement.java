package org.dane4j.smtp;

/**
 * What a route demands of the TLS session (RFC 7672 §2.2; checklist TLSA-3, USE-5).
 */
public enum TlsRequirement {
  /** Secure TLSA RRset with a usable record: STARTTLS mandatory, the server authenticated by TLSA. */
  DANE,
  /** Secure TLSA RRset without usable records (or the {@code encrypt} mode): STARTTLS mandatory, unauthenticated. */
  ENCRYPT,
  /** No DANE for this host (insecure data, or a secure denial of TLSA): STARTTLS if offered. */
  OPPORTUNISTIC,
  /** A lookup for this host failed or was bogus, or policy forbids it: do not connect. */
  UNUSABLE;

  /** Whether a session on this route must never carry mail in cleartext. */
  public boolean tlsMandatory() {
    return this == DANE || this == ENCRYPT;
  }
}
