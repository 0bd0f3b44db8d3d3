package org.dane4j.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.dane4j.netty.NettyLab.ee311;
import static org.dane4j.netty.NettyLab.message;
import static org.dane4j.netty.TlsProbe.causeOf;
import static org.dane4j.netty.TlsProbe.connect;
import static org.dane4j.netty.TlsProbe.handshakeFailure;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.dane4j.dns.DaneResolver;
import org.dane4j.smtp.DeliveryReport;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.smtp.RecipientResult.Status;
import org.dane4j.smtp.TlsVerdict;
import org.dane4j.testkit.CertificateMinter;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.TlsTestServer;
import org.dane4j.testkit.smtp.SmtpTestServer;
import org.dane4j.tlsa.TlsaRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue #17: every connection with an OpenSSL provider (netty-tcnative) shares one TLS context per provider, as
 * JDK connections do ({@link SharedJdkContextTest}). Checklist TLS-6 must still hold: no handshake resumes a
 * session of an earlier connection (a resumed session would skip the trust manager), and each connection is
 * checked by its own route's trust manager; an engine with none is refused.
 */
class SharedOpenSslContextTest {
  @BeforeEach
  void openSslLoads() {
    // netty-tcnative-boringssl-static is a test dependency (linux-x86_64): TcnativeTest asserts that it loads.
    assumeThat(OpenSsl.isAvailable()).as("netty-tcnative unavailable: %s", OpenSsl.unavailabilityCause()).isTrue();
  }

  private static RecipientResult send(DaneSmtpClient client, String rcpt) throws Exception {
    return client.send("alice@example.org", List.of(rcpt), message(rcpt)).get(30, TimeUnit.SECONDS).of(rcpt);
  }

  @ParameterizedTest
  @EnumSource(value = SslProvider.class, names = {"OPENSSL", "OPENSSL_REFCNT"})
  @DisplayName("TLS-6: with the shared OpenSSL context a new connection to the same server is verified afresh: "
      + "a TLSA change after verified sessions fails the next handshake instead of resuming")
  void tls6_sharedOpenSslContextNeverResumes(SslProvider provider) throws Exception {
    try (NettyLab lab = new NettyLab()) {
      MintedCertificate leaf = lab.leaf("mx.example.test");
      SmtpTestServer mx = lab.mx("mx.example.test", 2, leaf);
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      lab.tlsa("mx.example.test", ee311(leaf));
      try (DaneSmtpClient client = lab.builder().sslProvider(provider).idleConnectionTime(Duration.ZERO).build()) {
        for (String rcpt : List.of("bob@example.test", "carol@example.test", "erin@example.test")) {
          RecipientResult r = send(client, rcpt);
          assertThat(r.status()).as("%s", r).isEqualTo(Status.DELIVERED);
          assertThat(r.deliveredBy().orElseThrow().verdict()).as("%s", r).isEqualTo(TlsVerdict.VERIFIED);
          assertThat(r.deliveredBy().orElseThrow().daneVerification()).hasValueSatisfying(
              v -> assertThat(v.verified()).isTrue());
        }
        lab.zone().remove("_" + lab.port() + "._tcp.mx.example.test.", org.xbill.DNS.Type.TLSA);
        lab.tlsa("mx.example.test", ee311(lab.leaf("mx.example.test"))); // a key the server does not have
        RecipientResult after = send(client, "dave@example.test");
        assertThat(after.status()).as("%s", after).isEqualTo(Status.DEFERRED);
      }
      assertThat(mx.awaitConnectionsClosed(Duration.ofSeconds(5))).isTrue();
      assertThat(mx.messages()).extracting(m -> m.rcptTo().get(0))
          .containsExactly("bob@example.test", "carol@example.test", "erin@example.test");
      assertThat(mx.cleartextBytes()).doesNotContainIgnoringCase("dave");
      assertThat(mx.tlsBytes()).doesNotContainIgnoringCase("dave");
    }
  }

  @ParameterizedTest
  @EnumSource(value = SslProvider.class, names = {"OPENSSL", "OPENSSL_REFCNT"})
  @DisplayName("TLS-6: the shared OpenSSL context keeps no client session: its session cache is off")
  void tls6_sharedOpenSslSessionCacheOff(SslProvider provider) {
    OpenSslSessionContext sessions = (OpenSslSessionContext) DaneSslHandlers.SharedContext.of(provider).context()
        .sessionContext();
    assertThat(sessions.isSessionCacheEnabled()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(SslProvider.class)
  @DisplayName("TLS-2 / TLS-6: an engine of the shared context with no trust manager registered is refused inside "
      + "the handshake; no application byte reaches the server")
  void tls6_unregisteredEngineRefused(SslProvider provider) throws Exception {
    MintedCertificate leaf = CertificateMinter.certificate().dnsNames("mx.example.test").mint();
    EventLoopGroup group = EventLoops.nio(1);
    try (TlsTestServer server = TlsTestServer.start(leaf)) {
      SslHandler ssl = DaneSslHandlers.SharedContext.of(provider).context().newHandler(ByteBufAllocator.DEFAULT);
      assertThat(ssl.engine() instanceof ReferenceCountedOpenSslEngine).isEqualTo(provider != SslProvider.JDK);
      Channel ch = connect(group, server.address(), ssl, "EARLY-BYTES\r\n");
      Throwable failure = handshakeFailure(ssl);
      assertThat(causeOf(failure, CertificateException.class)).as("%s", failure)
          .hasMessageContaining("no trust manager registered");
      ch.closeFuture().await(10, TimeUnit.SECONDS);
      assertThat(server.received()).isEmpty();
      assertThat(server.handshakes()).isZero();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  @ParameterizedTest
  @EnumSource(value = SslProvider.class, names = {"OPENSSL", "OPENSSL_REFCNT"})
  @DisplayName("TLS-6: concurrent connections through the shared OpenSSL context are each checked by their own "
      + "route's trust manager: each verified by its own host's record, the host whose record does not match its "
      + "key deferred")
  void tls6_concurrentConnectionsEachGetTheirOwnTrust(SslProvider provider) throws Exception {
    int hosts = 4;
    int perHost = 6;
    try (NettyLab lab = new NettyLab()) {
      List<SmtpTestServer> servers = new ArrayList<>();
      List<TlsaRecord> records = new ArrayList<>();
      for (int h = 0; h < hosts; h++) {
        String host = "mx.d" + h + ".example.test";
        MintedCertificate leaf = lab.leaf(host);
        servers.add(lab.mx(host, 2 + h, leaf));
        lab.zone().add("d" + h + ".example.test. 300 IN MX 10 " + host + ".");
        // the last host publishes a record of another key: its handshakes must fail whatever the others do
        MintedCertificate published = h == hosts - 1 ? lab.leaf(host) : leaf;
        lab.tlsa(host, ee311(published));
        records.add(TlsaRecord.parse(ee311(published)));
      }
      // a caching resolver with a generous timeout: 24 concurrent plans on a loaded machine are not what is tested
      try (DaneResolver resolver = DaneResolver.builder().servers(lab.dns().address())
          .trustAnchors(lab.world().trustAnchor()).timeout(Duration.ofSeconds(10)).build();
          DaneSmtpClient client = DaneSmtpClient.builder(resolver).ehloName("sender.example.org").mxPort(lab.port())
              .sslProvider(provider).idleConnectionTime(Duration.ZERO).handshakeTimeout(Duration.ofSeconds(20))
              .commandTimeout(Duration.ofSeconds(20)).build()) {
        List<CompletableFuture<DeliveryReport>> sends = new ArrayList<>();
        List<String> rcpts = new ArrayList<>();
        for (int i = 0; i < perHost; i++) {
          for (int h = 0; h < hosts; h++) {
            String rcpt = "u" + i + "@d" + h + ".example.test";
            rcpts.add(rcpt);
            sends.add(client.send("alice@example.org", List.of(rcpt), message(rcpt)));
          }
        }
        for (int k = 0; k < sends.size(); k++) {
          int h = k % hosts;
          RecipientResult r = sends.get(k).get(60, TimeUnit.SECONDS).of(rcpts.get(k));
          if (h == hosts - 1) {
            assertThat(r.status()).as("%s", r).isEqualTo(Status.DEFERRED);
            continue;
          }
          assertThat(r.status()).as("%s", r).isEqualTo(Status.DELIVERED);
          assertThat(r.deliveredBy().orElseThrow().verdict()).as("%s", r).isEqualTo(TlsVerdict.VERIFIED);
          assertThat(r.deliveredBy().orElseThrow().daneVerification()).as("%s", r).hasValueSatisfying(
              v -> assertThat(v.matchedRecord()).hasValue(records.get(h)));
        }
      }
      for (int h = 0; h < hosts; h++) {
        SmtpTestServer s = servers.get(h);
        assertThat(s.awaitConnectionsClosed(Duration.ofSeconds(10))).isTrue();
        String domain = "@d" + h + ".example.test";
        assertThat(s.messages()).as("host %d", h).hasSize(h == hosts - 1 ? 0 : perHost)
            .allSatisfy(m -> assertThat(m.rcptTo()).singleElement().asString().endsWith(domain));
      }
      assertThat(servers.get(hosts - 1).handshakesCompleted()).isZero();
    }
  }
}
