package org.dane4j.dns;

/**
 * The DNSSEC status of an answer (RFC 4033 §5, RFC 4035 §4.3; checklist DNS-1).
 *
 * <p>Only {@link #SECURE} data may switch DANE on, and only a secure denial means "no records"; a
 * {@link #BOGUS} or {@link #INDETERMINATE} answer is a lookup failure, never an absence (DNS-2).
 */
public enum DnssecStatus {
  /** Validated from a trust anchor. */
  SECURE,
  /** Provably unsigned: an insecure delegation lies between the trust anchor and the answer. */
  INSECURE,
  /** Should have validated and did not: bad or missing signatures, keys or denial proofs. */
  BOGUS,
  /** No usable answer: SERVFAIL without a DNSSEC reason, a timeout, a network error, a malformed reply. */
  INDETERMINATE;

  /** The weaker of two statuses along a chain: any failure wins, then insecure, then secure. */
  DnssecStatus weakest(DnssecStatus other) {
    return ordinal() >= other.ordinal() ? this : other;
  }
}
