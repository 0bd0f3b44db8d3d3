package org.dane4j.tlsa;

/**
 * The selector field of a TLSA record (RFC 6698 §2.1.2): which part of a certificate is matched.
 *
 * <p>Any value 0..255 is representable; an unknown selector makes the record unusable.
 *
 * @param value the numeric field, 0..255
 */
public record Selector(int value) {
  /** Cert(0): the whole certificate, DER. */
  public static final Selector CERT = new Selector(0);
  /** SPKI(1): the certificate's SubjectPublicKeyInfo, DER. */
  public static final Selector SPKI = new Selector(1);

  /** Validates the range. */
  public Selector {
    FieldRange.check("selector", value);
  }

  /** The selector with this numeric value. */
  public static Selector of(int value) {
    return new Selector(value);
  }

  /** Whether this implementation knows the selector (0 or 1). */
  public boolean known() {
    return value == 0 || value == 1;
  }

  /** The RFC 7218 acronym, or {@code selector(n)} for an unknown value. */
  public String acronym() {
    return switch (value) {
      case 0 -> "Cert";
      case 1 -> "SPKI";
      case 255 -> "PrivSel";
      default -> "selector(" + value + ")";
    };
  }

  @Override
  public String toString() {
    return acronym() + "(" + value + ")";
  }
}
