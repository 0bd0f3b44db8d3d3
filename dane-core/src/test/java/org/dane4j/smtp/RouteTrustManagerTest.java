package org.dane4j.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.dane4j.testkit.CertificateMinter;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.tlsa.CertUsage;
import org.dane4j.tlsa.DaneCertificateException;
import org.dane4j.tlsa.MatchingType;
import org.dane4j.tlsa.Selector;
import org.dane4j.tlsa.TlsaRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The per-session trust manager every adapter uses: protocol floor, DANE or unauthenticated, recording. */
class RouteTrustManagerTest {
  private static final MintedCertificate LEAF = CertificateMinter.certificate().dnsNames("mx.example.test").mint();
  private static final X509Certificate[] CHAIN = LEAF.chain().toArray(new X509Certificate[0]);

  private static MxRoute route(TlsRequirement requirement, TlsaRecord... records) {
    MxRoute.Builder b = MxRoute.builder("mx.example.test", 10, 25, Clock.systemUTC())
        .tlsa(List.of(records), "mx.example.test").referenceNames(List.of("mx.example.test"));
    return b.require(requirement, "test");
  }

  private static SSLSocket socketNegotiating(String protocol) {
    SSLSession session = mock(SSLSession.class);
    when(session.getProtocol()).thenReturn(protocol);
    SSLSocket socket = mock(SSLSocket.class);
    when(socket.getHandshakeSession()).thenReturn(session);
    return socket;
  }

  private static TlsaRecord ee311(X509Certificate c) {
    return TlsaRecord.of(c, CertUsage.DANE_EE, Selector.SPKI, MatchingType.SHA2_256);
  }

  @Test
  @DisplayName("TLS-5: a session older than TLS 1.2 is refused inside the handshake, on every route")
  void tls5_oldProtocolsRefused() {
    for (TlsRequirement r : List.of(TlsRequirement.DANE, TlsRequirement.ENCRYPT, TlsRequirement.OPPORTUNISTIC)) {
      RouteTrustManager tm = route(r, ee311(LEAF.certificate())).trustManager();
      assertThatThrownBy(() -> tm.checkServerTrusted(CHAIN, "ECDHE_ECDSA", socketNegotiating("TLSv1.1")))
          .isInstanceOf(CertificateException.class).hasMessageContaining("TLS 1.2 or newer");
      assertThat(tm.accepted()).isFalse();
    }
  }

  @Test
  @DisplayName("TLS-2: a DANE route authenticates, and fails the handshake on a mismatch with the verification kept")
  void tls2_daneRouteAuthenticatesOrFails() throws Exception {
    RouteTrustManager good = route(TlsRequirement.DANE, ee311(LEAF.certificate())).trustManager();
    good.checkServerTrusted(CHAIN, "ECDHE_ECDSA", socketNegotiating("TLSv1.3"));
    assertThat(good.authenticated()).isTrue();
    assertThat(good.verification()).hasValueSatisfying(v -> assertThat(v.matchDepth()).isZero());

    MintedCertificate other = CertificateMinter.certificate().dnsNames("mx.example.test").mint();
    RouteTrustManager bad = route(TlsRequirement.DANE, ee311(other.certificate())).trustManager();
    assertThatThrownBy(() -> bad.checkServerTrusted(CHAIN, "ECDHE_ECDSA", socketNegotiating("TLSv1.2")))
        .isInstanceOf(DaneCertificateException.class);
    assertThat(bad.accepted()).isFalse();
    assertThat(bad.verification()).hasValueSatisfying(v -> assertThat(v.verified()).isFalse());
    assertThat(bad.presentedChain()).hasSize(CHAIN.length);
  }

  @Test
  @DisplayName("USE-5: an ENCRYPT route encrypts without authenticating, and keeps the chain for the report")
  void use5_encryptRouteAcceptsUnauthenticated() throws Exception {
    RouteTrustManager tm = route(TlsRequirement.ENCRYPT).trustManager();
    tm.checkServerTrusted(CHAIN, "ECDHE_ECDSA", socketNegotiating("TLSv1.3"));
    assertThat(tm.accepted()).isTrue();
    assertThat(tm.authenticated()).isFalse();
    assertThat(tm.dane()).isEmpty();
    assertThat(tm.presentedChain()).containsExactly(CHAIN);
  }

  @Test
  void clientsAndUnusableRoutesAreRefused() {
    RouteTrustManager tm = route(TlsRequirement.OPPORTUNISTIC).trustManager();
    assertThatThrownBy(() -> tm.checkClientTrusted(CHAIN, "RSA")).hasMessageContaining("trusts no client");
    assertThat(tm.getAcceptedIssuers()).isEmpty();
    MxRoute unusable = MxRoute.builder("mx.example.test", 10, 25, Clock.systemUTC())
        .unusable(org.dane4j.tlsa.FailureType.DNSSEC_INVALID, "bogus");
    assertThatThrownBy(unusable::trustManager).hasMessageContaining("unusable");
  }
}
