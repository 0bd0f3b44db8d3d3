package org.dane4j.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dane4j.netty.NettyLab.message;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.smtp.RecipientResult.Status;
import org.dane4j.smtp.TlsVerdict;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TLS-6 / RFC 5321 §4.5.3.2: a pooled connection the server dropped while idle is detected before anything
 * of the next message is accepted, and the message goes over a new connection, exactly once.
 */
class StaleConnectionTest {
  /** A cleartext SMTP server that drops its first connection at the first {@code dropAt} after a message. */
  private static final class DroppingServer implements AutoCloseable {
    final ServerSocket socket;
    final List<String> transcript = new CopyOnWriteArrayList<>();
    final Thread thread;
    final java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();

    DroppingServer(String dropAt) throws IOException {
      socket = new ServerSocket(0, 10, NettyLab.loopback(9));
      thread = new Thread(() -> {
        try {
          while (true) {
            try (Socket s = socket.accept()) {
              serve(s, connections.incrementAndGet(), dropAt);
            }
          }
        } catch (IOException closed) {
          // the test is over
        }
      }, "dropping-smtp");
      thread.setDaemon(true);
      thread.start();
    }

    private void serve(Socket s, int id, String dropAt) throws IOException {
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = s.getOutputStream();
      reply(out, "220 mx.stale.example.test ESMTP");
      boolean delivered = false;
      for (String line; (line = in.readLine()) != null; ) {
        String verb = line.split(" ", 2)[0].toUpperCase(java.util.Locale.ROOT);
        transcript.add(id + " " + line);
        if (id == 1 && delivered && verb.equals(dropAt)) {
          return; // the idle connection is gone: no reply, just a close
        }
        switch (verb) {
          case "EHLO" -> reply(out, "250-mx.stale.example.test\r\n250 8BITMIME");
          case "DATA" -> {
            reply(out, "354 go ahead");
            for (String body; (body = in.readLine()) != null && !body.equals("."); ) {
              transcript.add(id + " | " + body);
            }
            delivered = true;
            reply(out, "250 queued");
          }
          case "QUIT" -> {
            reply(out, "221 bye");
            return;
          }
          default -> reply(out, "250 ok");
        }
      }
    }

    private static void reply(OutputStream out, String text) throws IOException {
      out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @ParameterizedTest(name = "dropped at {0}")
  @ValueSource(strings = {"RSET", "MAIL"})
  void droppedIdleConnectionReplaced(String dropAt) throws Exception {
    try (NettyLab lab = new NettyLab(); DroppingServer server = new DroppingServer(dropAt)) {
      lab.zone().add("stale.example.test. 300 IN MX 10 mx.stale.example.test.");
      lab.zone().add("mx.stale.example.test. 300 IN A 127.0.0.9");
      try (DaneSmtpClient client = DaneSmtpClient.builder(lab.resolver()).ehloName("sender.example.org")
          .mxPort(server.socket.getLocalPort()).commandTimeout(Duration.ofSeconds(5))
          .idleConnectionTime(Duration.ofSeconds(30)).build()) {
        List<RecipientResult> results = new java.util.ArrayList<>();
        for (String rcpt : List.of("bob@stale.example.test", "carol@stale.example.test")) {
          results.add(client.send("alice@example.org", List.of(rcpt), message(rcpt)).get(30, TimeUnit.SECONDS)
              .of(rcpt));
        }
        assertThat(results).allSatisfy(r -> {
          assertThat(r.status()).as("%s", r).isEqualTo(Status.DELIVERED);
          assertThat(r.attempts()).singleElement()
              .satisfies(a -> assertThat(a.verdict()).isEqualTo(TlsVerdict.CLEARTEXT));
        });
        assertThat(client.pool().reuses()).isEqualTo(1);
      }
      assertThat(server.connections).hasValue(2);
      assertThat(server.transcript).filteredOn(l -> l.endsWith(" DATA")).containsExactly("1 DATA", "2 DATA");
      assertThat(server.transcript).filteredOn(l -> l.contains("RCPT TO:<carol")).containsExactly(
          "2 RCPT TO:<carol@stale.example.test>");
    }
  }
}
