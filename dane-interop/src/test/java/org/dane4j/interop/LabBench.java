package org.dane4j.interop;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.dane4j.dns.DaneResolver;
import org.dane4j.jakartamail.DaneMailer;
import org.dane4j.netty.DaneSmtpClient;
import org.dane4j.smtp.DeliveryReport;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.smtp.TlsVerdict;

/**
 * The Java side of {@code interop/bench.sh}: one dane4j sender delivering to the lab's receiving Postfix.
 * Not a test: a main class in the test sources, so that it runs on the lab with the module's class path.
 *
 * <pre>
 * java -cp ... org.dane4j.interop.LabBench sender=client|mailer tls=jdk|openssl reuse=true|false
 *      domain=ee.sec.test n=2000 warmup=300 mode=throughput|latency samples=20 cold=5 restart='command'
 *      [threads=N] [conns=N] [receiver=PID] resolver=ad|validating label=text
 * </pre>
 *
 * <p>{@code throughput}: after {@code warmup} messages (not measured) all {@code n} messages are handed to the
 * sender at once; it prints the wall time until the last report and this process's CPU time in that window
 * ({@code utime + stime} of {@code /proc/self/stat}, every thread of the JVM), and with {@code receiver} (the
 * receiving Postfix's master) that instance's CPU in the same window, counted as {@code bench.sh} counts a
 * Postfix instance's. {@code latency}: {@code samples}
 * messages one after the other on a warm client with a new connection each (warm), then {@code cold} times a
 * new resolver and client after running {@code restart} (the script restarts unbound): the time from
 * {@code send} to the report; the JVM stays warm. Every message must be delivered with verdict VERIFIED, or
 * it exits 1. Output: one {@code RESULT key=value ...} line per measurement.
 */
public final class LabBench {
  private static final String FROM = "bench@client.interop.test";
  private final Map<String, String> args;
  private final Lab lab;
  private final String body;
  private int seq;

  private LabBench(Map<String, String> args, Lab lab) {
    this.args = args;
    this.lab = lab;
    StringBuilder b = new StringBuilder();
    String line = "The quick brown fox jumps over the lazy dog, DANE benchmark filler text 0123456789.";
    while (b.length() < 1900) {
      b.append(line, 0, 76).append("\r\n");
    }
    this.body = b.toString();
  }

  /** Entry point; arguments are {@code key=value}. */
  public static void main(String[] argv) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (String s : argv) {
      int i = s.indexOf('=');
      if (i < 1) {
        throw new IllegalArgumentException("arguments are key=value, got " + s);
      }
      a.put(s.substring(0, i), s.substring(i + 1));
    }
    Path dir = Path.of(a.getOrDefault("labdir", "/tmp/dane4j-interop"));
    LabBench bench = new LabBench(a, Lab.at(dir));
    int rc = "latency".equals(a.getOrDefault("mode", "throughput")) ? bench.latency() : bench.throughput();
    System.exit(rc);
  }

  private String arg(String k, String d) {
    return args.getOrDefault(k, d);
  }

  private boolean mailer() {
    return "mailer".equals(arg("sender", "client"));
  }

  private String domain() {
    return arg("domain", "ee.sec.test");
  }

  private DaneResolver resolver() {
    DaneResolver.Builder r = DaneResolver.builder().servers(lab.unbound()).timeout(Duration.ofSeconds(3)).retries(1);
    return "validating".equals(arg("resolver", "ad")) ? r.trustAnchors(lab.trustAnchor()).build()
        : r.trustAd().build();
  }

  /** A sender: sends one message to one recipient and returns that recipient's result. */
  private interface Sender extends AutoCloseable {
    CompletableFuture<RecipientResult> send(String rcpt);

    @Override
    void close();
  }

  private Sender sender(DaneResolver resolver, boolean reuse) {
    if (mailer()) {
      DaneMailer.Builder b = DaneMailer.builder().ehloName("client.interop.test").resolver(resolver).mxPort(25)
          .connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(30))
          .planTimeout(Duration.ofSeconds(30));
      if (args.containsKey("threads")) {
        b.threads(Integer.parseInt(args.get("threads")));
      }
      DaneMailer m = b.build();
      return new Sender() {
        @Override
        public CompletableFuture<RecipientResult> send(String rcpt) {
          try {
            return m.sendAsync(mime(rcpt)).thenApply(r -> r.of(rcpt));
          } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
          }
        }

        @Override
        public void close() {
          m.close();
        }
      };
    }
    DaneSmtpClient.Builder b = DaneSmtpClient.builder(resolver).ehloName("client.interop.test").mxPort(25)
        .connectTimeout(Duration.ofSeconds(5)).commandTimeout(Duration.ofSeconds(30))
        .sslProvider("openssl".equals(arg("tls", "jdk")) ? SslProvider.OPENSSL : SslProvider.JDK);
    if (!reuse) {
      b.idleConnectionTime(Duration.ZERO);
    }
    if (args.containsKey("threads")) {
      b.threads(Integer.parseInt(args.get("threads")));
    }
    if (args.containsKey("conns")) {
      b.maxConnectionsPerHost(Integer.parseInt(args.get("conns")));
    }
    DaneSmtpClient c = b.build();
    return new Sender() {
      @Override
      public CompletableFuture<RecipientResult> send(String rcpt) {
        return c.send(FROM, List.of(rcpt), bytes(rcpt)).thenApply((DeliveryReport r) -> r.of(rcpt));
      }

      @Override
      public void close() {
        c.close();
      }
    };
  }

  private String nextRcpt() {
    return "r" + (seq++) + "@" + domain();
  }

  private MimeMessage mime(String rcpt) throws Exception {
    MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
    m.setFrom(new InternetAddress(FROM));
    m.setRecipient(Message.RecipientType.TO, new InternetAddress(rcpt));
    m.setSubject("bench " + rcpt);
    m.setText(body, "us-ascii");
    m.setHeader("Content-Transfer-Encoding", "7bit");
    return m;
  }

  private byte[] bytes(String rcpt) {
    String m = "From: <" + FROM + ">\r\nTo: <" + rcpt + ">\r\nSubject: bench " + rcpt
        + "\r\nMessage-ID: <" + rcpt.replace('@', '.') + "." + System.nanoTime() + "@client.interop.test>"
        + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n"
        + "Content-Transfer-Encoding: 7bit\r\n\r\n" + body;
    return m.getBytes(StandardCharsets.US_ASCII);
  }

  private static void check(RecipientResult r) {
    if (r.status() != RecipientResult.Status.DELIVERED
        || r.deliveredBy().orElseThrow().verdict() != TlsVerdict.VERIFIED) {
      throw new IllegalStateException("not delivered verified: " + r);
    }
  }

  /** Sends {@code n} messages at once and waits for all; returns the number not delivered verified. */
  private int batch(Sender s, int n) throws Exception {
    List<CompletableFuture<RecipientResult>> all = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      all.add(s.send(nextRcpt()));
    }
    int bad = 0;
    for (CompletableFuture<RecipientResult> f : all) {
      try {
        check(f.get(10, TimeUnit.MINUTES));
      } catch (Exception e) {
        if (bad++ < 3) {
          System.err.println("LabBench: " + e);
        }
      }
    }
    return bad;
  }

  private int throughput() throws Exception {
    int n = Integer.parseInt(arg("n", "2000"));
    int warmup = Integer.parseInt(arg("warmup", "300"));
    boolean reuse = Boolean.parseBoolean(arg("reuse", "false"));
    if ("openssl".equals(arg("tls", "jdk")) && !OpenSsl.isAvailable()) {
      System.err.println("LabBench: OpenSSL (netty-tcnative) is not available: " + OpenSsl.unavailabilityCause());
      return 2;
    }
    try (DaneResolver resolver = resolver(); Sender s = sender(resolver, reuse)) {
      int bad = batch(s, warmup);
      if (bad > 0) {
        System.err.println("LabBench: " + bad + " warm-up messages not delivered verified");
        return 1;
      }
      long receiver = Long.parseLong(arg("receiver", "0"));
      long cpu0 = cpuTicks();
      long r0 = receiver > 0 ? instanceTicks(receiver) : 0;
      long t0 = System.nanoTime();
      bad = batch(s, n);
      long t1 = System.nanoTime();
      long cpu1 = cpuTicks();
      long r1 = receiver > 0 ? instanceTicks(receiver) : 0;
      double secs = (t1 - t0) / 1e9;
      double cpuMs = (cpu1 - cpu0) * 1000.0 / clkTck();
      System.out.printf(Locale.ROOT, "RESULT label=%s domain=%s n=%d seconds=%.3f msgs_per_s=%.1f cpu_ms=%.0f "
          + "cpu_ms_per_msg=%.3f failed=%d%s%n", arg("label", "?"), domain(), n, secs, n / secs, cpuMs, cpuMs / n, bad,
          receiver > 0 ? String.format(Locale.ROOT, " receiver_cpu_ms_per_msg=%.3f", (r1 - r0) * 1000.0 / clkTck() / n)
              : "");
      return bad == 0 ? 0 : 1;
    }
  }

  private int latency() throws Exception {
    int samples = Integer.parseInt(arg("samples", "20"));
    int cold = Integer.parseInt(arg("cold", "5"));
    int warmup = Integer.parseInt(arg("warmup", "300"));
    String restart = arg("restart", "");
    double[] warm = new double[samples];
    try (DaneResolver resolver = resolver(); Sender s = sender(resolver, false)) {
      if (batch(s, warmup) > 0) {
        return 1;
      }
      for (int i = 0; i < samples; i++) {
        warm[i] = timed(s);
      }
    }
    double[] coldMs = new double[cold];
    for (int i = 0; i < cold; i++) {
      if (!restart.isEmpty()) {
        Process p = new ProcessBuilder("sh", "-c", restart).inheritIO().start();
        if (p.waitFor() != 0) {
          System.err.println("LabBench: restart command failed: " + restart);
          return 1;
        }
      }
      try (DaneResolver resolver = resolver(); Sender s = sender(resolver, false)) {
        coldMs[i] = timed(s);
      }
    }
    System.out.printf(Locale.ROOT, "RESULT label=%s domain=%s warm_ms=%.1f cold_ms=%.1f warm_all=%s cold_all=%s%n",
        arg("label", "?"), domain(), median(warm), median(coldMs), list(warm), list(coldMs));
    return 0;
  }

  private double timed(Sender s) throws Exception {
    String rcpt = nextRcpt();
    long t0 = System.nanoTime();
    RecipientResult r = s.send(rcpt).get(2, TimeUnit.MINUTES);
    long t1 = System.nanoTime();
    check(r);
    return (t1 - t0) / 1e6;
  }

  private static String list(double[] v) {
    StringBuilder b = new StringBuilder();
    for (double d : v) {
      b.append(b.length() == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.1f", d));
    }
    return b.toString();
  }

  static double median(double[] v) {
    if (v.length == 0) {
      return Double.NaN;
    }
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /** utime + stime of this process (every thread), in clock ticks, from {@code /proc/self/stat}. */
  private static long cpuTicks() throws IOException {
    String stat = Files.readString(Path.of("/proc/self/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of proc(5)
  }

  /**
   * CPU ticks of a Postfix instance: its master (utime + stime, and cutime + cstime for the children it reaped)
   * and the utime + stime of its live children, as {@code bench.sh}'s {@code pf_cpu} counts them.
   */
  private static long instanceTicks(long master) throws IOException {
    long sum = 0;
    try (java.util.stream.Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        String[] f;
        try {
          String stat = Files.readString(p.resolve("stat"));
          f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        } catch (IOException gone) {
          continue; // exited meanwhile: its time is in the master's cutime once reaped
        }
        long pid = Long.parseLong(name);
        if (pid == master) {
          sum += Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
        } else if (Long.parseLong(f[1]) == master) { // field 4 of proc(5): the parent
          sum += Long.parseLong(f[11]) + Long.parseLong(f[12]);
        }
      }
    }
    return sum;
  }

  private long clkTck() {
    return Long.parseLong(arg("clktck", "100"));
  }
}
