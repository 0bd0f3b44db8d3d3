package org.dane4j.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.dane4j.testkit.MailWorld;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.smtp.SmtpTestServer;
import org.dane4j.tlsa.CertUsage;
import org.dane4j.tlsa.MatchingType;
import org.dane4j.tlsa.Selector;
import org.dane4j.tlsa.TlsaRecord;

/**
 * The servers side of {@link InFlightHeap}, run in its own JVM so that its memory (a thread, a TLS engine and a
 * copy of every message per session) is not counted in the client's heap. The signed DNS world of
 * {@link DeliveryBenchmark}: {@code dane.example.test} (MX on 127.0.0.2, {@code 3 1 1} TLSA) and
 * {@code opp.example.test} (MX on 127.0.0.3, no TLSA), both servers on one port.
 *
 * <p>Prints {@code WORLD <dns port> <smtp port> <trust anchor>}, then answers one line per command read from
 * standard input: {@code restart R V} (a fresh server for route R, {@code dane} or {@code opp}, holding its
 * replies to verb V, {@code -} for none), {@code held R}, {@code release R}, {@code messages R} (accepted so
 * far), {@code connections R}. Ends at end of input.
 */
public final class InFlightWorld {
  private static final String[] HOSTS = {"mx.dane.example.test", "mx.opp.example.test"};

  private InFlightWorld() {}

  /** Runs until standard input ends. */
  public static void main(String[] args) throws Exception {
    try (MailWorld mail = new MailWorld()) {
      Map<String, MintedCertificate> leaves = new HashMap<>();
      Map<String, SmtpTestServer> servers = new HashMap<>();
      int port = 0;
      for (int i = 0; i < 2; i++) {
        String route = i == 0 ? "dane" : "opp";
        leaves.put(route, mail.leaf(HOSTS[i]));
        SmtpTestServer s = start(leaves.get(route), i, port, null);
        port = s.port();
        servers.put(route, s);
        mail.zone().add(HOSTS[i] + ". 300 IN A 127.0.0." + (i + 2),
            route + ".example.test. 300 IN MX 10 " + HOSTS[i] + ".");
      }
      mail.zone().add("_" + port + "._tcp." + HOSTS[0] + ". 300 IN TLSA " + TlsaRecord.of(
          leaves.get("dane").certificate(), CertUsage.DANE_EE, Selector.SPKI, MatchingType.SHA2_256));
      System.out.println("WORLD " + mail.dns().address().getPort() + " " + port + " "
          + mail.world().trustAnchor().strip());
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] w = line.split(" ");
        SmtpTestServer s = servers.get(w[1]);
        String out = switch (w[0]) {
          case "restart" -> {
            s.close();
            int i = w[1].equals("dane") ? 0 : 1;
            servers.put(w[1], start(leaves.get(w[1]), i, port, w[2].equals("-") ? null : w[2]));
            yield "ok";
          }
          case "held" -> String.valueOf(s.heldCount());
          case "release" -> {
            s.releaseHeld();
            yield "ok";
          }
          case "messages" -> String.valueOf(s.messages().size());
          case "connections" -> String.valueOf(s.connectionCount());
          default -> "error: unknown command " + line;
        };
        System.out.println(out);
      }
      servers.values().forEach(SmtpTestServer::close);
    }
  }

  private static SmtpTestServer start(MintedCertificate leaf, int i, int port, String hold) {
    SmtpTestServer s = SmtpTestServer.builder().address(MailWorld.loopback(i + 2)).port(port).hostname(HOSTS[i])
        .certificate(leaf).idleTimeout(Duration.ofMinutes(10)).start();
    if (hold != null) {
      s.holdRepliesTo(hold);
    }
    return s;
  }
}
