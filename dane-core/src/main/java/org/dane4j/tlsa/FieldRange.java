package org.dane4j.tlsa;

/** The one range check of the three one-octet TLSA fields (RFC 6698 §2.1). */
final class FieldRange {
  private FieldRange() {}

  static void check(String field, int value) {
    if (value < 0 || value > 255) {
      throw new IllegalArgumentException(field + " must be 0..255 (one octet), got " + value);
    }
  }
}
