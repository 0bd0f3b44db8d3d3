package org.dane4j.cli.check;

import org.dane4j.cli.ChainJson;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.dane4j.cli.RouteProbe;
import org.dane4j.cli.WarnDays;
import org.dane4j.cli.WarningCode;
import org.dane4j.cli.send.Reports;
import org.dane4j.smtp.MxRoute;
import org.dane4j.smtp.TlsRequirement;
import org.dane4j.smtp.TlsVerdict;
import org.dane4j.tlsa.FailureType;
import org.dane4j.tlsa.TlsaRecord;

/**
 * The common DANE mistakes (the list of dane.sys4.de) that one MX host shows, each as a stable
 * {@link WarningCode}, one sentence, and a one-line fix that uses the digests the probe saw: in
 * {@code check --json} the object {@code {"code": ..., "message": ..., "fix": ...}}.
 */
final class CheckWarnings {
  /** Separates a warning from its fix in the one-line form ({@link #line}). */
  static final String FIX = " Fix: ";

  private CheckWarnings() {}

  /** One warning as its JSON object. */
  private static Map<String, Object> warning(WarningCode code, String message, String fix) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("code", code.name());
    m.put("message", message);
    m.put("fix", fix);
    return m;
  }

  /** A warning object of {@link #of} as one line: the message, {@value #FIX}, the fix. */
  static String line(Object warning) {
    Map<?, ?> m = (Map<?, ?>) warning;
    return m.get("message") + FIX + m.get("fix");
  }

  /**
   * The warnings of one host and address.
   *
   * @param route the planned route
   * @param r what the STARTTLS probe saw, or null when no address was probed
   * @param addressStatus the DNSSEC status word of the host's address lookup
   * @param tlsaStatus the DNSSEC status word of the host's TLSA lookup
   * @param warnDays warn when the certificate expires within this many days
   */
  static List<Object> of(MxRoute route, RouteProbe.Result r, String addressStatus, String tlsaStatus,
      int warnDays, Instant now) {
    List<Object> w = new ArrayList<>();
    List<TlsaRecord> tlsa = route.tlsa();
    List<X509Certificate> chain = r == null ? List.of() : r.chain();
    String leafKey = chain.isEmpty() ? null : ChainJson.sha256Spki(chain.get(0));
    String caKey = chain.size() < 2 ? null : ChainJson.sha256Spki(chain.get(1));
    String publish311 = leafKey == null ? "publish a 3 1 1 of the server's public key" : "publish 3 1 1 " + leafKey;
    String publish211 = caKey == null ? "add a 2 1 1 for the issuing CA's public key"
        : "add a 2 1 1 for the issuing CA " + caKey;
    boolean ee = tlsa.stream().anyMatch(t -> is(t, 3));
    boolean ta = tlsa.stream().anyMatch(t -> is(t, 2));
    if (route.requirement() == TlsRequirement.DANE) {
      if (tlsa.size() == 1) {
        w.add(warning(WarningCode.TLSA_SINGLE_RECORD, "only one TLSA record: publish a 3 1 1 and a 2 1 1 so that"
            + " one still matches during a key or CA change.",
            ee ? publish211 : ta ? publish311 : publish311 + " and " + publish211));
      }
      if (tlsa.size() > 1 && !(ee && ta)) {
        w.add(warning(WarningCode.NO_EE_TA_PAIR, "no 3 1 1 + 2 1 1 pair: the recommended set is one record for"
            + " the server's key and one for its CA.",
            !ee && !ta ? publish311 + " and " + publish211 : !ee ? publish311 : publish211));
      }
      if (!route.mxSecure()) {
        w.add(warning(WarningCode.INSECURE_MX, "the MX RRset is not signed: senders reach this host only as"
            + " 'trusted', and an attacker can redirect mail to other hosts.", "sign the recipient domain's zone"
            + " (DNSSEC) and publish its DS record in the parent zone"));
      }
      if (leafKey != null) {
        boolean current = tlsa.stream().anyMatch(t -> is(t, 3) && t.dataHex().equalsIgnoreCase(leafKey));
        for (TlsaRecord t : tlsa) {
          if (is(t, 3) && !t.dataHex().equalsIgnoreCase(leafKey)) {
            w.add(warning(WarningCode.STALE_EE, Reports.abbreviate(t) + " matches no key the server presented (an"
                + " old key left after a rollover?).", current ? "remove it once no server uses that key"
                    : publish311 + ", then remove the stale record"));
          }
        }
      }
      if (ta && !chain.isEmpty()) {
        X509Certificate leaf = chain.get(0);
        List<String> sans = dnsNames(leaf);
        List<String> presented = sans.isEmpty() ? commonNames(leaf) : sans;
        boolean matches = presented.stream().anyMatch(p -> route.referenceNames().stream()
            .anyMatch(ref -> nameMatches(p, ref)));
        if (!matches) {
          w.add(warning(WarningCode.TA_NAME_MISMATCH, "DANE-TA (2 x x) records make senders check the"
              + " certificate's name, but it names " + (presented.isEmpty() ? "no host"
                  : String.join(", ", presented)) + ", not " + String.join(" or ", route.referenceNames()) + ".",
              "get a certificate whose subjectAltName includes " + route.tlsaBaseDomain() + " (a wildcard covers"
                  + " one label only), or " + publish311 + " so that the name is not checked"));
        } else if (sans.isEmpty()) {
          w.add(warning(WarningCode.TA_NAME_CN_ONLY, "DANE-TA: the host name is only in the certificate's"
              + " subject CN, which some senders ignore.", "get a certificate with a subjectAltName DNS name "
              + route.tlsaBaseDomain()));
        }
      }
    }
    if (r != null && !r.starttls() && !tlsa.isEmpty() && (r.failureType() == FailureType.STARTTLS_NOT_SUPPORTED
        || r.verdict() == TlsVerdict.CLEARTEXT)) {
      w.add(warning(WarningCode.NO_STARTTLS_WITH_TLSA, "TLSA records are published but the host does not offer"
          + " STARTTLS: DANE senders defer all mail to it.", "enable STARTTLS with the certificate the TLSA"
          + " records match (or remove the TLSA records)"));
    }
    if (route.mxSecure() && ("insecure".equals(addressStatus) || "insecure".equals(tlsaStatus))) {
      w.add(warning(WarningCode.INSECURE_DELEGATION, "the MX host's zone is not signed (address lookup "
          + addressStatus + ", TLSA lookup " + tlsaStatus + "): an insecure delegation, so senders cannot use"
          + " DANE for " + route.host() + " although the MX RRset is signed.", "sign the zone of " + route.host()
          + " and publish its DS record in the parent zone (or use an MX host in a signed zone)"));
    }
    if (!chain.isEmpty()) {
      X509Certificate leaf = chain.get(0);
      WarnDays.problem(leaf, now, warnDays).ifPresent(p -> w.add(warning(
          leaf.getNotAfter().toInstant().isBefore(now) ? WarningCode.CERT_EXPIRED : WarningCode.CERT_EXPIRING,
          "the server's " + p.substring("the ".length()) + ".", "renew it, and publish the 3 1 1 of the next"
              + " key (dane4j tlsa create --smtp) at least two TTLs before deploying it")));
    }
    return w;
  }

  private static boolean is(TlsaRecord t, int usage) {
    return t.usage().value() == usage && t.selector().value() == 1 && t.matchingType().value() == 1;
  }

  /** The subjectAltName DNS names, lower case. */
  static List<String> dnsNames(X509Certificate c) {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> sans = c.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (san.size() >= 2 && Integer.valueOf(2).equals(san.get(0)) && san.get(1) instanceof String s) {
            names.add(s.toLowerCase(Locale.ROOT));
          }
        }
      }
    } catch (CertificateParsingException e) {
      return names;
    }
    return names;
  }

  private static List<String> commonNames(X509Certificate c) {
    List<String> names = new ArrayList<>();
    try {
      for (Rdn rdn : new LdapName(c.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          names.add(String.valueOf(rdn.getValue()).toLowerCase(Locale.ROOT));
        }
      }
    } catch (InvalidNameException e) {
      return names;
    }
    return names;
  }

  /** RFC 6125 matching: equal, or a {@code *.} wildcard standing for exactly the first label. */
  static boolean nameMatches(String presented, String reference) {
    String p = strip(presented);
    String ref = strip(reference);
    if (p.equals(ref)) {
      return true;
    }
    int dot = ref.indexOf('.');
    return p.startsWith("*.") && dot > 0 && p.substring(2).equals(ref.substring(dot + 1));
  }

  private static String strip(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }
}
