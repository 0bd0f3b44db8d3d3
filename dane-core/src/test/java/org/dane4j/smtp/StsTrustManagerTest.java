package org.dane4j.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.net.InetSocketAddress;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;
import org.dane4j.dns.DaneResolver;
import org.dane4j.sts.MtaSts;
import org.dane4j.sts.StsMode;
import org.dane4j.sts.StsPolicy;
import org.dane4j.testkit.CertificateMinter;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.tlsa.FailureType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The trust manager of an STS route (RFC 8461 §4.2; checklist STS-2, POL-3): WebPKI (JDK store plus the MtaSts
 * extra anchors) and the MX host name, failures typed as RFC 8460 says; report-only under {@code testing}.
 */
class StsTrustManagerTest {
  private static final String MX = "mx.example.test";
  private static final MintedCertificate CA = CertificateMinter.certificate().commonName("STS test CA").ca().mint();
  private static final MintedCertificate OTHER_CA = CertificateMinter.certificate().commonName("Unknown CA").ca()
      .mint();
  private static final StsPolicy ENFORCE = StsPolicy.parse("version: STSv1\nmode: enforce\nmx: " + MX
      + "\nmax_age: 86400\n");
  private static final StsPolicy TESTING = StsPolicy.parse("version: STSv1\nmode: testing\nmx: " + MX
      + "\nmax_age: 86400\n");
  private static DaneResolver resolver;
  private static MtaSts sts;

  @BeforeAll
  static void setUp() {
    resolver = DaneResolver.builder().servers(new InetSocketAddress("127.0.0.1", 9)).build();
    sts = MtaSts.builder(resolver).extraTrustAnchors(List.of(CA.certificate())).build();
  }

  @AfterAll
  static void tearDown() {
    sts.close();
    resolver.close();
  }

  private static X509ExtendedTrustManager webPki() {
    return sts.webPkiTrustManager();
  }

  private static MxRoute route(TlsRequirement requirement, StsPolicy policy) {
    return MxRoute.builder(MX, 10, 25, Clock.systemUTC()).sts(policy, webPki()).require(requirement, "test");
  }

  private static X509Certificate[] chain(MintedCertificate leaf) {
    return leaf.chain().toArray(new X509Certificate[0]);
  }

  private static X509Certificate[] leaf(MintedCertificate issuer, String... names) {
    return chain(CertificateMinter.certificate().dnsNames(names).issuer(issuer).mint());
  }

  private static SSLSocket socketNegotiating(String protocol) {
    SSLSession session = mock(SSLSession.class);
    when(session.getProtocol()).thenReturn(protocol);
    SSLSocket socket = mock(SSLSocket.class);
    when(socket.getHandshakeSession()).thenReturn(session);
    return socket;
  }

  @Test
  @DisplayName("STS-2: a WebPKI-valid certificate for the MX host name (test CA as extra anchor) authenticates")
  void sts2_validCertificateForMxNameAccepted() throws Exception {
    MxRoute route = route(TlsRequirement.STS, ENFORCE);
    RouteTrustManager tm = route.trustManager();
    tm.checkServerTrusted(leaf(CA, MX), "ECDHE_ECDSA", socketNegotiating("TLSv1.3"));
    assertThat(tm.accepted()).isTrue();
    assertThat(tm.authenticated()).isTrue();
    assertThat(tm.stsFailure()).isEmpty();
    assertThat(tm.dane()).isEmpty();
    assertThat(route.verdict(true, tm.authenticated())).isEqualTo(TlsVerdict.VERIFIED);
    assertThat(route.policyType()).isEqualTo(PolicyType.STS);
    assertThat(route.stsMode()).contains(StsMode.ENFORCE);
    assertThat(route.tlsRecipe().sniName()).contains(MX);
  }

  @Test
  @DisplayName("STS-2: a one-label wildcard certificate matches the MX host name")
  void sts2_wildcardCertificateAccepted() throws Exception {
    RouteTrustManager tm = route(TlsRequirement.STS, ENFORCE).trustManager();
    tm.checkServerTrusted(leaf(CA, "*.example.test"), "UNKNOWN");
    assertThat(tm.authenticated()).isTrue();
  }

  @Test
  @DisplayName("STS-2: a certificate for another name fails with certificate-host-mismatch")
  void sts2_wrongNameRefused() {
    RouteTrustManager tm = route(TlsRequirement.STS, ENFORCE).trustManager();
    assertThatThrownBy(() -> tm.checkServerTrusted(leaf(CA, "other.example.test", "a.b.example.test"),
        "ECDHE_ECDSA", socketNegotiating("TLSv1.2")))
        .isInstanceOfSatisfying(StsCertificateException.class,
            e -> assertThat(e.failureType()).isEqualTo(FailureType.CERTIFICATE_HOST_MISMATCH))
        .hasMessageContaining(MX);
    assertThat(tm.accepted()).isFalse();
    assertThat(tm.authenticated()).isFalse();
    assertThat(tm.stsFailure()).get().extracting(StsCertificateException::failureType)
        .isEqualTo(FailureType.CERTIFICATE_HOST_MISMATCH);
  }

  @Test
  @DisplayName("STS-2: a certificate from a CA that is neither in the JDK store nor an extra anchor: not-trusted")
  void sts2_untrustedCaRefused() {
    RouteTrustManager tm = route(TlsRequirement.STS, ENFORCE).trustManager();
    assertThatThrownBy(() -> tm.checkServerTrusted(leaf(OTHER_CA, MX), "ECDHE_ECDSA"))
        .isInstanceOfSatisfying(StsCertificateException.class,
            e -> assertThat(e.failureType()).isEqualTo(FailureType.CERTIFICATE_NOT_TRUSTED));
    assertThat(tm.authenticated()).isFalse();
  }

  @Test
  @DisplayName("STS-2: a self-signed server certificate for the right name is not trusted")
  void sts2_selfSignedRefused() {
    RouteTrustManager tm = route(TlsRequirement.STS, ENFORCE).trustManager();
    assertThatThrownBy(() -> tm.checkServerTrusted(chain(CertificateMinter.certificate().dnsNames(MX).mint()),
        "ECDHE_ECDSA"))
        .isInstanceOfSatisfying(StsCertificateException.class,
            e -> assertThat(e.failureType()).isEqualTo(FailureType.CERTIFICATE_NOT_TRUSTED));
  }

  @Test
  @DisplayName("STS-2: an expired certificate from a trusted CA fails with certificate-expired")
  void sts2_expiredRefused() {
    Instant now = Instant.now();
    X509Certificate[] expired = chain(CertificateMinter.certificate().dnsNames(MX).issuer(CA)
        .validity(now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1))).mint());
    RouteTrustManager tm = route(TlsRequirement.STS, ENFORCE).trustManager();
    assertThatThrownBy(() -> tm.checkServerTrusted(expired, "ECDHE_ECDSA"))
        .isInstanceOfSatisfying(StsCertificateException.class,
            e -> assertThat(e.failureType()).isEqualTo(FailureType.CERTIFICATE_EXPIRED));
  }

  @Test
  @DisplayName("STS-2 / TLS-5: an STS route refuses TLS older than 1.2 inside the handshake")
  void sts2_oldProtocolRefused() {
    RouteTrustManager tm = route(TlsRequirement.STS, ENFORCE).trustManager();
    assertThatThrownBy(() -> tm.checkServerTrusted(leaf(CA, MX), "ECDHE_ECDSA", socketNegotiating("TLSv1.1")))
        .isInstanceOf(CertificateException.class).hasMessageContaining("TLS 1.2 or newer");
    assertThat(tm.accepted()).isFalse();
  }

  @Test
  @DisplayName("STS-2: under testing the check runs report-only: the session goes on, the failure is kept")
  void sts2_testingReportsWithoutRefusing() throws Exception {
    MxRoute route = route(TlsRequirement.OPPORTUNISTIC, TESTING);
    RouteTrustManager tm = route.trustManager();
    tm.checkServerTrusted(leaf(OTHER_CA, MX), "ECDHE_ECDSA");
    assertThat(tm.accepted()).isTrue();
    assertThat(tm.authenticated()).isFalse();
    assertThat(route.verdict(true, tm.authenticated())).isEqualTo(TlsVerdict.OPPORTUNISTIC);
    assertThat(tm.stsFailure()).get().extracting(StsCertificateException::failureType)
        .isEqualTo(FailureType.CERTIFICATE_NOT_TRUSTED);
    assertThat(route.policyType()).isEqualTo(PolicyType.STS);
    assertThat(route.stsMode()).contains(StsMode.TESTING);
  }

  @Test
  @DisplayName("POL-3: the route trust manager never combines DANE and STS")
  void pol3_neverBoth() {
    assertThatThrownBy(() -> new RouteTrustManager(
        org.dane4j.tlsa.DaneTrustManager.builder().tlsa(List.of(org.dane4j.tlsa.TlsaRecord.of(CA.certificate(),
            org.dane4j.tlsa.CertUsage.DANE_TA, org.dane4j.tlsa.Selector.SPKI, org.dane4j.tlsa.MatchingType.SHA2_256)))
            .referenceNames(MX).build(),
        new StsCertificateCheck(webPki(), MX), true)).isInstanceOf(IllegalArgumentException.class);
  }
}
