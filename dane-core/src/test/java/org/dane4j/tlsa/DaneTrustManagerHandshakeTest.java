package org.dane4j.tlsa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.dane4j.tlsa.TestChains.INTERMEDIATE;
import static org.dane4j.tlsa.TestChains.LEAF;
import static org.dane4j.tlsa.TestChains.ee311;
import static org.dane4j.tlsa.TestChains.ta211;
import static org.dane4j.tlsa.TestChains.wrong;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.dane4j.testkit.TlsTestServer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Real TLS handshakes on loopback with a JDK client using {@link DaneTrustManager} (RFC 7672 §2.2, §3):
 * a match completes the handshake; a mismatch fails it inside the handshake, before any application byte.
 */
class DaneTrustManagerHandshakeTest {
  private static final Clock CLOCK = Clock.fixed(TestChains.NOW.plus(Duration.ofDays(1)), ZoneOffset.UTC);

  private final List<DaneVerification> seen = new CopyOnWriteArrayList<>();

  private DaneTrustManager trustManager(TlsaRecord... records) {
    return DaneTrustManager.builder().tlsa(records).referenceNames("mx.example.com", "example.com")
        .clock(CLOCK).listener(seen::add).build();
  }

  /** Connects, handshakes and, if that works, reads the greeting and sends one line. */
  private static String talk(TlsTestServer server, DaneTrustManager tm) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {tm}, new SecureRandom());
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory()
        .createSocket(server.address().getAddress(), server.port())) {
      socket.setSoTimeout(5_000);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setServerNames(List.of(new SNIHostName("mx.example.com")));
      parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
      parameters.setEndpointIdentificationAlgorithm(null);
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      String greeting = new BufferedReader(new InputStreamReader(socket.getInputStream(),
          StandardCharsets.US_ASCII)).readLine();
      OutputStream out = socket.getOutputStream();
      out.write("EHLO client.example\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return greeting;
    }
  }

  @DisplayName("TLS-2: matching dane ee record completes the handshake")
  @Test
  void tls2_matchingDaneEeRecordCompletesTheHandshake() throws Exception {
    try (TlsTestServer server = TlsTestServer.start(LEAF)) {
      DaneTrustManager tm = trustManager(wrong(3, 1, 1), ee311(LEAF));
      assertThat(talk(server, tm)).startsWith("220 ");
      assertThat(tm.lastVerification()).hasValueSatisfying(v -> {
        assertThat(v.verified()).isTrue();
        assertThat(v.matchedRecord()).contains(ee311(LEAF));
      });
      assertThat(seen).hasSize(1);
      assertThat(server.sniNames()).containsExactly("mx.example.com");
    }
  }

  @DisplayName("TLS-2: matching dane ta record completes the handshake")
  @Test
  void tls2_matchingDaneTaRecordCompletesTheHandshake() throws Exception {
    try (TlsTestServer server = TlsTestServer.start(LEAF)) {
      DaneTrustManager tm = trustManager(ta211(INTERMEDIATE));
      assertThat(talk(server, tm)).startsWith("220 ");
      assertThat(tm.lastVerification().orElseThrow().matchDepth()).isEqualTo(1);
    }
  }

  @DisplayName("TLS-2: mismatch fails the handshake before any application byte")
  @Test
  void tls2_mismatchFailsTheHandshakeBeforeAnyApplicationByte() throws Exception {
    try (TlsTestServer server = TlsTestServer.start(LEAF)) {
      DaneTrustManager tm = trustManager(wrong(3, 1, 1), wrong(2, 1, 1));
      assertThatThrownBy(() -> talk(server, tm))
          .isInstanceOf(SSLHandshakeException.class)
          .hasRootCauseInstanceOf(DaneCertificateException.class);
      assertThat(seen).singleElement().satisfies(v -> {
        assertThat(v.verified()).isFalse();
        assertThat(v.failureType()).contains(FailureType.CERTIFICATE_NOT_TRUSTED);
      });
      server.close(); // wait for the server to finish with the connection
      assertThat(server.handshakes()).isZero();
      assertThat(server.received()).isEmpty();
    }
  }

  @DisplayName("TLS-2: dane ta name mismatch fails the handshake")
  @Test
  void tls2_daneTaNameMismatchFailsTheHandshake() throws Exception {
    try (TlsTestServer server = TlsTestServer.start(TestChains.leaf("mail.example.org"))) {
      DaneTrustManager tm = trustManager(ta211(INTERMEDIATE));
      assertThatThrownBy(() -> talk(server, tm)).isInstanceOf(SSLHandshakeException.class);
      DaneCertificateException cause = new DaneCertificateException(seen.get(0));
      assertThat(cause.verification().failureType()).contains(FailureType.CERTIFICATE_HOST_MISMATCH);
      assertThat(cause.getMessage()).contains("certificate-host-mismatch").contains("TLSA RRset");
      server.close();
      assertThat(server.received()).isEmpty();
    }
  }

  @Test
  void trustManagerRefusesClientsAndNamesNoIssuers() {
    DaneTrustManager tm = trustManager(ee311(LEAF));
    assertThat(tm.getAcceptedIssuers()).isEmpty();
    assertThatThrownBy(() -> tm.checkClientTrusted(LEAF.chain().toArray(new java.security.cert.X509Certificate[0]),
        "ECDHE_ECDSA")).hasMessageContaining("servers only");
  }

  @Test
  void nullOrEmptyChainThrowsTheDaneExceptionNotAnNpe() {
    DaneTrustManager tm = trustManager(ee311(LEAF));
    assertThatThrownBy(() -> tm.checkServerTrusted(null, "RSA"))
        .isInstanceOf(DaneCertificateException.class).hasMessageContaining("no certificate");
    assertThatThrownBy(() -> tm.checkServerTrusted(new java.security.cert.X509Certificate[0], "RSA",
        (javax.net.ssl.SSLEngine) null)).isInstanceOf(DaneCertificateException.class);
  }

  @Test
  void builderValidatesAtOnce() {
    assertThatThrownBy(() -> DaneTrustManager.builder().build()).hasMessageContaining("at least one TLSA record");
    assertThatThrownBy(() -> DaneTrustManager.builder().referenceNames("bad..name"))
        .hasMessageContaining("not a host name");
  }
}
