package org.dane4j.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.dane4j.testkit.CertificateMinter;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.tlsa.CertUsage;
import org.dane4j.tlsa.DaneCertificateException;
import org.dane4j.tlsa.DaneTrustManager;
import org.dane4j.tlsa.DaneVerification;
import org.dane4j.tlsa.DaneVerifier;
import org.dane4j.tlsa.FailureType;
import org.dane4j.tlsa.MatchingType;
import org.dane4j.tlsa.Selector;
import org.dane4j.tlsa.TlsaRecord;

/**
 * The chain, records and trust managers every benchmark shares: a root CA, an intermediate CA under it
 * and a leaf with a DNS SAN under the intermediate, all of one key type, minted once per trial. The
 * constructor checks that each case has the outcome it is meant to measure, so that a broken setup fails
 * the run instead of producing meaningless numbers.
 */
final class Fixture {
  static final String LEAF_NAME = "mx.example.com";

  final MintedCertificate root;
  final MintedCertificate intermediate;
  final MintedCertificate leaf;
  /** As a server sends it: leaf, intermediate; the root is not sent. */
  final X509Certificate[] chainArray;
  final List<X509Certificate> chain;
  /** The DER of {@link #chain}, concatenated, for re-parsing into fresh certificate objects. */
  final byte[] chainDer;

  final TlsaRecord daneEe; // 3 1 1 of the leaf
  final TlsaRecord daneTa; // 2 1 1 of the intermediate
  final TlsaRecord noMatch; // 3 1 1 of an unrelated key
  final List<TlsaRecord> daneEeSet;
  final List<TlsaRecord> daneTaSet;
  final List<TlsaRecord> noMatchSet;
  final List<String> referenceNames = List.of(LEAF_NAME);
  final Instant at = Instant.now();
  final DaneVerifier verifier = DaneVerifier.defaults();

  /** The JDK's default PKIX trust manager trusting only {@link #root}. */
  final X509TrustManager pkix;
  /** The TLS 1.2 key-exchange name for the leaf's key type. */
  final String authType;

  final DaneTrustManager daneEeTm;
  final DaneTrustManager daneTaTm;
  final DaneTrustManager noMatchTm;

  private final CertificateFactory factory;

  Fixture(String keyType) throws GeneralSecurityException, java.io.IOException {
    root = key(CertificateMinter.certificate().commonName("dane4j bench root CA").ca(), keyType).mint();
    intermediate = key(CertificateMinter.certificate().commonName("dane4j bench intermediate CA").ca(0),
        keyType).issuer(root).mint();
    leaf = key(CertificateMinter.certificate().dnsNames(LEAF_NAME), keyType).issuer(intermediate).mint();
    chain = leaf.chain();
    chainArray = chain.toArray(new X509Certificate[0]);
    if (chainArray.length != 2) {
      throw new IllegalStateException("expected leaf + intermediate, got " + chain);
    }
    ByteArrayOutputStream der = new ByteArrayOutputStream();
    for (X509Certificate c : chainArray) {
      der.write(c.getEncoded());
    }
    chainDer = der.toByteArray();
    factory = CertificateFactory.getInstance("X.509");

    daneEe = TlsaRecord.of(leaf.certificate(), CertUsage.DANE_EE, Selector.SPKI, MatchingType.SHA2_256);
    daneTa = TlsaRecord.of(intermediate.certificate(), CertUsage.DANE_TA, Selector.SPKI,
        MatchingType.SHA2_256);
    MintedCertificate stranger = key(CertificateMinter.certificate().dnsNames("other.example.net"), keyType)
        .mint();
    noMatch = TlsaRecord.of(stranger.certificate(), CertUsage.DANE_EE, Selector.SPKI, MatchingType.SHA2_256);
    daneEeSet = List.of(daneEe);
    daneTaSet = List.of(daneTa);
    noMatchSet = List.of(noMatch);

    KeyStore trustStore = KeyStore.getInstance(KeyStore.getDefaultType());
    trustStore.load(null, null);
    trustStore.setCertificateEntry("root", root.certificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trustStore);
    X509TrustManager found = null;
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        found = x;
      }
    }
    if (found == null) {
      throw new IllegalStateException("no X509TrustManager from " + tmf.getAlgorithm());
    }
    pkix = found;
    authType = "RSA".equals(leaf.certificate().getPublicKey().getAlgorithm()) ? "ECDHE_RSA" : "ECDHE_ECDSA";

    daneEeTm = DaneTrustManager.builder().tlsa(daneEe).referenceNames(LEAF_NAME).build();
    daneTaTm = DaneTrustManager.builder().tlsa(daneTa).referenceNames(LEAF_NAME).build();
    noMatchTm = DaneTrustManager.builder().tlsa(noMatch).referenceNames(LEAF_NAME).build();

    checkOutcomes(chain);
    checkOutcomes(parseChain());
    checkPkixIsolated(keyType);
  }

  private static CertificateMinter.Builder key(CertificateMinter.Builder builder, String keyType) {
    return switch (keyType) {
      case "EC" -> builder; // EC P-256 is the minter's default
      case "RSA" -> builder.rsa(2048);
      default -> throw new IllegalArgumentException("keyType must be EC or RSA, got " + keyType);
    };
  }

  /**
   * The chain decoded afresh: new certificate objects with no cached signature results. {@code
   * generateCertificates} (plural) bypasses the JDK's certificate cache, which {@code generateCertificate}
   * would hit and return the very same objects.
   */
  List<X509Certificate> parseChain() throws CertificateException {
    List<X509Certificate> out = new ArrayList<>(2);
    for (java.security.cert.Certificate c : factory.generateCertificates(new ByteArrayInputStream(chainDer))) {
      out.add((X509Certificate) c);
    }
    return out;
  }

  /** Every case has the outcome it is meant to measure, on {@code certs}. */
  private void checkOutcomes(List<X509Certificate> certs) throws CertificateException {
    if (certs.get(0) == chain.get(0) && certs != chain) {
      throw new IllegalStateException("parseChain() returned the cached certificate objects");
    }
    DaneVerification ee = verifier.verify(certs, daneEeSet, referenceNames, at);
    expect(ee.verified() && ee.matchDepth() == 0, "3 1 1 must verify at depth 0", ee);
    DaneVerification ta = verifier.verify(certs, daneTaSet, referenceNames, at);
    expect(ta.verified() && ta.matchDepth() == 1, "2 1 1 must verify at depth 1", ta);
    DaneVerification none = verifier.verify(certs, noMatchSet, referenceNames, at);
    expect(!none.verified() && none.failureType().equals(Optional.of(FailureType.CERTIFICATE_NOT_TRUSTED))
        && !none.report().isEmpty(), "the no-match record must fail with a report", none);

    X509Certificate[] array = certs.toArray(new X509Certificate[0]);
    pkix.checkServerTrusted(array, authType); // throws if PKIX rejects the chain
    daneEeTm.checkServerTrusted(array, authType);
    daneTaTm.checkServerTrusted(array, authType);
    try {
      noMatchTm.checkServerTrusted(array, authType);
      throw new IllegalStateException("DaneTrustManager accepted the chain with a non-matching record");
    } catch (DaneCertificateException expected) {
      // the failure path
    }
  }

  /** The PKIX trust manager trusts our root only, not the JDK's cacerts nor any other root. */
  private void checkPkixIsolated(String keyType) {
    MintedCertificate otherRoot = key(CertificateMinter.certificate().commonName("dane4j bench root CA")
        .ca(), keyType).mint();
    MintedCertificate otherLeaf = key(CertificateMinter.certificate().dnsNames(LEAF_NAME), keyType)
        .issuer(otherRoot).mint();
    try {
      pkix.checkServerTrusted(new X509Certificate[] {otherLeaf.certificate()}, authType);
    } catch (CertificateException expected) {
      return;
    }
    throw new IllegalStateException("the PKIX baseline accepted a chain under a root it was not given");
  }

  private static void expect(boolean ok, String what, DaneVerification v) {
    if (!ok) {
      throw new IllegalStateException("benchmark setup is broken: " + what + "; got " + v
          + (v.report().isEmpty() ? "" : "\n" + v.report()));
    }
  }
}
