package org.dane4j.testkit.sts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.dane4j.testkit.CertificateMinter;
import org.dane4j.testkit.MintedCertificate;
import org.junit.jupiter.api.Test;

/** The loopback MTA-STS policy host, seen by a plain HTTPS client that checks the name. */
class StsPolicyServerTest {
  private final MintedCertificate ca = CertificateMinter.certificate().commonName("Test CA").ca().mint();
  private final String policy = StsPolicyServer.policyText("enforce", 86400, "mx.example.test");

  @Test
  void servesPolicyAsTextPlainAndRecordsRequest() throws Exception {
    try (StsPolicyServer server = StsPolicyServer.builder("example.test").issuer(ca).address("127.0.0.7")
        .policy(policy).start()) {
      String response = get(server, StsPolicyServer.POLICY_PATH);
      assertThat(response).startsWith("HTTP/1.1 200 OK\r\n").contains("Content-Type: text/plain")
          .endsWith("\r\n\r\n" + policy);
      assertThat(server.requests()).containsExactly(new StsPolicyServer.Request("GET", StsPolicyServer.POLICY_PATH,
          "mta-sts.example.test", "mta-sts.example.test"));
      assertThat(server.address().getAddress().getHostAddress()).isEqualTo("127.0.0.7");
    }
  }

  @Test
  void faultsChangeTheAnswer() throws Exception {
    try (StsPolicyServer server = StsPolicyServer.builder("example.test").issuer(ca).policy(policy).start()) {
      server.fault(StsFault.REDIRECT);
      assertThat(get(server, StsPolicyServer.POLICY_PATH)).startsWith("HTTP/1.1 302 Found\r\n")
          .contains("Location: https://mta-sts.example.test:" + server.port() + StsPolicyServer.REDIRECT_PATH);
      server.fault(StsFault.NOT_FOUND);
      assertThat(get(server, StsPolicyServer.POLICY_PATH)).startsWith("HTTP/1.1 404 ");
      server.fault(StsFault.WRONG_CONTENT_TYPE);
      assertThat(get(server, StsPolicyServer.POLICY_PATH)).contains("Content-Type: text/html");
      server.fault(StsFault.OVERSIZE);
      assertThat(get(server, StsPolicyServer.POLICY_PATH))
          .contains("Content-Length: " + StsPolicyServer.OVERSIZE_BYTES);
      server.fault(StsFault.WRONG_NAME_CERTIFICATE);
      assertThatThrownBy(() -> get(server, StsPolicyServer.POLICY_PATH)).isInstanceOf(SSLHandshakeException.class);
      server.fault(StsFault.UNTRUSTED_CERTIFICATE);
      assertThatThrownBy(() -> get(server, StsPolicyServer.POLICY_PATH)).isInstanceOf(SSLHandshakeException.class);
      server.fault(null);
      assertThat(get(server, "/other")).startsWith("HTTP/1.1 404 ");
    }
  }

  private String get(StsPolicyServer server, String path) throws Exception {
    KeyStore anchors = KeyStore.getInstance("PKCS12");
    anchors.load(null, null);
    anchors.setCertificateEntry("ca", ca.certificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(anchors);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    java.net.Socket plain = new java.net.Socket(server.address().getAddress(), server.port());
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory()
        .createSocket(plain, server.policyHost(), server.port(), true)) {
      SSLParameters params = socket.getSSLParameters();
      params.setServerNames(List.of(new SNIHostName(server.policyHost())));
      params.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(params);
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + server.policyHost()
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      plain.close();
      throw e;
    }
  }
}
