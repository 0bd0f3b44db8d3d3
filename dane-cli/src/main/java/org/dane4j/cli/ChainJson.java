package org.dane4j.cli;

import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dane4j.tlsa.CertUsage;
import org.dane4j.tlsa.MatchingType;
import org.dane4j.tlsa.Selector;
import org.dane4j.tlsa.TlsaRecord;

/**
 * One presented certificate as the commands print it: subject, issuer, expiry and the SHA-256 digests of the
 * certificate and of its SubjectPublicKeyInfo — the data of the {@code x 0 1} and {@code x 1 1} TLSA records
 * that would match it, computed by the core exactly as the verifier matches them.
 */
public final class ChainJson {
  private ChainJson() {}

  /** The certificate at {@code depth} as a JSON object (depth, subject, issuer, not_after, sha256_cert, sha256_spki). */
  public static Map<String, Object> certificate(int depth, X509Certificate c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("depth", depth);
    m.put("subject", c.getSubjectX500Principal().getName());
    m.put("issuer", c.getIssuerX500Principal().getName());
    m.put("not_after", c.getNotAfter().toInstant().toString());
    m.put("sha256_cert", sha256Cert(c));
    m.put("sha256_spki", sha256Spki(c));
    return m;
  }

  /** The SHA-256 of the certificate's DER (the data of a {@code 3 0 1} / {@code 2 0 1} record). */
  public static String sha256Cert(X509Certificate c) {
    return TlsaRecord.of(c, CertUsage.DANE_EE, Selector.CERT, MatchingType.SHA2_256).dataHex();
  }

  /** The SHA-256 of the certificate's SubjectPublicKeyInfo (the data of a {@code 3 1 1} / {@code 2 1 1} record). */
  public static String sha256Spki(X509Certificate c) {
    return TlsaRecord.of(c, CertUsage.DANE_EE, Selector.SPKI, MatchingType.SHA2_256).dataHex();
  }
}
