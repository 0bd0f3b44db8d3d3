package org.dane4j.cli.tlsa;

import java.util.Arrays;

/**
 * Just enough DER (X.690) to walk a distinguished name: one-byte tags, definite lengths. A reader is a
 * cursor over a run of elements; {@link #next(int)} returns the next element as a reader over itself.
 */
final class DerReader {
  private final byte[] der;
  private final int start;
  private final int end;
  private int position;
  private int tag = -1;
  private int contentStart;

  private DerReader(byte[] der, int start, int end) {
    this.der = der;
    this.start = start;
    this.end = end;
    this.position = start;
  }

  /** A reader over the elements of {@code der}. */
  static DerReader of(byte[] der) {
    return new DerReader(der, 0, der.length);
  }

  boolean hasNext() {
    return position < end;
  }

  /**
   * The next element, which must have tag {@code expectedTag} unless that is -1.
   *
   * @throws IllegalArgumentException for malformed DER or an unexpected tag
   */
  DerReader next(int expectedTag) {
    if (position + 2 > end) {
      throw new IllegalArgumentException("truncated DER at offset " + position);
    }
    int elementStart = position;
    int elementTag = der[position++] & 0xff;
    if ((elementTag & 0x1f) == 0x1f || (expectedTag != -1 && elementTag != expectedTag)) {
      throw new IllegalArgumentException("unexpected DER tag 0x" + Integer.toHexString(elementTag));
    }
    int length = der[position++] & 0xff;
    if (length >= 0x80) {
      int octets = length & 0x7f;
      if (octets < 1 || octets > 3 || position + octets > end) {
        throw new IllegalArgumentException("unsupported DER length at offset " + elementStart);
      }
      length = 0;
      for (int i = 0; i < octets; i++) {
        length = (length << 8) | (der[position++] & 0xff);
      }
    }
    if (length > end - position) {
      throw new IllegalArgumentException("DER element overruns its container at offset " + elementStart);
    }
    DerReader element = new DerReader(der, elementStart, position + length);
    element.tag = elementTag;
    element.contentStart = position;
    position += length;
    return element;
  }

  /** Whether this element is constructed (a SEQUENCE, SET, ...). */
  boolean constructed() {
    return (tag & 0x20) != 0;
  }

  /** A reader over this element's contents. */
  DerReader contents() {
    return new DerReader(der, contentStart, end);
  }

  /** This element's content octets. */
  byte[] content() {
    return Arrays.copyOfRange(der, contentStart, end);
  }

  /** This element's whole encoding, tag and length included. */
  byte[] encoding() {
    return Arrays.copyOfRange(der, start, end);
  }

  /** This OBJECT IDENTIFIER element in dotted form, e.g. {@code 2.5.4.3}. */
  String oid() {
    StringBuilder out = new StringBuilder();
    long value = 0;
    for (int i = contentStart; i < end; i++) {
      if (value > (Long.MAX_VALUE >> 7)) {
        throw new IllegalArgumentException("OID component too large");
      }
      value = (value << 7) | (der[i] & 0x7f);
      if ((der[i] & 0x80) == 0) {
        if (out.length() == 0) {
          int first = value < 40 ? 0 : value < 80 ? 1 : 2;
          out.append(first).append('.').append(value - 40L * first);
        } else {
          out.append('.').append(value);
        }
        value = 0;
      }
    }
    return out.toString();
  }
}
