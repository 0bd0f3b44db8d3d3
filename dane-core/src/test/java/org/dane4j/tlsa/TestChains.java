package org.dane4j.tlsa;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.dane4j.testkit.CertificateMinter;
import org.dane4j.testkit.MintedCertificate;

/** Certificates shared by the verifier tests, minted once: root → intermediate → leaf for mx.example.com. */
final class TestChains {
  static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  static final Instant YEAR_AGO = NOW.minus(Duration.ofDays(365));
  static final Instant IN_A_YEAR = NOW.plus(Duration.ofDays(365));

  static final MintedCertificate ROOT = CertificateMinter.certificate().commonName("Test Root CA").ca()
      .validity(YEAR_AGO, IN_A_YEAR.plus(Duration.ofDays(3650))).mint();
  static final MintedCertificate INTERMEDIATE = CertificateMinter.certificate().commonName("Test Issuing CA")
      .ca(0).issuer(ROOT).validity(YEAR_AGO, IN_A_YEAR.plus(Duration.ofDays(365))).mint();
  static final MintedCertificate LEAF = leaf("mx.example.com");

  private TestChains() {}

  static MintedCertificate leaf(String... dnsNames) {
    return CertificateMinter.certificate().dnsNames(dnsNames).issuer(INTERMEDIATE)
        .validity(YEAR_AGO, IN_A_YEAR).mint();
  }

  /** leaf, intermediate (as servers send it). */
  static List<X509Certificate> chain() {
    return LEAF.chain();
  }

  static TlsaRecord record(X509Certificate c, int usage, int selector, int mtype) {
    return TlsaRecord.of(c, CertUsage.of(usage), Selector.of(selector), MatchingType.of(mtype));
  }

  static TlsaRecord ee311(MintedCertificate c) {
    return record(c.certificate(), 3, 1, 1);
  }

  static TlsaRecord ta211(MintedCertificate c) {
    return record(c.certificate(), 2, 1, 1);
  }

  /** A well-formed SHA2-256 record that matches nothing. */
  static TlsaRecord wrong(int usage, int selector, int mtype) {
    byte[] data = new byte[mtype == 2 ? 64 : 32];
    java.util.Arrays.fill(data, (byte) 0x5a);
    return TlsaRecord.of(CertUsage.of(usage), Selector.of(selector), MatchingType.of(mtype), data);
  }
}
