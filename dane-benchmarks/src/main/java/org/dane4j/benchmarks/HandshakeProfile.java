package org.dane4j.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.dane4j.jakartamail.DaneMailer;
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
 * {@code inflight} (default 1: one send at a time; {@code N} keeps N sends outstanding, as the lab's batch
 * does, so that the queues of the client and the engine's per-message work under load show up; the client keeps
 * its default {@code maxConnectionsPerHost}), {@code sender} ({@code client}, {@link DaneSmtpClient}; or
 * {@code mailer}, {@link DaneMailer} from dane-jakartamail with a {@link MimeMessage} built per message as an
 * application does, a handshake per message, {@code reuse} does not apply), {@code body} (default 0: a
 * one-line body; N: a body of about N bytes in 76-character lines, the lab's messages are about 2,000),
 * {@code tls} ({@code default}: Netty's choice; {@code jdk}; {@code openssl}: needs netty-tcnative on the class
 * path, e.g. {@code -cp benchmarks.jar:netty-tcnative-classes.jar:netty-tcnative-boringssl-static-linux-x86_64.jar}).
 */
public final class HandshakeProfile {
  private HandshakeProfile() {}

  /** Runs the profile; see the class comment for the arguments. */
  public static void main(String[] args) {
    Map<String, String> opts = ProfileArgs.parse(args);
    int n = Integer.parseInt(opts.getOrDefault("n", "2000"));
    int warmup = Integer.parseInt(opts.getOrDefault("warmup", "1000"));
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "1"));
    String domain = opts.getOrDefault("domain", "dane");
    boolean reuse = Boolean.parseBoolean(opts.getOrDefault("reuse", "false"));
    int inflight = Integer.parseInt(opts.getOrDefault("inflight", "1"));
    boolean mailer = opts.getOrDefault("sender", "client").equals("mailer");
    String body = body(Integer.parseInt(opts.getOrDefault("body", "0")));
    String tls = opts.getOrDefault("tls", "default");
    byte[] message = ("From: a@example.org\r\nTo: b@" + domain + ".example.test\r\nSubject: bench\r\n\r\n"
        + body).getBytes(StandardCharsets.US_ASCII);
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
          Sender sender = mailer ? mailer(resolver, mail.port(), body)
              : client(resolver, mail.port(), reuse, message, tls)) {
        TlsVerdict expected = domain.equals("dane") ? TlsVerdict.VERIFIED : TlsVerdict.OPPORTUNISTIC;
        String rcpt = "b@" + domain + ".example.test";
        run(sender, rcpt, warmup, inflight, expected);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (int r = 0; r < rounds; r++) {
          int hs0 = handshakes(mail);
          long cpu0 = clientCpu(threads);
          long proc0 = os.getProcessCpuTime();
          long t0 = System.nanoTime();
          run(sender, rcpt, n, inflight, expected);
          long wall = System.nanoTime() - t0;
          long cpu = clientCpu(threads) - cpu0;
          long proc = os.getProcessCpuTime() - proc0;
          System.out.printf(Locale.ROOT, "RESULT sender=%s tls=%s domain=%s reuse=%s inflight=%d body=%d n=%d"
              + " wall_ms_per_msg=%.3f client_cpu_ms_per_msg=%.3f process_cpu_ms_per_msg=%.3f handshakes=%d%n",
              mailer ? "mailer" : "client", tls, domain, reuse, inflight, body.length(), n, wall / 1e6 / n,
              cpu / 1e6 / n, proc / 1e6 / n, handshakes(mail) - hs0);
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** One way of sending a message to one recipient. */
  private interface Sender extends AutoCloseable {
    CompletableFuture<DeliveryReport> send(String rcpt) throws Exception;

    @Override
    void close();
  }

  private static Sender client(DaneResolver resolver, int port, boolean reuse, byte[] message, String tls) {
    DaneSmtpClient client = tls(DaneSmtpClient.builder(resolver), tls).ehloName("bench.example.org").mxPort(port)
        .idleConnectionTime(reuse ? Duration.ofMinutes(1) : Duration.ZERO).build();
    return new Sender() {
      @Override
      public CompletableFuture<DeliveryReport> send(String rcpt) {
        return client.send("a@example.org", List.of(rcpt), message);
      }

      @Override
      public void close() {
        client.close();
      }
    };
  }

  private static Sender mailer(DaneResolver resolver, int port, String body) {
    DaneMailer mailer = DaneMailer.builder().ehloName("bench.example.org").resolver(resolver).mxPort(port).build();
    Session session = Session.getInstance(new Properties());
    return new Sender() {
      @Override
      public CompletableFuture<DeliveryReport> send(String rcpt) throws Exception {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("a@example.org"));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress(rcpt));
        m.setSubject("bench");
        m.setText(body, "us-ascii");
        m.setHeader("Content-Transfer-Encoding", "7bit");
        return mailer.sendAsync(m);
      }

      @Override
      public void close() {
        mailer.close();
      }
    };
  }

  /** Sends {@code n} messages keeping at most {@code inflight} outstanding; checks each. */
  private static void run(Sender sender, String rcpt, int n, int inflight, TlsVerdict expected) throws Exception {
    ArrayDeque<CompletableFuture<DeliveryReport>> outstanding = new ArrayDeque<>();
    for (int i = 0; i < n; i++) {
      if (outstanding.size() >= inflight) {
        check(outstanding.poll().join(), expected);
      }
      outstanding.add(sender.send(rcpt));
    }
    while (!outstanding.isEmpty()) {
      check(outstanding.poll().join(), expected);
    }
  }

  private static String body(int size) {
    if (size <= 0) {
      return "hello\r\n";
    }
    String line = "The quick brown fox jumps over the lazy dog. 0123456789 abcdefghijklmnopqrstuvwxyz";
    StringBuilder b = new StringBuilder();
    while (b.length() < size) {
      b.append(line, 0, 76).append("\r\n");
    }
    return b.toString();
  }

  private static int handshakes(MailWorld mail) {
    return mail.servers().stream().mapToInt(s -> s.handshakesCompleted()).sum();
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
