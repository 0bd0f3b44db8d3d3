package org.dane4j.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dane4j.netty.NettyLab.ee311;
import static org.dane4j.netty.TlsProbe.await;
import static org.dane4j.netty.TlsProbe.causeOf;
import static org.dane4j.netty.TlsProbe.connect;
import static org.dane4j.netty.TlsProbe.handshakeFailure;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import org.dane4j.smtp.MxRoute;
import org.dane4j.smtp.TlsRequirement;
import org.dane4j.testkit.CertificateMinter;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.TlsTestServer;
import org.dane4j.tlsa.DaneCertificateException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link DaneSslHandlers} with every Netty TLS provider, against real servers on loopback. netty-tcnative is a
 * test dependency, so OpenSSL must load here (CI is linux-x86_64): nothing passes on the JDK provider alone.
 */
class TcnativeTest {
  private static final String MARKER = "APPLICATION-BYTES-5c1e\r\n";
  /** A DANE-EE server whose certificate names nothing we look for: only the key is pinned (TLS-4). */
  private static final MintedCertificate LEAF = CertificateMinter.certificate().dnsNames("unrelated.example.net")
      .mint();
  /** An RSA server key, for the CBC suites TLSv1.1 needs. */
  private static final MintedCertificate OLD = CertificateMinter.certificate().dnsNames("old.example.test").rsa(2048)
      .mint();
  private static NettyLab lab;
  private static MxRoute good;
  private static MxRoute bad;
  private static MxRoute old;
  private static EventLoopGroup group;

  @BeforeAll
  static void plan() throws Exception {
    lab = new NettyLab();
    lab.zone().add("good.example.test. 300 IN A 127.0.0.2");
    lab.zone().add("bad.example.test. 300 IN A 127.0.0.3");
    lab.zone().add("_25._tcp.good.example.test. 300 IN TLSA " + ee311(LEAF));
    lab.zone().add("_25._tcp.bad.example.test. 300 IN TLSA " + ee311(lab.leaf("bad.example.test")));
    lab.zone().add("old.example.test. 300 IN A 127.0.0.4");
    lab.zone().add("_25._tcp.old.example.test. 300 IN TLSA " + ee311(OLD));
    old = TlsProbe.relayRoute(lab, "old.example.test", 25);
    good = TlsProbe.relayRoute(lab, "good.example.test", 25);
    bad = TlsProbe.relayRoute(lab, "bad.example.test", 25);
    group = EventLoops.nio(1);
  }

  @AfterAll
  static void close() throws InterruptedException {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    lab.close();
  }

  private static DaneSslHandlers.RouteTls tls(MxRoute route, SslProvider provider, Duration timeout) {
    return DaneSslHandlers.forRoute(route, ByteBufAllocator.DEFAULT, 25, timeout, provider);
  }

  @Test
  @DisplayName("netty-tcnative loads here, and the methods without a provider use it (Netty's default)")
  void openSslAvailableAndDefault() {
    assertThat(OpenSsl.isAvailable()).as("unavailable: %s", OpenSsl.unavailabilityCause()).isTrue();
    assertThat(good.requirement()).isEqualTo(TlsRequirement.DANE);
    SSLEngine engine = DaneSslHandlers.forRoute(good, ByteBufAllocator.DEFAULT).handler().engine();
    assertThat(engine).isInstanceOf(ReferenceCountedOpenSslEngine.class);
  }

  @ParameterizedTest
  @EnumSource(SslProvider.class)
  @DisplayName("TLS-4 / TLS-5: client mode, TLSv1.3/1.2 only, no anon/NULL suites, no endpoint identification")
  void tls4tls5Settings(SslProvider provider) {
    SslHandler handler = tls(good, provider, Duration.ofSeconds(7)).handler();
    SSLEngine engine = handler.engine();
    try {
      assertThat(engine instanceof ReferenceCountedOpenSslEngine).isEqualTo(provider != SslProvider.JDK);
      assertThat(engine.getUseClientMode()).isTrue();
      // Netty's OpenSSL engine always lists the pseudo-protocol SSLv2Hello (a ClientHello format only a
      // server could accept; a client never sends it): it is no protocol version. tls5OldServerRefused shows
      // that nothing older than TLS 1.2 is negotiated.
      assertThat(engine.getEnabledProtocols()).filteredOn(p -> provider == SslProvider.JDK || !p.equals("SSLv2Hello"))
          .containsOnly("TLSv1.3", "TLSv1.2");
      assertThat(engine.getSSLParameters().getEndpointIdentificationAlgorithm()).isNull();
      assertThat(engine.getEnabledCipherSuites()).isNotEmpty()
          .noneMatch(c -> c.contains("_anon_") || c.contains("_NULL_") || c.contains("ADH") || c.contains("aNULL"));
      assertThat(handler.getHandshakeTimeoutMillis()).isEqualTo(7000);
    } finally {
      ReferenceCountUtil.release(engine); // never added to a pipeline: OPENSSL_REFCNT needs it
    }
  }

  @ParameterizedTest
  @EnumSource(SslProvider.class)
  @DisplayName("EE-1 / TLS-4: DANE-EE 3 1 1 match (names not matching): verified, SNI = TLSA base domain")
  void ee1tls4Match(SslProvider provider) throws Exception {
    try (TlsTestServer server = TlsTestServer.start(LEAF)) {
      DaneSslHandlers.RouteTls tls = tls(good, provider, Duration.ofSeconds(10));
      Channel ch = connect(group, server.address(), tls.handler(), MARKER);
      assertThat(handshakeFailure(tls.handler())).isNull();
      assertThat(tls.authenticated()).isTrue();
      assertThat(tls.verification()).hasValueSatisfying(v -> assertThat(v.verified()).isTrue());
      assertThat(tls.handler().engine().getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
      await(() -> server.received().contains(MARKER));
      assertThat(server.received()).isEqualTo(MARKER);
      assertThat(server.sniNames()).containsExactly(good.tlsaBaseDomain()).containsExactly("good.example.test");
      ch.close().sync();
    }
  }

  @ParameterizedTest
  @EnumSource(SslProvider.class)
  @DisplayName("TLS-2: DANE mismatch fails inside the handshake; bytes written early never reach the server")
  void tls2Mismatch(SslProvider provider) throws Exception {
    try (TlsTestServer server = TlsTestServer.start(LEAF)) {
      DaneSslHandlers.RouteTls tls = tls(bad, provider, Duration.ofSeconds(10));
      Channel ch = connect(group, server.address(), tls.handler(), MARKER);
      Throwable failure = handshakeFailure(tls.handler());
      assertThat(causeOf(failure, DaneCertificateException.class)).as("%s", failure).isNotNull();
      assertThat(tls.authenticated()).isFalse();
      assertThat(tls.verification()).hasValueSatisfying(v -> assertThat(v.verified()).isFalse());
      ch.closeFuture().await(10, TimeUnit.SECONDS);
      await(() -> server.failedHandshakes() > 0);
      assertThat(server.failedHandshakes()).as("the server saw the handshake fail").isEqualTo(1);
      assertThat(server.handshakes()).isZero();
      assertThat(server.received()).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(SslProvider.class)
  @DisplayName("TLS-5: a server limited to TLSv1.1 (BoringSSL) is refused; no application byte reaches it")
  void tls5OldServerRefused(SslProvider provider) throws Exception {
    try (OldTlsServer server = OldTlsServer.start(OLD, "TLSv1.1")) {
      DaneSslHandlers.RouteTls tls = tls(old, provider, Duration.ofSeconds(10));
      Channel ch = connect(group, server.address(), tls.handler(), MARKER);
      Throwable failure = handshakeFailure(tls.handler());
      assertThat(failure).isNotNull();
      assertThat(causeOf(failure, DaneCertificateException.class)).as("refused for the protocol, not the key")
          .isNull();
      assertThat(tls.authenticated()).isFalse();
      ch.closeFuture().await(10, TimeUnit.SECONDS);
      assertThat(server.received()).isEmpty();
      assertThat(server.handshakes()).isZero();
    }
  }

  @Test
  @DisplayName("TLS-5: with OpenSSL the route's trust manager sees the handshake's TLSv1.1 and refuses it")
  void tls5TrustManagerFloorWithOpenSsl() throws Exception {
    try (OldTlsServer server = OldTlsServer.start(OLD, "TLSv1.1")) {
      // Deliberately widened client (test only) so that TLSv1.1 is negotiated and the trust manager runs.
      SslHandler ssl = OldTlsServer.widenedClient(old.trustManager());
      Channel ch = connect(group, server.address(), ssl, MARKER);
      Throwable failure = handshakeFailure(ssl);
      assertThat(failure).as("handshake").isNotNull();
      assertThat(causeOf(failure, java.security.cert.CertificateException.class)).as("%s", failure)
          .hasMessageContaining("TLS protocol TLSv1.1 refused");
      ch.closeFuture().await(10, TimeUnit.SECONDS);
      assertThat(server.received()).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(SslProvider.class)
  @DisplayName("Bounded waits: a server that never answers the ClientHello fails the handshake by its timeout")
  void handshakeTimeout(SslProvider provider) throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      DaneSslHandlers.RouteTls tls = tls(good, provider, Duration.ofMillis(300));
      Channel ch = connect(group, new InetSocketAddress(silent.getInetAddress(), silent.getLocalPort()),
          tls.handler(), null);
      try (Socket accepted = silent.accept()) { // accepted, never answered
        assertThat(accepted.isConnected()).isTrue();
        assertThat(handshakeFailure(tls.handler())).isInstanceOf(SslHandshakeTimeoutException.class);
      }
      ch.close().sync();
    }
  }
}
