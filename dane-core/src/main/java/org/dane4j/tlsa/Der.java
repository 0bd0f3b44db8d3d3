package org.dane4j.tlsa;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Just enough DER to cut the SubjectPublicKeyInfo out of a certificate as it was signed (RFC 5280 §4.1),
 * byte for byte. Re-encoding the parsed public key could differ from the certificate's own bytes, and
 * TLSA selector SPKI(1) is defined over the certificate's bytes (RFC 6698 §2.1.2).
 */
final class Der {
  private static final int SEQUENCE = 0x30;
  private static final int VERSION_TAG = 0xa0;
  private static final int OCTET_STRING = 0x04;

  private Der() {}

  /** The DER of the certificate's SubjectPublicKeyInfo. */
  static byte[] subjectPublicKeyInfo(X509Certificate certificate) {
    byte[] der;
    try {
      der = certificate.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("certificate cannot be encoded: " + e.getMessage(), e);
    }
    return subjectPublicKeyInfo(der);
  }

  /** The DER of the SubjectPublicKeyInfo inside a DER certificate. */
  static byte[] subjectPublicKeyInfo(byte[] certificateDer) {
    int tbs = contentStart(certificateDer, 0, SEQUENCE); // Certificate
    int field = contentStart(certificateDer, tbs, SEQUENCE); // TBSCertificate
    if ((certificateDer[field] & 0xff) == VERSION_TAG) {
      field = next(certificateDer, field);
    }
    for (int skip = 0; skip < 5; skip++) { // serial, signature, issuer, validity, subject
      field = next(certificateDer, field);
    }
    int end = next(certificateDer, field);
    if ((certificateDer[field] & 0xff) != SEQUENCE) {
      throw new IllegalArgumentException("malformed certificate: SubjectPublicKeyInfo is not a SEQUENCE");
    }
    return Arrays.copyOfRange(certificateDer, field, end);
  }

  /** The contents of a DER OCTET STRING, such as an extension value from {@code getExtensionValue}. */
  static byte[] octetStringContents(byte[] der) {
    int start = contentStart(der, 0, OCTET_STRING);
    int end = next(der, 0);
    return Arrays.copyOfRange(der, start, end);
  }

  /** One DER element inside a buffer: its tag and where its contents start and end. */
  record Element(byte[] der, int tag, int start, int end) {
    /** The elements directly inside this one. */
    List<Element> children() {
      List<Element> out = new ArrayList<>();
      for (int at = start; at < end; at = next(der, at)) {
        out.add(new Element(der, der[at] & 0xff, at + headerLength(der, at), next(der, at)));
      }
      if (!out.isEmpty() && out.get(out.size() - 1).end > end) {
        throw new IllegalArgumentException("malformed DER: element overruns its parent at " + start);
      }
      return out;
    }

    /** The contents as ASCII text (for IA5String names). */
    String text() {
      return new String(der, start, end - start, StandardCharsets.ISO_8859_1);
    }
  }

  /** The outermost element of a DER buffer. */
  static Element element(byte[] der) {
    int end = next(der, 0);
    if (end != der.length) {
      throw new IllegalArgumentException("malformed DER: " + (der.length - end) + " bytes after the element");
    }
    return new Element(der, der[0] & 0xff, headerLength(der, 0), end);
  }

  /** The offset of the contents of the element at {@code offset}, which must carry {@code tag}. */
  private static int contentStart(byte[] der, int offset, int tag) {
    if (offset >= der.length || (der[offset] & 0xff) != tag) {
      throw new IllegalArgumentException("malformed certificate: expected tag " + tag + " at " + offset);
    }
    return offset + headerLength(der, offset);
  }

  /** The offset just past the element at {@code offset}. */
  private static int next(byte[] der, int offset) {
    int end = offset + headerLength(der, offset) + contentLength(der, offset);
    if (end > der.length || end <= offset) {
      throw new IllegalArgumentException("malformed certificate: element at " + offset + " overruns");
    }
    return end;
  }

  private static int headerLength(byte[] der, int offset) {
    check(der, offset + 1);
    int first = der[offset + 1] & 0xff;
    return first < 0x80 ? 2 : 2 + (first & 0x7f);
  }

  private static int contentLength(byte[] der, int offset) {
    check(der, offset + 1);
    int first = der[offset + 1] & 0xff;
    if (first < 0x80) {
      return first;
    }
    int octets = first & 0x7f;
    if (octets == 0 || octets > 3) {
      throw new IllegalArgumentException("malformed certificate: length of " + octets + " octets at " + offset);
    }
    check(der, offset + 1 + octets);
    int length = 0;
    for (int i = 0; i < octets; i++) {
      length = (length << 8) | (der[offset + 2 + i] & 0xff);
    }
    return length;
  }

  private static void check(byte[] der, int index) {
    if (index >= der.length) {
      throw new IllegalArgumentException("malformed certificate: truncated at " + index);
    }
  }
}
