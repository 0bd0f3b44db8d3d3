package org.dane4j.testkit.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import org.dane4j.testkit.CertificateMinter;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.Pem;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an application's own tests need of the SMTP test server (issue #15): an address and port of their
 * choice, their own certificate and key from PEM files, and SMTP AUTH (RFC 4954) so that relay-plus-AUTH can be
 * tested.
 */
class SmtpTestServerForUsersTest {
  static final Duration WAIT = Duration.ofSeconds(5);

  @TempDir
  Path dir;

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static int freePort() throws Exception {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }

  private static String greetAndTls(RawSmtpClient client, SSLContext trust) throws Exception {
    assertThat(client.readReply()).startsWith("220 ");
    String ehlo = client.command("EHLO client.test");
    assertThat(client.command("STARTTLS")).startsWith("220 ");
    client.startTls(trust, "mx.example.test");
    return ehlo;
  }

  // ---- address and port

  @Test
  @DisplayName("a port chosen by the test, on 127.0.0.1 by default")
  void portOfTheTestsChoice() throws Exception {
    int port = freePort();
    try (SmtpTestServer server = SmtpTestServer.builder().port(port).start()) {
      assertThat(server.address()).isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
      try (RawSmtpClient client = RawSmtpClient.connect(server.address())) {
        assertThat(client.readReply()).startsWith("220 mx.example.test ");
      }
    }
  }

  @Test
  @DisplayName("an address that is not loopback: this machine's own (e.g. for a container to reach), port chosen")
  void nonLoopbackAddress() throws Exception {
    Optional<InetAddress> own = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
        .filter(i -> {
          try {
            return i.isUp() && !i.isLoopback();
          } catch (java.net.SocketException e) {
            return false;
          }
        })
        .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
        .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
        .findFirst();
    assumeTrue(own.isPresent(), "this machine has an IPv4 address besides loopback");
    int port = freePort();
    try (SmtpTestServer server = SmtpTestServer.builder().address(own.get().getHostAddress()).port(port).start()) {
      assertThat(server.address()).isEqualTo(new InetSocketAddress(own.get(), port));
      try (RawSmtpClient client = RawSmtpClient.connect(server.address())) {
        assertThat(client.readReply()).startsWith("220 ");
        assertThat(client.command("QUIT")).startsWith("221 ");
      }
    }
  }

  @Test
  @DisplayName("an address this machine does not have: start() fails naming the address and port")
  void foreignAddressFailsAtStart() {
    // 192.0.2.1 (TEST-NET-1, RFC 5737) is never an address of this machine
    assertThatThrownBy(() -> SmtpTestServer.builder().address("192.0.2.1").port(2525).start())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("192.0.2.1 port 2525");
  }

  // ---- certificate and key from PEM files

  private void pemServes(MintedCertificate root, MintedCertificate leaf, String keyPem) throws Exception {
    Path chain = dir.resolve("fullchain.pem");
    Files.writeString(chain, Pem.encode(leaf.certificate()) + Pem.encode(leaf.issuer().certificate()));
    Path key = dir.resolve("privkey.pem");
    Files.writeString(key, keyPem);
    try (SmtpTestServer server = SmtpTestServer.builder().certificate(chain, key).start()) {
      assertThat(server.chain()).containsExactly(leaf.certificate(), leaf.issuer().certificate());
      assertThat(server.certificate().certificate()).isEqualTo(leaf.certificate());
      try (RawSmtpClient client = RawSmtpClient.connect(server.address())) {
        client.readReply();
        client.command("EHLO client.test");
        client.command("STARTTLS");
        SSLSession session = client.startTls(RawSmtpClient.trusting(root.certificate()), "mx.example.test");
        assertThat(List.of(session.getPeerCertificates()))
            .containsExactly(leaf.certificate(), leaf.issuer().certificate());
      }
    }
  }

  private static String pkcs8(MintedCertificate c) {
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(c.privateKey().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }

  @Test
  @DisplayName("the application's own chain and PKCS#8 key from PEM files: an RSA key")
  void pemRsa() throws Exception {
    MintedCertificate root = CertificateMinter.certificate().commonName("PEM root").rsa(2048).ca().mint();
    MintedCertificate ca = CertificateMinter.certificate().commonName("PEM CA").rsa(2048).ca().issuer(root).mint();
    MintedCertificate leaf = CertificateMinter.certificate().dnsNames("mx.example.test").rsa(2048).issuer(ca).mint();
    assertThat(leaf.privateKey().getAlgorithm()).isEqualTo("RSA");
    pemServes(root, leaf, pkcs8(leaf));
  }

  @Test
  @DisplayName("the application's own chain and PKCS#8 key from PEM files: an EC key")
  void pemEc() throws Exception {
    MintedCertificate root = CertificateMinter.certificate().commonName("PEM root").ca().mint();
    MintedCertificate ca = CertificateMinter.certificate().commonName("PEM CA").ca().issuer(root).mint();
    MintedCertificate leaf = CertificateMinter.certificate().dnsNames("mx.example.test").issuer(ca).mint();
    assertThat(leaf.privateKey().getAlgorithm()).isIn("EC", "ECDSA");
    pemServes(root, leaf, pkcs8(leaf));
  }

  @Test
  @DisplayName("PEM: a key of another certificate, an encrypted key, and a file without a certificate are refused")
  void pemMistakes() throws Exception {
    MintedCertificate leaf = CertificateMinter.certificate().dnsNames("mx.example.test").mint();
    MintedCertificate other = CertificateMinter.certificate().dnsNames("mx.example.test").mint();
    Path chain = dir.resolve("cert.pem");
    Files.writeString(chain, Pem.encode(leaf.certificate()));
    Path wrongKey = dir.resolve("other.key");
    Files.writeString(wrongKey, pkcs8(other));
    assertThatThrownBy(() -> SmtpTestServer.builder().certificate(chain, wrongKey))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not belong")
        .hasMessageContaining(wrongKey.toString());
    Path encrypted = dir.resolve("encrypted.key");
    Files.writeString(encrypted, "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
        + "MIGbMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAhJ3kG1ZtdpOgICCAAwDAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEGH"
        + "nnnnnnnnnnnnnnnnnnnnnnnnnnnnBEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
        + "-----END ENCRYPTED PRIVATE KEY-----\n");
    assertThatThrownBy(() -> SmtpTestServer.builder().certificate(chain, encrypted))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(encrypted.toString());
    Path noCert = dir.resolve("empty.pem");
    Files.writeString(noCert, "nothing here\n");
    assertThatThrownBy(() -> SmtpTestServer.builder().certificate(noCert, wrongKey))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no PEM certificate");
  }

  // ---- SMTP AUTH

  private static SmtpTestServer authServer(MintedCertificate leaf) {
    return SmtpTestServer.builder().certificate(leaf).authUser("alice", "s3cret").start();
  }

  private static MintedCertificate selfSigned() {
    return CertificateMinter.certificate().dnsNames("mx.example.test").mint();
  }

  @Test
  @DisplayName("AUTH PLAIN inside TLS: offered only after STARTTLS, MAIL needs it (530), the user is recorded")
  void authPlainAfterStartTls() throws Exception {
    MintedCertificate leaf = selfSigned();
    try (SmtpTestServer server = authServer(leaf)) {
      try (RawSmtpClient client = RawSmtpClient.connect(server.address())) {
        String cleartextEhlo = greetAndTls(client, RawSmtpClient.trusting(leaf.certificate()));
        assertThat(cleartextEhlo).doesNotContain("AUTH");
        assertThat(client.command("EHLO client.test")).contains("AUTH PLAIN LOGIN\r\n");
        assertThat(client.command("MAIL FROM:<a@example.org>")).startsWith("530 5.7.0 ");
        assertThat(client.command("AUTH PLAIN " + b64("\0alice\0wrong"))).startsWith("535 5.7.8 ");
        assertThat(client.command("AUTH PLAIN " + b64("\0alice\0s3cret"))).startsWith("235 2.7.0 ");
        assertThat(client.command("AUTH PLAIN " + b64("\0alice\0s3cret"))).startsWith("503 ");
        assertThat(client.command("MAIL FROM:<a@example.org>")).startsWith("250 ");
        assertThat(client.command("RCPT TO:<b@example.net>")).startsWith("250 ");
        assertThat(client.command("DATA")).startsWith("354 ");
        client.send("Subject: hi\r\n\r\nhello\r\n.\r\n");
        assertThat(client.readReply()).startsWith("250 ");
        client.command("QUIT");
      }
      assertThat(server.awaitConnectionsClosed(1, WAIT)).isTrue();
      assertThat(server.messages()).singleElement()
          .satisfies(m -> assertThat(m.authenticatedUser()).contains("alice"));
      assertThat(server.connections()).singleElement().satisfies(c -> {
        assertThat(c.authenticatedUser()).contains("alice");
        assertThat(c.authMechanism()).contains("PLAIN");
      });
      assertThat(server.authenticatedUsers()).containsExactly("alice");
      assertThat(server.cleartextBytes()).doesNotContain("AUTH");
    }
  }

  @Test
  @DisplayName("AUTH LOGIN inside TLS: Username: and Password: challenges; AUTH PLAIN with a 334 challenge too")
  void authLoginAndPlainChallenge() throws Exception {
    MintedCertificate leaf = selfSigned();
    try (SmtpTestServer server = authServer(leaf)) {
      try (RawSmtpClient client = RawSmtpClient.connect(server.address())) {
        greetAndTls(client, RawSmtpClient.trusting(leaf.certificate()));
        client.command("EHLO client.test");
        assertThat(client.command("AUTH LOGIN")).isEqualTo("334 VXNlcm5hbWU6\r\n");
        assertThat(client.command(b64("alice"))).isEqualTo("334 UGFzc3dvcmQ6\r\n");
        assertThat(client.command(b64("s3cret"))).startsWith("235 2.7.0 ");
      }
      try (RawSmtpClient client = RawSmtpClient.connect(server.address())) {
        greetAndTls(client, RawSmtpClient.trusting(leaf.certificate()));
        client.command("EHLO client.test");
        assertThat(client.command("AUTH PLAIN")).isEqualTo("334 \r\n");
        assertThat(client.command("*")).startsWith("501 5.7.0 ");
        assertThat(client.command("AUTH CRAM-MD5")).startsWith("504 5.5.4 ");
        assertThat(client.command("AUTH PLAIN")).isEqualTo("334 \r\n");
        assertThat(client.command(b64("alice\0alice\0s3cret"))).startsWith("235 ");
      }
      assertThat(server.awaitConnectionsClosed(2, WAIT)).isTrue();
      assertThat(server.connections()).extracting(c -> c.authMechanism().orElse("-"))
          .containsExactly("LOGIN", "PLAIN");
      assertThat(server.authenticatedUsers()).containsExactly("alice", "alice");
    }
  }

  @Test
  @DisplayName("AUTH before STARTTLS is refused with 538 unless allowed explicitly; STARTTLS forgets an AUTH")
  void authOnlyAfterStartTlsUnlessAllowed() throws Exception {
    MintedCertificate leaf = selfSigned();
    try (SmtpTestServer server = authServer(leaf)) {
      try (RawSmtpClient client = RawSmtpClient.connect(server.address())) {
        client.readReply();
        client.command("EHLO client.test");
        assertThat(client.command("AUTH PLAIN " + b64("\0alice\0s3cret"))).startsWith("538 5.7.11 ");
        assertThat(client.command("MAIL FROM:<a@example.org>")).startsWith("530 ");
      }
      assertThat(server.awaitConnectionsClosed(1, WAIT)).isTrue();
      assertThat(server.authenticatedUsers()).isEmpty();
    }
    try (SmtpTestServer server = SmtpTestServer.builder().certificate(leaf).authUser("alice", "s3cret")
        .authWithoutTls().start()) {
      try (RawSmtpClient client = RawSmtpClient.connect(server.address())) {
        client.readReply();
        assertThat(client.command("EHLO client.test")).contains("250-AUTH PLAIN LOGIN\r\n");
        assertThat(client.command("AUTH PLAIN " + b64("\0alice\0s3cret"))).startsWith("235 ");
        assertThat(client.command("STARTTLS")).startsWith("220 ");
        client.startTls(RawSmtpClient.trusting(leaf.certificate()), "mx.example.test");
        client.command("EHLO client.test");
        assertThat(client.command("MAIL FROM:<a@example.org>")).as("RFC 3207 §4.2: AUTH forgotten")
            .startsWith("530 ");
      }
      assertThat(server.awaitConnectionsClosed(1, WAIT)).isTrue();
      assertThat(server.cleartextBytes()).contains("AUTH PLAIN");
      assertThat(server.connections()).singleElement()
          .satisfies(c -> assertThat(c.authenticatedUser()).isEmpty());
    }
  }

  @Test
  @DisplayName("without users, AUTH is neither offered nor served (502), and MAIL needs no AUTH, as before")
  void noAuthByDefault() throws Exception {
    MintedCertificate leaf = selfSigned();
    try (SmtpTestServer server = SmtpTestServer.builder().certificate(leaf).start()) {
      try (RawSmtpClient client = RawSmtpClient.connect(server.address())) {
        greetAndTls(client, RawSmtpClient.trusting(leaf.certificate()));
        assertThat(client.command("EHLO client.test")).doesNotContain("AUTH");
        assertThat(client.command("AUTH PLAIN " + b64("\0alice\0s3cret"))).startsWith("502 ");
        assertThat(client.command("MAIL FROM:<a@example.org>")).startsWith("250 ");
      }
    }
    assertThatThrownBy(() -> SmtpTestServer.builder().authWithoutTls().start())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("authUser");
  }

}
