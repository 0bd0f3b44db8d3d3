package org.dane4j.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.dane4j.smtp.SmtpReplyGuard.GuardedSocket;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The reply bounds on a loopback socket pair (checklist TLS-7). */
class SmtpReplyGuardTest {
  private interface Server {
    void serve(OutputStream out) throws Exception;
  }

  private static GuardedSocket connect(ServerSocket listener, SmtpLimits limits) throws Exception {
    GuardedSocket socket = SmtpReplyGuard.wrap(new Socket(), limits);
    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), 5000);
    socket.setSoTimeout(5000);
    return socket;
  }

  private static void run(Server server, SmtpLimits limits, GuardTest test) throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread t = new Thread(() -> {
        try (Socket s = listener.accept()) {
          server.serve(s.getOutputStream());
          Thread.sleep(3000);
        } catch (Exception e) {
          // the client went away
        }
      });
      t.setDaemon(true);
      t.start();
      try (GuardedSocket socket = connect(listener, limits)) {
        test.run(socket.guard());
      }
    }
  }

  private interface GuardTest {
    void run(SmtpReplyGuard guard) throws Exception;
  }

  private static void write(OutputStream out, String text) throws Exception {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  @Test
  @DisplayName("TLS-3: bytes after the 220 to STARTTLS, before the handshake, refuse the upgrade")
  void tls3_replyInjectedAfterTheStartTlsReply() throws Exception {
    run(out -> write(out, "220 ready\r\n250-injected\r\n250 OK\r\n"), SmtpLimits.DEFAULTS, guard -> {
      assertThat(guard.readReply()).containsExactly("220 ready");
      assertThatThrownBy(() -> guard.startTls(Duration.ofSeconds(5)))
          .isInstanceOf(SmtpReplyGuard.ResponseInjectionException.class).hasMessageContaining("TLS-3");
    });
    run(out -> write(out, "220 ready\r\n"), SmtpLimits.DEFAULTS, guard -> {
      assertThat(guard.readReply()).containsExactly("220 ready");
      guard.startTls(Duration.ofSeconds(5)); // nothing after the 220: the handshake may start
    });
  }

  @Test
  @DisplayName("TLS-7: pipelined replies in one segment, a CR and its LF in separate reads: read as sent")
  void tls7_repliesAreReadAsSent() throws Exception {
    String longest = "250 " + "x".repeat(2048 - 4);
    run(out -> {
      write(out, "250-one\r\n250 two\r\n220 three\r");
      Thread.sleep(100);
      write(out, "\n" + longest + "\r");
      Thread.sleep(100);
      write(out, "\n");
    }, SmtpLimits.DEFAULTS, guard -> {
      assertThat(guard.readReply()).containsExactly("250-one", "250 two");
      assertThat(guard.readReply()).containsExactly("220 three");
      assertThat(guard.readReply()).containsExactly(longest);
    });
  }

  @Test
  @DisplayName("TLS-7: a line one byte over maxReplyLineLength fails, naming the limit")
  void tls7_lineOverTheLimit() throws Exception {
    run(out -> write(out, "250 " + "x".repeat(2048 - 3) + "\r\n"), SmtpLimits.DEFAULTS, guard ->
        assertThatThrownBy(guard::readReply).isInstanceOf(SmtpReplyGuard.LimitExceededException.class)
            .hasMessageContaining("limit maxReplyLineLength 2048"));
  }

  @Test
  @DisplayName("TLS-7: maxReplyLines lines pass, one more fails; after a failure every read fails")
  void tls7_linesPerReply() throws Exception {
    run(out -> write(out, "250-x\r\n".repeat(99) + "250 last\r\n" + "250-x\r\n".repeat(100) + "250 last\r\n"),
        SmtpLimits.DEFAULTS, guard -> {
          assertThat(guard.readReply()).hasSize(100);
          assertThatThrownBy(guard::readReply).hasMessageContaining("limit maxReplyLines 100");
          assertThatThrownBy(guard::read).hasMessageContaining("limit maxReplyLines 100");
        });
  }

  @Test
  @DisplayName("TLS-7: a reply trickled faster than the read timeout still ends at the reply deadline")
  void tls7_replyDeadline() throws Exception {
    run(out -> {
      for (int i = 0; i < 100; i++) {
        write(out, "2");
        Thread.sleep(200);
      }
    }, SmtpLimits.DEFAULTS.withReplyTimeout(Duration.ofSeconds(1)), guard -> {
      long start = System.nanoTime();
      assertThatThrownBy(guard::readReply).hasMessageContaining("limit replyTimeout 1 s");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    });
  }

  @Test
  void limitsAreChecked() {
    assertThatThrownBy(() -> new SmtpLimits(100, 100, Duration.ofMinutes(1))).hasMessageContaining("maxReplyLineLength");
    assertThatThrownBy(() -> new SmtpLimits(2048, 1, Duration.ofMinutes(1))).hasMessageContaining("maxReplyLines");
    assertThatThrownBy(() -> SmtpLimits.DEFAULTS.withReplyTimeout(Duration.ZERO)).hasMessageContaining("replyTimeout");
    assertThat(List.of(SmtpLimits.DEFAULTS.maxReplyLineLength(), SmtpLimits.DEFAULTS.maxReplyLines()))
        .containsExactly(2048, 100);
  }
}
