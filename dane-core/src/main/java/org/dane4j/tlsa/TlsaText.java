package org.dane4j.tlsa;

import java.util.HexFormat;

/** The text forms of TLSA RDATA: presentation (RFC 6698 §2.2) and generic (RFC 3597 §5). */
final class TlsaText {
  /** Largest RDATA a DNS record can hold; a longer text is refused before decoding. */
  private static final int MAX_RDATA = 65535;

  private TlsaText() {}

  static TlsaRecord parse(String text) {
    String trimmed = text.strip();
    if (trimmed.startsWith("\\#")) {
      return parseGeneric(trimmed.substring(2).strip());
    }
    String[] fields = trimmed.split("\\s+", 4);
    if (fields.length < 4) {
      throw new IllegalArgumentException("TLSA text needs usage, selector, matching type and hex data: \""
          + shorten(text) + "\"");
    }
    return TlsaRecord.of(CertUsage.of(field("certificate usage", fields[0])),
        Selector.of(field("selector", fields[1])), MatchingType.of(field("matching type", fields[2])),
        hex(fields[3]));
  }

  private static TlsaRecord parseGeneric(String rest) {
    String[] parts = rest.split("\\s+", 2);
    int length = decimal("RFC 3597 length", parts[0], MAX_RDATA);
    byte[] rdata = parts.length > 1 ? hex(parts[1]) : new byte[0];
    if (rdata.length != length) {
      throw new IllegalArgumentException("RFC 3597 length says " + length + " bytes but the hex holds "
          + rdata.length);
    }
    if (length < 3) {
      throw new IllegalArgumentException("TLSA RDATA must be at least 3 bytes, got " + length);
    }
    byte[] data = new byte[length - 3];
    System.arraycopy(rdata, 3, data, 0, data.length);
    return TlsaRecord.of(CertUsage.of(rdata[0] & 0xff), Selector.of(rdata[1] & 0xff),
        MatchingType.of(rdata[2] & 0xff), data);
  }

  private static int field(String name, String token) {
    return decimal(name, token, 255);
  }

  private static int decimal(String name, String token, int max) {
    if (token.isEmpty() || token.length() > 5 || !token.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(name + " must be a decimal number 0.." + max + ", got \""
          + shorten(token) + "\"");
    }
    int value = Integer.parseInt(token);
    if (value > max) {
      throw new IllegalArgumentException(name + " must be 0.." + max + ", got " + value);
    }
    return value;
  }

  private static byte[] hex(String text) {
    String digits = text.replaceAll("\\s+", "");
    if (digits.length() > 2 * MAX_RDATA) {
      throw new IllegalArgumentException("TLSA data longer than the " + MAX_RDATA + "-byte RDATA limit");
    }
    if (digits.isEmpty() || digits.length() % 2 != 0) {
      throw new IllegalArgumentException("TLSA data must be a non-empty, even number of hex digits, got "
          + digits.length() + " digits");
    }
    try {
      return HexFormat.of().parseHex(digits);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("TLSA data is not hex: \"" + shorten(digits) + "\"", e);
    }
  }

  private static String shorten(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}
