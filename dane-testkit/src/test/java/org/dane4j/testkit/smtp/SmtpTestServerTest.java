package org.dane4j.testkit.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import org.dane4j.testkit.CertificateMinter;
import org.dane4j.testkit.MintedCertificate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The server's SMTP dialogue, its TLS, its byte accounting and its lifecycle, driven by a raw-socket client. */
class SmtpTestServerTest {
  static final Duration WAIT = Duration.ofSeconds(3);
  static MintedCertificate root;
  static MintedCertificate intermediate;
  static MintedCertificate leaf;
  static SSLContext trustingRoot;

  @BeforeAll
  static void mint() throws GeneralSecurityException, IOException {
    root = CertificateMinter.certificate().commonName("SMTP test root").ca().mint();
    intermediate = CertificateMinter.certificate().commonName("SMTP test intermediate").ca().issuer(root).mint();
    leaf = CertificateMinter.certificate().dnsNames("mx.example.test").issuer(intermediate).mint();
    trustingRoot = RawSmtpClient.trusting(root.certificate());
  }

  static SmtpTestServer.Builder server() {
    return SmtpTestServer.builder().hostname("mx.example.test").certificate(leaf);
  }

  @Test
  @DisplayName("a whole session over STARTTLS is recorded with TLS, SNI and both EHLOs; the body never in clear")
  void fullSessionOverStartTls() throws Exception {
    try (SmtpTestServer server = server().start()) {
      try (RawSmtpClient client = RawSmtpClient.connect(server.address())) {
        assertThat(client.readReply()).isEqualTo("220 mx.example.test ESMTP dane4j-testkit\r\n");
        assertThat(client.command("EHLO client.test")).isEqualTo("250-mx.example.test greets client.test\r\n"
            + "250-PIPELINING\r\n250-SIZE 10485760\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n250 STARTTLS\r\n");
        assertThat(client.command("STARTTLS")).isEqualTo("220 2.0.0 Ready to start TLS\r\n");
        SSLSession session = client.startTls(trustingRoot, "mx.example.test");
        assertThat(session.getProtocol()).isEqualTo("TLSv1.3");
        assertThat(client.command("EHLO client.test")).doesNotContain("STARTTLS").endsWith("250 ENHANCEDSTATUSCODES\r\n");
        assertThat(client.command("MAIL FROM:<alice@sender.test> SIZE=120 BODY=8BITMIME")).startsWith("250 2.1.0 ");
        assertThat(client.command("RCPT TO:<bob@example.test>")).startsWith("250 2.1.5 ");
        assertThat(client.command("DATA")).startsWith("354 ");
        client.send("Subject: secret plans\r\n\r\nbody line\r\n..leading dot\r\n.\r\n");
        assertThat(client.readReply()).startsWith("250 2.0.0 Ok: queued as ");
        assertThat(client.command("QUIT")).isEqualTo("221 2.0.0 Bye\r\n");
        assertThat(client.read()).isEqualTo(-1);
      }
      assertThat(server.awaitConnectionsClosed(1, WAIT)).isTrue();

      assertThat(server.messages()).singleElement().satisfies(message -> {
        assertThat(message.mailFrom()).isEqualTo("alice@sender.test");
        assertThat(message.rcptTo()).containsExactly("bob@example.test");
        assertThat(message.text()).isEqualTo("Subject: secret plans\r\n\r\nbody line\r\n.leading dot\r\n");
        assertThat(message.tls()).isTrue();
        assertThat(message.tlsProtocol()).contains("TLSv1.3");
        assertThat(message.cipherSuite()).hasValueSatisfying(suite -> assertThat(suite).startsWith("TLS_"));
        assertThat(message.sniName()).contains("mx.example.test");
        assertThat(message.ehloNames()).containsExactly("client.test", "client.test");
        assertThat(message.connectionId()).isEqualTo(1);
      });
      SmtpConnection connection = server.connections().get(0);
      assertThat(connection.finished()).isTrue();
      assertThat(connection.tlsEstablished()).isTrue();
      assertThat(connection.handshakeFailed()).isFalse();
      assertThat(connection.sniName()).contains("mx.example.test");
      assertThat(connection.commands()).containsExactly("EHLO client.test", "STARTTLS", "EHLO client.test",
          "MAIL FROM:<alice@sender.test> SIZE=120 BODY=8BITMIME", "RCPT TO:<bob@example.test>", "DATA", "QUIT");
      assertThat(connection.commandsInTls()).first().isEqualTo("EHLO client.test");
      assertThat(connection.commandsInTls()).hasSize(5);
      assertThat(connection.handshakeBytes()).startsWith("\u0016\u0003");   // a TLS handshake record
      assertThat(connection.cleartextBytes())
          .startsWith("EHLO client.test\r\nSTARTTLS\r\n\u0016\u0003")
          .endsWith(connection.handshakeBytes())
          .doesNotContain("MAIL FROM", "secret plans", "body line");
      assertThat(connection.tlsBytes()).isEqualTo("EHLO client.test\r\n"
          + "MAIL FROM:<alice@sender.test> SIZE=120 BODY=8BITMIME\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n"
          + "Subject: secret plans\r\n\r\nbody line\r\n..leading dot\r\n.\r\nQUIT\r\n");
      assertThat(server.cleartextBytes()).isEqualTo(connection.cleartextBytes());
      assertThat(server.tlsBytes()).isEqualTo(connection.tlsBytes());
      assertThat(server.connectionCount()).isEqualTo(1);
      assertThat(server.handshakesCompleted()).isEqualTo(1);
      assertThat(server.handshakesFailed()).isZero();
    }
  }

  @Test
  @DisplayName("pipelined MAIL/RCPT/RCPT/DATA are answered in order; a message sent without TLS is in the cleartext")
  void pipelinedCommandsInCleartext() throws Exception {
    try (SmtpTestServer server = server().start();
        RawSmtpClient client = RawSmtpClient.connect(server.address())) {
      client.readReply();
      client.command("EHLO client.test");
      client.send("MAIL FROM:<>\r\nRCPT TO:<bob@example.test>\r\nRCPT TO:<carol@example.test>\r\nDATA\r\n");
      assertThat(client.readReply()).startsWith("250 2.1.0");
      assertThat(client.readReply()).startsWith("250 2.1.5");
      assertThat(client.readReply()).startsWith("250 2.1.5");
      assertThat(client.readReply()).startsWith("354 ");
      client.send("Subject: postcard\r\n\r\nin clear\r\n.\r\nRSET\r\nNOOP\r\n");
      assertThat(client.readReply()).startsWith("250 2.0.0 Ok: queued");
      assertThat(client.readReply()).isEqualTo("250 2.0.0 Ok\r\n");
      assertThat(client.readReply()).isEqualTo("250 2.0.0 Ok\r\n");

      ReceivedMessage message = server.messages().get(0);
      assertThat(message.mailFrom()).isEmpty();
      assertThat(message.rcptTo()).containsExactly("bob@example.test", "carol@example.test");
      assertThat(message.tls()).isFalse();
      assertThat(message.tlsProtocol()).isEmpty();
      assertThat(message.sniName()).isEmpty();
      assertThat(server.cleartextBytes()).contains("Subject: postcard\r\n\r\nin clear\r\n.\r\n");
      assertThat(server.tlsBytes()).isEmpty();
    }
  }

  @Test
  @DisplayName("after STARTTLS all state is reset (MAIL before a new EHLO gets 503) and plaintext pipelined after "
      + "STARTTLS is discarded, never executed (RFC 3207 §4.2, CVE-2011-0411)")
  void stateResetAndPipelinedPlaintextDiscarded() throws Exception {
    try (SmtpTestServer server = server().start();
        RawSmtpClient client = RawSmtpClient.connect(server.address())) {
      client.readReply();
      client.command("EHLO client.test");
      client.send("STARTTLS\r\nMAIL FROM:<evil@attacker.test>\r\n");
      assertThat(client.readReply()).startsWith("220 ");
      client.startTls(trustingRoot, "mx.example.test");
      assertThat(client.command("MAIL FROM:<alice@sender.test>")).isEqualTo("503 5.5.1 Error: send HELO/EHLO first\r\n");
      assertThat(client.command("EHLO client.test")).startsWith("250-");
      assertThat(client.command("MAIL FROM:<alice@sender.test>")).startsWith("250 ");
      assertThat(client.command("STARTTLS")).startsWith("554 5.5.1");

      SmtpConnection connection = server.connections().get(0);
      assertThat(connection.discardedAfterStartTls()).isEqualTo("MAIL FROM:<evil@attacker.test>\r\n");
      assertThat(connection.commands()).noneMatch(c -> c.contains("evil"));
      assertThat(connection.cleartextBytes()).contains("MAIL FROM:<evil@attacker.test>\r\n");
    }
  }

  @Test
  @DisplayName("commands out of sequence get 503, unknown ones 500, long lines 500, bad syntax 501/555")
  void sequenceAndSyntax() throws Exception {
    try (SmtpTestServer server = server().start();
        RawSmtpClient client = RawSmtpClient.connect(server.address())) {
      client.readReply();
      assertThat(client.command("MAIL FROM:<a@b.test>")).startsWith("503 5.5.1");
      assertThat(client.command("STARTTLS")).startsWith("503 5.5.1");
      assertThat(client.command("EHLO")).startsWith("501 5.5.4");
      assertThat(client.command("HELO client.test")).isEqualTo("250 mx.example.test\r\n");
      assertThat(client.command("RCPT TO:<b@c.test>")).startsWith("503 5.5.1");
      assertThat(client.command("DATA")).startsWith("503 5.5.1");
      assertThat(client.command("FROB")).startsWith("500 5.5.2");
      assertThat(client.command("")).startsWith("500 5.5.2");
      assertThat(client.command("NOOP " + "x".repeat(1_000))).isEqualTo("500 5.5.2 Error: line too long\r\n");
      assertThat(client.command("VRFY bob")).startsWith("502 5.5.1");
      assertThat(client.command("MAIL FROM:alice@sender.test")).startsWith("501 5.5.4");
      assertThat(client.command("MAIL FROM:<a@b.test> SMTPUTF8")).startsWith("555 5.5.4");
      assertThat(client.command("MAIL FROM:<a@b.test> SIZE=99999999999")).startsWith("552 5.3.4");
      assertThat(client.command("mail from:<a@b.test>")).startsWith("250 ");
      assertThat(client.command("MAIL FROM:<a@b.test>")).startsWith("503 5.5.1 Error: nested");
      assertThat(client.command("STARTTLS")).startsWith("503 5.5.1");
      assertThat(client.command("RCPT TO:<>")).startsWith("501 5.5.4");
      assertThat(client.command("DATA")).startsWith("503 5.5.1 Error: need RCPT");
      assertThat(client.command("RSET")).startsWith("250 ");
      assertThat(client.command("RCPT TO:<b@c.test>")).startsWith("503 5.5.1");
      assertThat(client.command("QUIT")).startsWith("221 ");
    }
  }

  @Test
  @DisplayName("scripted replies: 550 to RCPT rejects the recipient, 451 to the end of data drops the message")
  void scriptedRejections() throws Exception {
    try (SmtpTestServer server = server().replyTo("RCPT", "550 5.1.1 no such user")
        .replyTo("helo", "250-first line\n250 last line").start();
        RawSmtpClient client = RawSmtpClient.connect(server.address())) {
      client.readReply();
      assertThat(client.command("HELO client.test")).isEqualTo("250-first line\r\n250 last line\r\n");
      client.command("MAIL FROM:<a@b.test>");
      assertThat(client.command("RCPT TO:<nobody@example.test>")).isEqualTo("550 5.1.1 no such user\r\n");
      assertThat(client.command("DATA")).isEqualTo("554 5.5.1 Error: no valid recipients\r\n");

      server.clearReplies();
      server.replyTo(".", "451 4.3.0 try again later");
      assertThat(client.command("RCPT TO:<bob@example.test>")).startsWith("250 ");
      assertThat(client.command("DATA")).startsWith("354 ");
      assertThat(client.command("Subject: x\r\n\r\nbody\r\n.")).isEqualTo("451 4.3.0 try again later\r\n");
      assertThat(server.messages()).isEmpty();
    }
  }

  @Test
  @DisplayName("a handshake the client rejects is recorded as failed, with its reason and SNI")
  void clientRejectsTheChain() throws Exception {
    MintedCertificate otherRoot = CertificateMinter.certificate().commonName("another root").ca().mint();
    try (SmtpTestServer server = server().start()) {
      try (RawSmtpClient client = RawSmtpClient.connect(server.address())) {
        client.readReply();
        client.command("EHLO client.test");
        client.command("STARTTLS");
        SSLContext wrongTrust = RawSmtpClient.trusting(otherRoot.certificate());
        assertThatThrownBy(() -> client.startTls(wrongTrust, "mx.example.test"))
            .isInstanceOf(SSLHandshakeException.class);
      }
      assertThat(server.awaitConnectionsClosed(1, WAIT)).isTrue();
      SmtpConnection connection = server.connections().get(0);
      assertThat(connection.handshakeFailed()).isTrue();
      assertThat(connection.handshakeFailure()).hasValueSatisfying(
          reason -> assertThat(reason).contains("certificate_unknown"));
      assertThat(connection.sniName()).contains("mx.example.test");
      assertThat(connection.tlsEstablished()).isFalse();
      assertThat(connection.tlsBytes()).isEmpty();
      assertThat(server.handshakesFailed()).isEqualTo(1);
      assertThat(server.handshakesCompleted()).isZero();
    }
  }

  @Test
  @DisplayName("a 1 MiB message over TLS arrives intact across many TLS records")
  void largeMessageOverTls() throws Exception {
    StringBuilder body = new StringBuilder();
    for (int i = 0; body.length() < 1 << 20; i++) {
      body.append(i % 7 == 0 ? "." : "").append("line ").append(i).append(' ').append("x".repeat(70)).append("\r\n");
    }
    String stuffed = body.toString().replace("\r\n.", "\r\n..");
    try (SmtpTestServer server = server().start();
        RawSmtpClient client = RawSmtpClient.connect(server.address())) {
      client.readReply();
      client.command("EHLO client.test");
      client.command("STARTTLS");
      client.startTls(trustingRoot, "mx.example.test");
      client.command("EHLO client.test");
      client.command("MAIL FROM:<a@b.test>");
      client.command("RCPT TO:<c@d.test>");
      client.command("DATA");
      client.send("Subject: big\r\n\r\n" + (stuffed.startsWith(".") ? "." : "") + stuffed + ".\r\n");
      assertThat(client.readReply()).startsWith("250 ");
      assertThat(server.messages().get(0).text()).isEqualTo("Subject: big\r\n\r\n" + body);
      assertThat(server.cleartextBytes()).doesNotContain("line 1 ");
    }
  }

  @Test
  @DisplayName("several clients at once, each over its own TLS session")
  void concurrentConnections() throws Exception {
    int clients = 6;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try (SmtpTestServer server = server().start()) {
      List<Future<String>> replies = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        int n = i;
        replies.add(pool.submit(() -> {
          try (RawSmtpClient client = RawSmtpClient.connect(server.address())) {
            client.readReply();
            client.command("EHLO client" + n + ".test");
            client.command("STARTTLS");
            client.startTls(trustingRoot, "mx.example.test");
            client.command("EHLO client" + n + ".test");
            client.command("MAIL FROM:<sender" + n + "@b.test>");
            client.command("RCPT TO:<c@d.test>");
            client.command("DATA");
            String reply = client.command("Subject: " + n + "\r\n\r\nmessage " + n + "\r\n.");
            client.command("QUIT");
            return reply;
          }
        }));
      }
      for (Future<String> reply : replies) {
        assertThat(reply.get(5, TimeUnit.SECONDS)).startsWith("250 2.0.0");
      }
      assertThat(server.awaitConnectionsClosed(clients, WAIT)).isTrue();
      assertThat(server.messages()).hasSize(clients).allMatch(ReceivedMessage::tls);
      assertThat(server.messages()).extracting(ReceivedMessage::mailFrom)
          .containsExactlyInAnyOrder("sender0@b.test", "sender1@b.test", "sender2@b.test", "sender3@b.test",
              "sender4@b.test", "sender5@b.test");
      assertThat(server.handshakesCompleted()).isEqualTo(clients);
      assertThat(server.cleartextBytes()).doesNotContain("MAIL FROM");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @DisplayName("the configured chain is presented exactly, root included when asked")
  void presentsTheChainAsGiven() throws Exception {
    try (SmtpTestServer server = server().chain(leaf, leaf.chainWithRoot()).start();
        RawSmtpClient client = RawSmtpClient.connect(server.address())) {
      client.readReply();
      client.command("EHLO client.test");
      client.command("STARTTLS");
      Certificate[] presented = client.startTls(trustingRoot, "mx.example.test").getPeerCertificates();
      assertThat(presented).containsExactly(leaf.certificate(), intermediate.certificate(), root.certificate());
      assertThat(server.chain()).containsExactlyElementsOf(leaf.chainWithRoot());
    }
  }

  @Test
  @DisplayName("the negotiated protocol is recorded (a server limited to TLSv1.2)")
  void protocolRecorded() throws Exception {
    try (SmtpTestServer server = server().tlsProtocols("TLSv1.2").start();
        RawSmtpClient client = RawSmtpClient.connect(server.address())) {
      client.readReply();
      client.command("EHLO client.test");
      client.command("STARTTLS");
      assertThat(client.startTls(trustingRoot, "mx.example.test").getProtocol()).isEqualTo("TLSv1.2");
      client.command("EHLO client.test");
      assertThat(server.connections().get(0).tlsProtocol()).contains("TLSv1.2");
    }
  }

  @Test
  @DisplayName("without a configured certificate the server mints a self-signed one for its host name")
  void selfSignedByDefault() {
    try (SmtpTestServer server = SmtpTestServer.builder().hostname("mx.other.test").start()) {
      assertThat(server.chain()).containsExactly(server.certificate().certificate());
      assertThat(server.certificate().certificate().getSubjectX500Principal().getName())
          .isEqualTo("CN=mx.other.test");
      assertThat(server.address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
      assertThat(server.port()).isPositive();
    }
  }

  @Test
  @DisplayName("two servers on 127.0.0.2 and 127.0.0.3 share one port, each recording its own connection")
  void twoServersShareAPort() throws Exception {
    List<SmtpTestServer> servers = new ArrayList<>();
    try {
      for (int attempt = 0; servers.size() < 2 && attempt < 10; attempt++) {
        servers.forEach(SmtpTestServer::close);
        servers.clear();
        SmtpTestServer first = server().address("127.0.0.2").hostname("mx1.example.test").start();
        servers.add(first);
        try {
          servers.add(server().address("127.0.0.3").port(first.port()).hostname("mx2.example.test").start());
        } catch (IllegalStateException portTakenOnTheOtherAddress) {
          // try another port
        }
      }
      assertThat(servers).hasSize(2);
      assertThat(servers.get(1).port()).isEqualTo(servers.get(0).port());
      for (SmtpTestServer server : servers) {
        try (RawSmtpClient client = RawSmtpClient.connect(server.address())) {
          assertThat(client.readReply()).startsWith("220 " + server.hostname() + " ");
          client.command("QUIT");
        }
      }
      assertThat(servers.get(0).connections()).singleElement()
          .satisfies(c -> assertThat(c.localAddress().getAddress().getHostAddress()).isEqualTo("127.0.0.2"));
      assertThat(servers.get(1).connections()).singleElement()
          .satisfies(c -> assertThat(c.localAddress().getAddress().getHostAddress()).isEqualTo("127.0.0.3"));
    } finally {
      servers.forEach(SmtpTestServer::close);
    }
  }

  @Test
  @DisplayName("close() ends idle and sleeping connections within a second")
  void closeIsPrompt() throws Exception {
    SmtpTestServer server = server().replyDelay(Duration.ofSeconds(10)).start();
    server.setFaults();
    try (RawSmtpClient idle = RawSmtpClient.connect(server.address());
        RawSmtpClient waiting = RawSmtpClient.connect(server.address())) {
      idle.readReply();
      waiting.readReply();
      server.setFaults(SmtpFault.SLOW_REPLIES);
      waiting.send("EHLO client.test\r\n");   // its reply sleeps for 10 s
      long start = System.nanoTime();
      server.close();
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(took).isLessThan(Duration.ofSeconds(1));
      assertThat(server.awaitConnectionsClosed(2, Duration.ZERO)).isTrue();
      assertThat(server.connections()).allMatch(SmtpConnection::finished);
      assertThatClosed(idle);
      assertThatClosed(waiting);
    }
    assertThatThrownBy(() -> RawSmtpClient.connect(server.address())).isInstanceOf(IOException.class);
  }

  @Test
  @DisplayName("awaitConnectionsClosed waits for open connections and for connections not yet made")
  void awaitConnectionsClosed() throws Exception {
    try (SmtpTestServer server = server().start()) {
      assertThat(server.awaitConnectionsClosed(Duration.ZERO)).isTrue();
      assertThat(server.awaitConnectionsClosed(1, Duration.ofMillis(20))).isFalse();
      try (RawSmtpClient client = RawSmtpClient.connect(server.address())) {
        client.readReply();
        assertThat(server.awaitConnectionsClosed(Duration.ofMillis(50))).isFalse();
        client.command("QUIT");
      }
      assertThat(server.awaitConnectionsClosed(1, WAIT)).isTrue();
    }
  }

  @Test
  @DisplayName("a greeting that is not 2xx: every command but QUIT gets 503")
  void rejectingGreeting() throws Exception {
    try (SmtpTestServer server = server().greeting("554 5.3.2 not accepting mail").start();
        RawSmtpClient client = RawSmtpClient.connect(server.address())) {
      assertThat(client.readReply()).isEqualTo("554 5.3.2 not accepting mail\r\n");
      assertThat(client.command("EHLO client.test")).startsWith("503 ");
      assertThat(client.command("QUIT")).startsWith("221 ");
    }
  }

  @Test
  @DisplayName("the builder refuses malformed settings at once (any address literal is taken: issue #15)")
  void builderValidation() throws Exception {
    SmtpTestServer.Builder builder = SmtpTestServer.builder();
    assertThatThrownBy(() -> builder.address("mx.example.test")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.address("127.0.0.256")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.port(65_536)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.hostname("two words")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.replyTo("RCPT", "hello")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.replyTo("RCPT TO", "550 no")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.replyTo("RCPT", "250 ok\r\n\r\n")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.replyDelay(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.tlsProtocols("TLSv9")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.chain(leaf, List.of())).isInstanceOf(IllegalArgumentException.class);
    assertThat(builder.address("::1")).isSameAs(builder);
  }

  /** Asserts that the server closed the connection, perhaps after a few last bytes (e.g. a TLS alert). */
  static void assertThatClosed(RawSmtpClient client) {
    try {
      for (int i = 0; i < 64; i++) {
        if (client.read() < 0) {
          return;
        }
      }
      throw new AssertionError("the server did not close the connection");
    } catch (IOException reset) {
      // a reset is a close too
    }
  }

  @Test
  @DisplayName("RFC 2920: commands written at once are answered in order and recorded as one read")
  void pipelinedGroupRecordedAsOneRead() throws Exception {
    try (SmtpTestServer server = server().start()) {
      try (RawSmtpClient client = RawSmtpClient.connect(server.address())) {
        client.readReply();
        assertThat(client.command("EHLO client.test")).contains("250-PIPELINING\r\n");
        client.send("MAIL FROM:<alice@sender.test>\r\nRCPT TO:<bob@example.test>\r\nRCPT TO:<carol@example.test>\r\n"
            + "DATA\r\n");
        assertThat(client.readReply()).startsWith("250 2.1.0 ");
        assertThat(client.readReply()).startsWith("250 2.1.5 ");
        assertThat(client.readReply()).startsWith("250 2.1.5 ");
        assertThat(client.readReply()).startsWith("354 ");
        client.send("Subject: x\r\n\r\nbody\r\n.\r\n");
        assertThat(client.readReply()).startsWith("250 2.0.0 ");
        assertThat(client.command("QUIT")).startsWith("221 ");
      }
      assertThat(server.awaitConnectionsClosed(1, WAIT)).isTrue();
      assertThat(server.messages()).singleElement()
          .satisfies(m -> assertThat(m.rcptTo()).containsExactly("bob@example.test", "carol@example.test"));
      assertThat(server.connections().get(0).commandReads()).containsExactly(List.of("EHLO client.test"),
          List.of("MAIL FROM:<alice@sender.test>", "RCPT TO:<bob@example.test>", "RCPT TO:<carol@example.test>",
              "DATA"), List.of("QUIT"));
    }
  }

  @Test
  @DisplayName("RFC 2920: pipelining(false) leaves PIPELINING out of the EHLO reply, in cleartext and in TLS")
  void pipeliningCanBeSwitchedOff() throws Exception {
    try (SmtpTestServer server = server().pipelining(false).start()) {
      try (RawSmtpClient client = RawSmtpClient.connect(server.address())) {
        client.readReply();
        assertThat(client.command("EHLO client.test")).isEqualTo("250-mx.example.test greets client.test\r\n"
            + "250-SIZE 10485760\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n250 STARTTLS\r\n");
        assertThat(client.command("STARTTLS")).startsWith("220 ");
        client.startTls(trustingRoot, "mx.example.test");
        assertThat(client.command("EHLO client.test")).doesNotContain("PIPELINING").startsWith("250-");
        assertThat(client.command("QUIT")).startsWith("221 ");
      }
      assertThat(server.awaitConnectionsClosed(1, WAIT)).isTrue();
      assertThat(server.connections().get(0).commandReads()).containsExactly(List.of("EHLO client.test"),
          List.of("STARTTLS"), List.of("EHLO client.test"), List.of("QUIT"));
    }
  }
}
