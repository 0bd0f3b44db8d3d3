package org.dane4j.tlsa;

/**
 * The certificate usage field of a TLSA record (RFC 6698 §2.1.1, RFC 7218 acronyms).
 *
 * <p>Any value 0..255 is representable, so a record with an unknown usage survives parsing and printing;
 * such a record is unusable (RFC 7672 §3.1.3), not invalid.
 *
 * @param value the numeric field, 0..255
 */
public record CertUsage(int value) {
  /** PKIX-TA(0): unusable for SMTP (RFC 7672 §3.1.3). */
  public static final CertUsage PKIX_TA = new CertUsage(0);
  /** PKIX-EE(1): unusable for SMTP (RFC 7672 §3.1.3). */
  public static final CertUsage PKIX_EE = new CertUsage(1);
  /** DANE-TA(2): a trust anchor (RFC 7672 §3.1.2). */
  public static final CertUsage DANE_TA = new CertUsage(2);
  /** DANE-EE(3): the server's own certificate or key (RFC 7672 §3.1.1). */
  public static final CertUsage DANE_EE = new CertUsage(3);

  /** Validates the range. */
  public CertUsage {
    FieldRange.check("certificate usage", value);
  }

  /** The usage with this numeric value. */
  public static CertUsage of(int value) {
    return new CertUsage(value);
  }

  /** Whether RFC 7672 allows this usage for SMTP: DANE-TA(2) and DANE-EE(3) only. */
  public boolean usableForSmtp() {
    return value == 2 || value == 3;
  }

  /** The RFC 7218 acronym, e.g. {@code DANE-EE}, or {@code usage(7)} for an unknown value. */
  public String acronym() {
    return switch (value) {
      case 0 -> "PKIX-TA";
      case 1 -> "PKIX-EE";
      case 2 -> "DANE-TA";
      case 3 -> "DANE-EE";
      case 255 -> "PrivCert";
      default -> "usage(" + value + ")";
    };
  }

  @Override
  public String toString() {
    return acronym() + "(" + value + ")";
  }
}
