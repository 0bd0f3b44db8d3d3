package org.dane4j.tlsa;

import java.net.IDN;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * The host-name check of the library: for DANE-TA (RFC 7672 §3.2.3, RFC 6125 §6.4; checklist TA-3, TA-4) and MTA-STS (RFC 8461 §4.2): DNS-ID subject
 * alternative names when there are any, otherwise the most specific subject common name; a wildcard is
 * accepted only as the whole left-most label and stands for exactly one label; comparison is
 * case-insensitive on A-labels, byte for byte in ASCII, and ignores a trailing dot. A presented name that
 * is not ASCII host syntax (a U-label, an ideographic full stop U+3002, fullwidth letters) matches nothing,
 * as in OpenSSL: converting it with IDNA would let look-alike names match (RFC 6125 §6.4.2).
 */
public final class NameMatcher {
  private static final int DNS_NAME = 2;
  /** Dot-separated labels of 1..63 letters, digits, '-', '_' (service labels) or '*' (wildcards). */
  private static final Pattern LABELS =
      Pattern.compile("[a-z0-9_*-]{1,63}(\\.[a-z0-9_*-]{1,63})*");

  private NameMatcher() {}

  /** The names the certificate presents for the check: its DNS-ID SANs, else its last CN. */
  static List<String> presentedNames(X509Certificate certificate) {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (san.size() >= 2 && Integer.valueOf(DNS_NAME).equals(san.get(0)) && san.get(1) instanceof String s) {
            names.add(s);
          }
        }
      }
    } catch (CertificateParsingException e) {
      return List.of(); // an unparsable SAN extension names nothing
    }
    if (names.isEmpty()) {
      String cn = lastCommonName(certificate);
      if (cn != null) {
        names.add(cn);
      }
    }
    return names;
  }

  /**
   * Whether {@code certificate} is valid for the host name {@code referenceName} by the rules above (DNS-ID
   * SANs, else the last CN; a wildcard only as the whole left-most label, one label). The one host-name check
   * of the library, used for DANE-TA (RFC 7672 §3.2.3) and for MTA-STS (RFC 8461 §4.2, RFC 6125).
   */
  public static boolean matches(X509Certificate certificate, String referenceName) {
    return firstMatch(certificate, List.of(referenceName)) != null;
  }

  /** The reference name the certificate matches, or null. */
  static String firstMatch(X509Certificate certificate, Collection<String> referenceNames) {
    List<String> presented = presentedNames(certificate);
    for (String reference : referenceNames) {
      String ref = normalize(reference);
      if (ref == null) {
        continue;
      }
      for (String name : presented) {
        if (matches(name, ref)) {
          return reference;
        }
      }
    }
    return null;
  }

  /** Whether a presented name (possibly a wildcard) matches a normalized reference name. */
  static boolean matches(String presented, String normalizedReference) {
    String pattern = presented == null || !isAscii(presented) ? null : normalize(presented);
    if (pattern == null) {
      return false;
    }
    if (pattern.indexOf('*') < 0) {
      return pattern.equals(normalizedReference);
    }
    // Only "*.rest" with no other '*' and at least two labels in "rest" (no "*.com").
    if (!pattern.startsWith("*.") || pattern.indexOf('*', 1) >= 0) {
      return false;
    }
    String rest = pattern.substring(2);
    if (rest.indexOf('.') <= 0) {
      return false;
    }
    int dot = normalizedReference.indexOf('.');
    return dot > 0 && normalizedReference.substring(dot + 1).equals(rest);
  }

  private static boolean isAscii(String s) {
    return s.chars().allMatch(c -> c < 0x80);
  }

  /**
   * A reference name (from DNS or the caller, never from a certificate) in lower-case A-label form without
   * a trailing dot, or null when the name is empty or not a host name. U-labels are converted with IDNA.
   */
  static String normalize(String name) {
    if (name == null) {
      return null;
    }
    String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    if (n.isEmpty() || n.endsWith(".") || n.startsWith(".")) {
      return null;
    }
    if (!isAscii(n)) {
      try {
        n = IDN.toASCII(n, IDN.ALLOW_UNASSIGNED);
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    n = n.toLowerCase(Locale.ROOT);
    return n.length() <= 253 && LABELS.matcher(n).matches() ? n : null;
  }

  private static String lastCommonName(X509Certificate certificate) {
    try {
      List<Rdn> rdns = new LdapName(certificate.getSubjectX500Principal().getName()).getRdns();
      String cn = null;
      for (Rdn rdn : rdns) { // LdapName lists RDNs from the least to the most specific
        if ("CN".equalsIgnoreCase(rdn.getType()) && rdn.getValue() instanceof String value) {
          cn = value;
        }
      }
      return cn;
    } catch (InvalidNameException e) {
      return null;
    }
  }
}
