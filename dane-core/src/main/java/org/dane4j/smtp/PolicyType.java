package org.dane4j.smtp;

/**
 * Which policy decided a route's TLS requirement, in the words of TLS reports (RFC 8460 §4.3 {@code policy-type};
 * checklist POL-3): DANE, MTA-STS, or neither.
 */
public enum PolicyType {
  /** A DNSSEC-secure TLSA RRset (DANE, RFC 7672). */
  TLSA("tlsa"),
  /** The recipient domain's MTA-STS policy, {@code enforce} or {@code testing} (RFC 8461). */
  STS("sts"),
  /** Neither: opportunistic TLS, or a host that could not be planned. */
  NO_POLICY_FOUND("no-policy-found");

  private final String word;

  PolicyType(String word) {
    this.word = word;
  }

  /** The RFC 8460 spelling: {@code tlsa}, {@code sts}, {@code no-policy-found}. */
  public String word() {
    return word;
  }
}
