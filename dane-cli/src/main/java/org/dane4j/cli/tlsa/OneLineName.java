package org.dane4j.cli.tlsa;

import java.util.Map;
import javax.security.auth.x500.X500Principal;

/**
 * A distinguished name in OpenSSL 3's one-line form ({@code X509_NAME_oneline}), the form hash-slinger
 * prints subjects in: {@code /C=NL/O=Example/CN=mx.example.nl}. Attributes appear in certificate order,
 * members of a multi-valued RDN are joined by {@code +}, {@code /} and {@code +} in values are escaped with a
 * backslash and bytes outside printable ASCII are written {@code \xC3}. Attribute types get OpenSSL's short
 * names for the types that name certificates; any other type is written as its dotted OID.
 */
final class OneLineName {
  /** OpenSSL's short names ({@code OBJ_nid2sn}) of the attribute types used in certificate names. */
  private static final Map<String, String> SHORT_NAMES = Map.ofEntries(
      Map.entry("2.5.4.3", "CN"), Map.entry("2.5.4.4", "SN"), Map.entry("2.5.4.5", "serialNumber"),
      Map.entry("2.5.4.6", "C"), Map.entry("2.5.4.7", "L"), Map.entry("2.5.4.8", "ST"),
      Map.entry("2.5.4.9", "street"), Map.entry("2.5.4.10", "O"), Map.entry("2.5.4.11", "OU"),
      Map.entry("2.5.4.12", "title"), Map.entry("2.5.4.13", "description"),
      Map.entry("2.5.4.15", "businessCategory"), Map.entry("2.5.4.16", "postalAddress"),
      Map.entry("2.5.4.17", "postalCode"), Map.entry("2.5.4.18", "postOfficeBox"),
      Map.entry("2.5.4.20", "telephoneNumber"), Map.entry("2.5.4.41", "name"), Map.entry("2.5.4.42", "GN"),
      Map.entry("2.5.4.43", "initials"), Map.entry("2.5.4.44", "generationQualifier"),
      Map.entry("2.5.4.45", "x500UniqueIdentifier"), Map.entry("2.5.4.46", "dnQualifier"),
      Map.entry("2.5.4.65", "pseudonym"), Map.entry("2.5.4.72", "role"),
      Map.entry("2.5.4.97", "organizationIdentifier"),
      Map.entry("1.2.840.113549.1.9.1", "emailAddress"),
      Map.entry("1.2.840.113549.1.9.2", "unstructuredName"),
      Map.entry("1.2.840.113549.1.9.8", "unstructuredAddress"),
      Map.entry("0.9.2342.19200300.100.1.1", "UID"), Map.entry("0.9.2342.19200300.100.1.3", "mail"),
      Map.entry("0.9.2342.19200300.100.1.25", "DC"),
      Map.entry("1.3.6.1.4.1.311.60.2.1.1", "jurisdictionL"),
      Map.entry("1.3.6.1.4.1.311.60.2.1.2", "jurisdictionST"),
      Map.entry("1.3.6.1.4.1.311.60.2.1.3", "jurisdictionC"));
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private OneLineName() {}

  /** The one-line form of {@code name}. */
  static String of(X500Principal name) {
    StringBuilder out = new StringBuilder();
    DerReader rdns = DerReader.of(name.getEncoded()).next(0x30).contents();
    while (rdns.hasNext()) {
      DerReader members = rdns.next(0x31).contents();
      for (char separator = '/'; members.hasNext(); separator = '+') {
        DerReader attribute = members.next(0x30).contents();
        String oid = attribute.next(0x06).oid();
        DerReader value = attribute.next(-1);
        out.append(separator).append(SHORT_NAMES.getOrDefault(oid, oid)).append('=');
        appendValue(out, value);
      }
    }
    return out.toString();
  }

  /** The value bytes as {@code X509_NAME_oneline} writes them (OpenSSL crypto/x509/x509_obj.c). */
  private static void appendValue(StringBuilder out, DerReader value) {
    // OpenSSL keeps a string's content octets as they are (a BMPString's two bytes per character
    // included) and a value of any other type, e.g. a SEQUENCE, as its whole encoding.
    byte[] bytes = value.constructed() ? value.encoding() : value.content();
    for (byte octet : bytes) {
      int b = octet & 0xff;
      if (b < ' ' || b > '~') {
        out.append("\\x").append(HEX[b >> 4]).append(HEX[b & 0xf]);
      } else {
        if (b == '/' || b == '+') {
          out.append('\\');
        }
        out.append((char) b);
      }
    }
  }
}
