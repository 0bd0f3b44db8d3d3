package org.dane4j.tlsa;

/**
 * The matching type field of a TLSA record (RFC 6698 §2.1.3): how the selected data is compared.
 *
 * <p>Any value 0..255 is representable; an unknown matching type makes the record unusable.
 *
 * @param value the numeric field, 0..255
 */
public record MatchingType(int value) {
  /** Full(0): the selected data itself. */
  public static final MatchingType FULL = new MatchingType(0);
  /** SHA2-256(1): a 32-byte SHA-256 digest. */
  public static final MatchingType SHA2_256 = new MatchingType(1);
  /** SHA2-512(2): a 64-byte SHA-512 digest. */
  public static final MatchingType SHA2_512 = new MatchingType(2);

  /** Validates the range. */
  public MatchingType {
    FieldRange.check("matching type", value);
  }

  /** The matching type with this numeric value. */
  public static MatchingType of(int value) {
    return new MatchingType(value);
  }

  /** Whether this implementation knows the matching type (0, 1 or 2). */
  public boolean known() {
    return value >= 0 && value <= 2;
  }

  /** The JCA digest name, or {@code null} for Full(0) and unknown types. */
  String digestAlgorithm() {
    return switch (value) {
      case 1 -> "SHA-256";
      case 2 -> "SHA-512";
      default -> null;
    };
  }

  /** The length in bytes the association data must have, or -1 when it varies (Full) or is unknown. */
  int digestLength() {
    return switch (value) {
      case 1 -> 32;
      case 2 -> 64;
      default -> -1;
    };
  }

  /**
   * The RFC 7671 §9 digest-agility rank: higher is stronger. Full(0) is not ranked (it always counts).
   */
  int strength() {
    return switch (value) {
      case 1 -> 1;
      case 2 -> 2;
      default -> 0;
    };
  }

  /** The RFC 7218 acronym, or {@code mtype(n)} for an unknown value. */
  public String acronym() {
    return switch (value) {
      case 0 -> "Full";
      case 1 -> "SHA2-256";
      case 2 -> "SHA2-512";
      case 255 -> "PrivMatch";
      default -> "mtype(" + value + ")";
    };
  }

  @Override
  public String toString() {
    return acronym() + "(" + value + ")";
  }
}
