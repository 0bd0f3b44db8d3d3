package org.dane4j.tlsa;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The name constraints of a DANE-TA trust anchor certificate (RFC 5280 §4.2.1.10; checklist TA-5), which
 * the JDK's PKIX validator refuses to take from a {@code TrustAnchor}. DNS-name subtrees are checked against
 * the DNS names of every certificate below the anchor, and against the leaf's names as the DANE-TA name
 * check sees them (its subject CN when it has no DNS SAN, as OpenSSL does). IP address, e-mail and URI
 * subtrees bind only certificates that carry such names: one that does is refused, since dane4j does not
 * evaluate them. Directory-name subtrees always apply (every certificate has a subject) and are refused
 * likewise: fail closed, never ignore a constraint.
 */
final class NameConstraintsCheck {
  private static final String OID = "2.5.29.30";
  private static final int PERMITTED = 0xa0;
  private static final int EXCLUDED = 0xa1;
  private static final int DNS_NAME = 0x82;
  private static final int DIRECTORY_NAME = 0xa4;
  private static final int SAN_DNS = 2;

  private NameConstraintsCheck() {}

  /** Null when the anchor's name constraints (if any) allow every certificate below it, else the problem. */
  static String violation(X509Certificate anchor, List<X509Certificate> below) {
    byte[] wrapped = anchor.getExtensionValue(OID);
    if (wrapped == null) {
      return null;
    }
    List<String> permitted = new ArrayList<>();
    List<String> excluded = new ArrayList<>();
    try {
      for (Der.Element subtrees : Der.element(Der.octetStringContents(wrapped)).children()) {
        if (subtrees.tag() != PERMITTED && subtrees.tag() != EXCLUDED) {
          return "the trust anchor's name constraints are malformed";
        }
        for (Der.Element subtree : subtrees.children()) {
          Der.Element base = subtree.children().get(0);
          if (base.tag() == DNS_NAME) {
            (subtrees.tag() == PERMITTED ? permitted : excluded).add(base.text().toLowerCase(Locale.ROOT));
          } else if (base.tag() == DIRECTORY_NAME || appliesTo(base.tag() & 0x1f, below)) {
            return "the trust anchor has a name constraint of a form dane4j does not evaluate (GeneralName tag "
                + (base.tag() & 0x1f) + "); refused rather than ignored";
          }
        }
      }
    } catch (RuntimeException e) {
      return "the trust anchor's name constraints are malformed: " + e.getMessage();
    }
    for (int i = 0; i < below.size(); i++) {
      List<String> names = i == 0 ? NameMatcher.presentedNames(below.get(0)) : dnsNames(below.get(i));
      for (String name : names) {
        String n = name.toLowerCase(Locale.ROOT);
        if (excluded.stream().anyMatch(base -> within(n, base))) {
          return "the name " + name + " at depth " + i + " is excluded by the trust anchor's name constraints";
        }
        if (!permitted.isEmpty() && permitted.stream().noneMatch(base -> within(n, base))) {
          return "the name " + name + " at depth " + i + " is outside the trust anchor's permitted names "
              + permitted;
        }
      }
    }
    return null;
  }

  /** RFC 5280: a name is within a DNS subtree when it equals it or adds labels on the left. */
  private static boolean within(String name, String base) {
    String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    if (base.isEmpty()) {
      return true;
    }
    if (base.startsWith(".")) { // OpenSSL's reading: subdomains only
      return n.endsWith(base);
    }
    return n.equals(base) || n.endsWith("." + base);
  }

  /** Whether a certificate below carries a subject alternative name of this GeneralName type. */
  private static boolean appliesTo(int sanType, List<X509Certificate> below) {
    for (X509Certificate c : below) {
      for (List<?> san : sans(c)) {
        if (Integer.valueOf(sanType).equals(san.get(0))) {
          return true;
        }
      }
    }
    return false;
  }

  private static List<String> dnsNames(X509Certificate c) {
    List<String> out = new ArrayList<>();
    for (List<?> san : sans(c)) {
      if (Integer.valueOf(SAN_DNS).equals(san.get(0)) && san.get(1) instanceof String s) {
        out.add(s);
      }
    }
    return out;
  }

  private static Collection<List<?>> sans(X509Certificate c) {
    try {
      Collection<List<?>> sans = c.getSubjectAlternativeNames();
      return sans == null ? List.of() : sans;
    } catch (CertificateParsingException e) {
      throw new IllegalArgumentException("unparsable subject alternative names", e);
    }
  }
}
