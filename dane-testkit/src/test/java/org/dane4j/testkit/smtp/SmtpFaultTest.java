package org.dane4j.testkit.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.dane4j.testkit.smtp.SmtpTestServerTest.WAIT;
import static org.dane4j.testkit.smtp.SmtpTestServerTest.assertThatClosed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.dane4j.testkit.CertificateMinter;
import org.dane4j.testkit.MintedCertificate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Each {@link SmtpFault}, and the per-verb silences, as a client sees them and as the server records them. */
class SmtpFaultTest {
  static final Duration SHORT = Duration.ofMillis(300);
  static MintedCertificate leaf;
  static SSLContext trustingRoot;

  @BeforeAll
  static void mint() throws GeneralSecurityException, IOException {
    MintedCertificate root = CertificateMinter.certificate().commonName("SMTP fault root").ca().mint();
    leaf = CertificateMinter.certificate().dnsNames("mx.example.test").issuer(root).mint();
    trustingRoot = RawSmtpClient.trusting(root.certificate());
  }

  static SmtpTestServer.Builder server() {
    return SmtpTestServer.builder().hostname("mx.example.test").certificate(leaf);
  }

  @Test
  @DisplayName("NO_STARTTLS hides the keyword and answers STARTTLS with 502")
  void noStartTls() throws Exception {
    try (SmtpTestServer server = server().fault(SmtpFault.NO_STARTTLS).start();
        RawSmtpClient client = RawSmtpClient.connect(server.address())) {
      client.readReply();
      assertThat(client.command("EHLO client.test")).doesNotContain("STARTTLS").endsWith("250 ENHANCEDSTATUSCODES\r\n");
      assertThat(client.command("STARTTLS")).isEqualTo("502 5.5.1 Error: command not implemented\r\n");
      assertThat(client.command("MAIL FROM:<a@b.test>")).startsWith("250 ");   // the session goes on in clear
      assertThat(server.firedCount(SmtpFault.NO_STARTTLS)).isEqualTo(1);
      assertThat(server.connections().get(0).faultsFired()).containsExactly(SmtpFault.NO_STARTTLS);
    }
  }

  @Test
  @DisplayName("REFUSE_STARTTLS advertises STARTTLS but answers 454")
  void refuseStartTls() throws Exception {
    try (SmtpTestServer server = server().fault(SmtpFault.REFUSE_STARTTLS).start();
        RawSmtpClient client = RawSmtpClient.connect(server.address())) {
      client.readReply();
      assertThat(client.command("EHLO client.test")).contains("250 STARTTLS\r\n");
      assertThat(client.command("STARTTLS")).isEqualTo("454 4.7.0 TLS not available\r\n");
      assertThat(server.firedCount(SmtpFault.REFUSE_STARTTLS)).isEqualTo(1);
      assertThat(server.handshakesCompleted() + server.handshakesFailed()).isZero();
    }
  }

  @Test
  @DisplayName("HANDSHAKE_FAIL makes the client's handshake fail after 220, and records its ClientHello")
  void handshakeFail() throws Exception {
    try (SmtpTestServer server = server().fault(SmtpFault.HANDSHAKE_FAIL).start()) {
      try (RawSmtpClient client = RawSmtpClient.connect(server.address())) {
        client.readReply();
        client.command("EHLO client.test");
        assertThat(client.command("STARTTLS")).isEqualTo("220 2.0.0 Ready to start TLS\r\n");
        assertThatThrownBy(() -> client.startTls(trustingRoot, "mx.example.test")).isInstanceOf(SSLException.class);
      }
      assertThat(server.awaitConnectionsClosed(1, WAIT)).isTrue();
      SmtpConnection connection = server.connections().get(0);
      assertThat(connection.handshakeFailed()).isTrue();
      assertThat(connection.handshakeFailure()).hasValueSatisfying(r -> assertThat(r).contains("HANDSHAKE_FAIL"));
      assertThat(connection.handshakeBytes()).startsWith("\u0016\u0003");   // the client did start TLS
      assertThat(connection.cleartextBytes()).doesNotContain("MAIL");
      assertThat(connection.tlsEstablished()).isFalse();
      assertThat(server.handshakesFailed()).isEqualTo(1);
      assertThat(server.firedCount(SmtpFault.HANDSHAKE_FAIL)).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("bytes a client sends in clear instead of a handshake are recorded as cleartext")
  void plaintextInsteadOfHandshake() throws Exception {
    try (SmtpTestServer server = server().start()) {
      try (RawSmtpClient client = RawSmtpClient.connect(server.address())) {
        client.readReply();
        client.command("EHLO client.test");
        client.command("STARTTLS");
        client.send("MAIL FROM:<careless@sender.test>\r\n");   // a broken client ignoring its own STARTTLS
        assertThatClosed(client);
      }
      assertThat(server.awaitConnectionsClosed(1, WAIT)).isTrue();
      SmtpConnection connection = server.connections().get(0);
      assertThat(connection.handshakeFailed()).isTrue();
      assertThat(connection.handshakeBytes()).isEqualTo("MAIL FROM:<careless@sender.test>\r\n");
      assertThat(server.cleartextBytes()).contains("MAIL FROM:<careless@sender.test>");
    }
  }

  @Test
  @DisplayName("INJECT_AFTER_STARTTLS sends 220 and the injected reply in one segment, then does TLS")
  void injectionAfterStartTls() throws Exception {
    try (SmtpTestServer server = server().fault(SmtpFault.INJECT_AFTER_STARTTLS).start();
        RawSmtpClient client = RawSmtpClient.connect(server.address())) {
      client.readReply();
      client.command("EHLO client.test");
      client.send("STARTTLS\r\n");
      assertThat(client.readOnce()).isEqualTo("220 2.0.0 Ready to start TLS\r\n250-injected\r\n250 OK\r\n");
      assertThat(server.firedCount(SmtpFault.INJECT_AFTER_STARTTLS)).isEqualTo(1);
      // a correct client drops those bytes and handshakes; the server then behaves normally
      client.startTls(trustingRoot, "mx.example.test");
      assertThat(client.command("EHLO client.test")).startsWith("250-mx.example.test greets client.test\r\n");
      assertThat(server.connections().get(0).tlsEstablished()).isTrue();
      assertThat(server.connections().get(0).faultsFired()).containsExactly(SmtpFault.INJECT_AFTER_STARTTLS);
    }
  }

  @Test
  @DisplayName("PIPELINED_STARTTLS_REPLY sends the EHLO reply and a 220 in one segment; STARTTLS then gets no reply, TLS follows")
  void pipelinedStartTlsReply() throws Exception {
    try (SmtpTestServer server = server().fault(SmtpFault.PIPELINED_STARTTLS_REPLY).start();
        RawSmtpClient client = RawSmtpClient.connect(server.address())) {
      client.readReply();
      client.send("EHLO client.test\r\n");
      String segment = client.readOnce();
      assertThat(segment).startsWith("250-mx.example.test greets client.test\r\n")
          .endsWith("250 STARTTLS\r\n220 2.0.0 Ready to start TLS\r\n");
      client.send("STARTTLS\r\n");
      client.startTls(trustingRoot, "mx.example.test"); // no second 220: the handshake follows STARTTLS at once
      assertThat(client.command("EHLO client.test")).startsWith("250-mx.example.test greets client.test\r\n");
      assertThat(server.connections().get(0).faultsFired()).containsExactly(SmtpFault.PIPELINED_STARTTLS_REPLY);
    }
  }

  @Test
  @DisplayName("STALL_MID_REPLY sends the first line of the EHLO reply, then nothing")
  void stallMidReply() throws Exception {
    try (SmtpTestServer server = server().fault(SmtpFault.STALL_MID_REPLY).start();
        RawSmtpClient client = RawSmtpClient.connect(server.address(), SHORT)) {
      assertThat(client.readReply()).startsWith("220 ");
      client.send("EHLO client.test\r\n");
      assertThat(client.readOnce()).isEqualTo("250-mx.example.test greets client.test\r\n");
      client.send("NOOP\r\n");
      assertThatThrownBy(client::read).isInstanceOf(SocketTimeoutException.class);
      assertThat(server.connections().get(0).commands()).containsExactly("EHLO client.test", "NOOP");
      assertThat(server.firedCount(SmtpFault.STALL_MID_REPLY)).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("TRICKLE_REPLIES writes the greeting one byte per interval")
  void trickleReplies() throws Exception {
    try (SmtpTestServer server = server().trickle(Duration.ofMillis(20)).start();
        RawSmtpClient client = RawSmtpClient.connect(server.address())) {
      long start = System.nanoTime();
      String greeting = client.readReply();
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(greeting).startsWith("220 mx.example.test");
      assertThat(elapsedMs).as("%d bytes, 20 ms apart", greeting.length()).isGreaterThanOrEqualTo(
          20L * (greeting.length() - 1));
      assertThat(server.firedCount(SmtpFault.TRICKLE_REPLIES)).isPositive();
    }
  }

  @Test
  @DisplayName("STALL_HANDSHAKE answers STARTTLS with 220, records the ClientHello and never answers it")
  void stallHandshake() throws Exception {
    try (SmtpTestServer server = server().fault(SmtpFault.STALL_HANDSHAKE).start()) {
      try (RawSmtpClient client = RawSmtpClient.connect(server.address(), SHORT)) {
        client.readReply();
        client.command("EHLO client.test");
        assertThat(client.command("STARTTLS")).isEqualTo("220 2.0.0 Ready to start TLS\r\n");
        assertThatThrownBy(() -> client.startTls(trustingRoot, "mx.example.test"))
            .isInstanceOf(SocketTimeoutException.class);
      }
      assertThat(server.awaitConnectionsClosed(1, WAIT)).isTrue();
      SmtpConnection connection = server.connections().get(0);
      assertThat(connection.handshakeBytes()).isNotEmpty();
      assertThat(connection.handshakeFailure()).hasValueSatisfying(r -> assertThat(r).contains("STALL_HANDSHAKE"));
    }
  }

  @Test
  @DisplayName("the injected text can be a whole reply of the test's choosing")
  void customInjection() throws Exception {
    try (SmtpTestServer server = server().fault(SmtpFault.INJECT_AFTER_STARTTLS).injection("250 2.1.0 Ok").start();
        RawSmtpClient client = RawSmtpClient.connect(server.address())) {
      client.readReply();
      client.command("EHLO client.test");
      client.send("STARTTLS\r\n");
      assertThat(client.readOnce()).isEqualTo("220 2.0.0 Ready to start TLS\r\n250 2.1.0 Ok\r\n");
    }
  }

  @Test
  @DisplayName("DROP_MID_DATA closes the connection after the first line of the message; nothing is stored")
  void dropMidData() throws Exception {
    try (SmtpTestServer server = server().fault(SmtpFault.DROP_MID_DATA).start()) {
      try (RawSmtpClient client = RawSmtpClient.connect(server.address())) {
        client.readReply();
        client.command("EHLO client.test");
        client.command("MAIL FROM:<a@b.test>");
        client.command("RCPT TO:<c@d.test>");
        assertThat(client.command("DATA")).startsWith("354 ");
        client.send("Subject: cut short\r\n");
        assertThatClosed(client);
      }
      assertThat(server.awaitConnectionsClosed(1, WAIT)).isTrue();
      assertThat(server.messages()).isEmpty();
      assertThat(server.connections().get(0).faultsFired()).containsExactly(SmtpFault.DROP_MID_DATA);
    }
  }

  @Test
  @DisplayName("SLOW_REPLIES delays every reply by the configured delay")
  void slowReplies() throws Exception {
    try (SmtpTestServer server = server().replyDelay(Duration.ofMillis(200)).start()) {
      long start = System.nanoTime();
      try (RawSmtpClient client = RawSmtpClient.connect(server.address())) {
        client.readReply();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(190));
        long ehlo = System.nanoTime();
        client.command("EHLO client.test");
        assertThat(Duration.ofNanos(System.nanoTime() - ehlo)).isGreaterThanOrEqualTo(Duration.ofMillis(190));
      }
      assertThat(server.faults()).containsExactly(SmtpFault.SLOW_REPLIES);
    }
  }

  @Test
  @DisplayName("NEVER_REPLY_AFTER_GREETING: the client times out waiting; its command is still recorded")
  void neverReplyAfterGreeting() throws Exception {
    try (SmtpTestServer server = server().fault(SmtpFault.NEVER_REPLY_AFTER_GREETING).start()) {
      try (RawSmtpClient client = RawSmtpClient.connect(server.address(), SHORT)) {
        assertThat(client.readReply()).startsWith("220 ");
        assertThatThrownBy(() -> client.command("EHLO client.test")).isInstanceOf(SocketTimeoutException.class);
      }
      assertThat(server.awaitConnectionsClosed(1, WAIT)).isTrue();
      assertThat(server.connections().get(0).commands()).containsExactly("EHLO client.test");
    }
  }

  @Test
  @DisplayName("NO_GREETING: the client times out waiting for the greeting")
  void noGreeting() throws Exception {
    try (SmtpTestServer server = server().fault(SmtpFault.NO_GREETING).start();
        RawSmtpClient client = RawSmtpClient.connect(server.address(), SHORT)) {
      assertThatThrownBy(client::readReply).isInstanceOf(SocketTimeoutException.class);
    }
  }

  @Test
  @DisplayName("neverReplyTo(\".\"): the message is sent in full, its 250 never comes, nothing is stored")
  void neverReplyToEndOfData() throws Exception {
    try (SmtpTestServer server = server().neverReplyTo(".").start()) {
      try (RawSmtpClient client = RawSmtpClient.connect(server.address(), SHORT)) {
        client.readReply();
        client.command("EHLO client.test");
        client.command("MAIL FROM:<a@b.test>");
        client.command("RCPT TO:<c@d.test>");
        client.command("DATA");
        assertThatThrownBy(() -> client.command("hello\r\n.")).isInstanceOf(SocketTimeoutException.class);
      }
      assertThat(server.awaitConnectionsClosed(1, WAIT)).isTrue();
      assertThat(server.messages()).isEmpty();
      assertThat(server.cleartextBytes()).endsWith("DATA\r\nhello\r\n.\r\n");
    }
  }

  @Test
  @DisplayName("faults switched at run time apply from the next command")
  void faultsAtRunTime() throws Exception {
    try (SmtpTestServer server = server().start();
        RawSmtpClient client = RawSmtpClient.connect(server.address(), SHORT)) {
      client.readReply();
      assertThat(client.command("EHLO client.test")).contains("STARTTLS");
      server.setFaults(SmtpFault.NO_STARTTLS, SmtpFault.REFUSE_STARTTLS);
      assertThat(server.faults()).containsExactlyInAnyOrder(SmtpFault.NO_STARTTLS, SmtpFault.REFUSE_STARTTLS);
      assertThat(client.command("EHLO client.test")).doesNotContain("STARTTLS");
      assertThat(client.command("STARTTLS")).startsWith("502 ");
      server.setFaults(SmtpFault.REFUSE_STARTTLS);
      assertThat(client.command("STARTTLS")).startsWith("454 ");
      server.setFaults();
      server.neverReplyTo("NOOP");
      assertThat(client.command("RSET")).startsWith("250 ");
      assertThatThrownBy(() -> client.command("NOOP")).isInstanceOf(SocketTimeoutException.class);
    }
  }

  @Test
  @DisplayName("holdRepliesTo(\".\"): the 250 comes only after releaseHeld(), and heldCount() counts the wait")
  void holdAndRelease() throws Exception {
    try (SmtpTestServer server = server().start();
        RawSmtpClient client = RawSmtpClient.connect(server.address(), WAIT)) {
      server.holdRepliesTo(".");
      client.readReply();
      client.command("EHLO client.test");
      client.command("MAIL FROM:<a@b.test>");
      client.command("RCPT TO:<c@d.test>");
      client.command("DATA");
      CompletableFuture<String> end = CompletableFuture.supplyAsync(() -> {
        try {
          return client.command("hello\r\n.");
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (server.heldCount() < 1 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(server.heldCount()).isEqualTo(1);
      assertThat(server.messages()).isEmpty();
      server.releaseHeld();
      assertThat(end.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).startsWith("250 ");
      assertThat(server.heldCount()).isZero();
      assertThat(server.messages()).hasSize(1);
    }
  }
}
