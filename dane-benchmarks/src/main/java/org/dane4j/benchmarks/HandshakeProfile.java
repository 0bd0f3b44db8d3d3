package org.dane4j.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dane4j.dns.DaneResolver;
import org.dane4j.netty.DaneSmtpClient;
import org.dane4j.smtp.DeliveryReport;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.smtp.TlsVerdict;
import org.dane4j.testkit.MailWorld;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.tlsa.CertUsage;
import org.dane4j.tlsa.MatchingType;
import org.dane4j.tlsa.Selector;
import org.dane4j.tlsa.TlsaRecord;

/**
 * A handshake per message, for profiling (issue #17): {@code n} messages, one after the other, through
 * {@link DaneSmtpClient} with {@code idleConnectionTime(0)} (a new connection, STARTTLS and TLS handshake per
 * message, JDK TLS unless netty-tcnative is on the class path) to a loopback testkit server authenticated by
 * {@code 3 1 1}, DNS cached. Prints the wall time and the CPU time of the client's Java threads (every live
 * thread except the testkit server's) per message. Run it under JFR to see where the client's time goes:
 *
 * <pre>
 * java -XX:StartFlightRecording=filename=/tmp/hs.jfr,settings=profile -cp benchmarks.jar \
 *     org.dane4j.benchmarks.HandshakeProfile n=3000 warmup=1500
 * </pre>
 *
 * <p>Arguments: {@code n} (default 2000), {@code warmup} (default 1000, not measured), {@code rounds}
 * (default 1), {@code domain} ({@code dane} or {@code opp}), {@code reuse} ({@code false}; {@code true} keeps the
 * connection open between messages, so that the profile shows the per-message cost of a reused session),
 * {@code tls} ({@code default}: Netty's choice; {@code jdk}; {@code openssl}: needs netty-tcnative on the class
 * path, e.g. {@code -cp benchmarks.jar:netty-tcnative-classes.jar:netty-tcnative-boringssl-static-linux-x86_64.jar}).
 */
public final class HandshakeProfile {
  private HandshakeProfile() {}

  /** Runs the profile; see the class comment for the arguments. */
  public static void main(String[] args) {
    Map<String, String> opts = new HashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      opts.put(a.substring(0, eq), a.substring(eq + 1));
    }
    int n = Integer.parseInt(opts.getOrDefault("n", "2000"));
    int warmup = Integer.parseInt(opts.getOrDefault("warmup", "1000"));
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "1"));
    String domain = opts.getOrDefault("domain", "dane");
    boolean reuse = Boolean.parseBoolean(opts.getOrDefault("reuse", "false"));
    String tls = opts.getOrDefault("tls", "default");
    byte[] message = ("From: a@example.org\r\nTo: b@" + domain + ".example.test\r\nSubject: bench\r\n\r\n"
        + "hello\r\n").getBytes(StandardCharsets.US_ASCII);
    try (MailWorld mail = new MailWorld()) {
      MintedCertificate daneLeaf = mail.leaf("mx.dane.example.test");
      mail.mx("mx.dane.example.test", 2, daneLeaf);
      mail.mx("mx.opp.example.test", 3, mail.leaf("mx.opp.example.test"));
      mail.zone().add("dane.example.test. 300 IN MX 10 mx.dane.example.test.",
          "opp.example.test. 300 IN MX 10 mx.opp.example.test.");
      mail.tlsa("mx.dane.example.test",
          TlsaRecord.of(daneLeaf.certificate(), CertUsage.DANE_EE, Selector.SPKI, MatchingType.SHA2_256).toString());
      try (DaneResolver resolver = DaneResolver.builder().servers(mail.dns().address())
          .trustAnchors(mail.world().trustAnchor()).maxTtl(Duration.ofHours(1)).build();
          DaneSmtpClient client = tls(DaneSmtpClient.builder(resolver), tls).ehloName("bench.example.org")
              .mxPort(mail.port()).idleConnectionTime(reuse ? Duration.ofMinutes(1) : Duration.ZERO).build()) {
        TlsVerdict expected = domain.equals("dane") ? TlsVerdict.VERIFIED : TlsVerdict.OPPORTUNISTIC;
        String rcpt = "b@" + domain + ".example.test";
        for (int i = 0; i < warmup; i++) {
          check(client.send("a@example.org", List.of(rcpt), message).join(), expected);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int r = 0; r < rounds; r++) {
          long cpu0 = clientCpu(threads);
          long t0 = System.nanoTime();
          for (int i = 0; i < n; i++) {
            check(client.send("a@example.org", List.of(rcpt), message).join(), expected);
          }
          long wall = System.nanoTime() - t0;
          long cpu = clientCpu(threads) - cpu0;
          System.out.printf(Locale.ROOT, "RESULT domain=%s reuse=%s tls=%s n=%d wall_ms_per_msg=%.3f client_cpu_ms_per_msg=%.3f%n",
              domain, reuse, tls, n, wall / 1e6 / n, cpu / 1e6 / n);
        }
      }
    }
  }

  private static DaneSmtpClient.Builder tls(DaneSmtpClient.Builder b, String tls) {
    return switch (tls) {
      case "default" -> b;
      case "jdk" -> b.sslProvider(io.netty.handler.ssl.SslProvider.JDK);
      case "openssl" -> b.sslProvider(io.netty.handler.ssl.SslProvider.OPENSSL);
      default -> throw new IllegalArgumentException("tls must be default, jdk or openssl, got " + tls);
    };
  }

  private static long clientCpu(ThreadMXBean threads) {
    long sum = 0;
    for (long id : threads.getAllThreadIds()) {
      java.lang.management.ThreadInfo info = threads.getThreadInfo(id);
      if (info != null && !info.getThreadName().startsWith("smtp-test-server")) {
        long t = threads.getThreadCpuTime(id);
        sum += Math.max(0, t);
      }
    }
    return sum;
  }

  private static void check(DeliveryReport report, TlsVerdict verdict) {
    RecipientResult r = report.results().get(0);
    if (r.status() != RecipientResult.Status.DELIVERED || r.deliveredBy().orElseThrow().verdict() != verdict) {
      throw new IllegalStateException("expected " + verdict + ", got " + r);
    }
  }
}
