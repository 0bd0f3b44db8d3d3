package org.dane4j.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.dane4j.dns.DaneResolver;
import org.dane4j.netty.DaneSmtpClient;
import org.dane4j.smtp.DeliveryReport;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.smtp.TlsVerdict;

/**
 * Heap per in-flight delivery of {@link DaneSmtpClient}: N deliveries are started to a server (in another
 * JVM, {@link InFlightWorld}) that holds every session at one point, by default before its reply to the end
 * of data (TLS established, the whole message sent, the client waiting for the final reply); once the server
 * counts N held sessions, this JVM's live heap and Netty's buffer memory are measured ({@link MemorySnapshot})
 * and compared with a baseline taken the same way just before, with the client built, DNS cached and nothing
 * in flight. The deliveries are started 25 at a time, each batch once the server has accepted the connections
 * of the last, because its accept backlog is 50. Then the server is released, every delivery must be DELIVERED with the expected verdict, and the
 * memory is measured once more (what stays after completion).
 *
 * <p>Arguments (all optional): {@code n=100,500,1000 sizes=10240,1048576 hold=. routes=dane,opp
 * worldXmx=6g}. Prints one line per run and the classes that grew most; exits non-zero on any failure.
 */
public final class InFlightHeap {
  private static final Duration HELD_WAIT = Duration.ofMinutes(3);
  private static final Duration DONE_WAIT = Duration.ofMinutes(3);
  private static final int BATCH = 25;

  private final BufferedReader worldOut;
  private final PrintWriter worldIn;

  private InFlightHeap(Process world) {
    worldOut = new BufferedReader(new InputStreamReader(world.getInputStream(), StandardCharsets.US_ASCII));
    worldIn = new PrintWriter(world.getOutputStream(), true, StandardCharsets.US_ASCII);
  }

  /** Runs the measurements given by the arguments. */
  public static void main(String[] args) throws Exception {
    int[] ns = {100, 500, 1000};
    int[] sizes = {10 * 1024, 1024 * 1024};
    String hold = ".";
    String[] routes = {"dane", "opp"};
    String worldXmx = "6g";
    for (String a : args) {
      String v = a.substring(a.indexOf('=') + 1);
      switch (a.substring(0, Math.max(0, a.indexOf('=')))) {
        case "n" -> ns = Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
        case "sizes" -> sizes = Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
        case "hold" -> hold = v;
        case "routes" -> routes = v.split(",");
        case "worldXmx" -> worldXmx = v;
        default -> throw new IllegalArgumentException("unknown argument " + a
            + " (n=, sizes=, hold=, routes=, worldXmx=)");
      }
    }
    Process world = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
        "-Xmx" + worldXmx, "-cp", System.getProperty("java.class.path"), InFlightWorld.class.getName())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      new InFlightHeap(world).run(ns, sizes, hold, routes);
    } finally {
      world.getOutputStream().close();
      if (!world.waitFor(10, TimeUnit.SECONDS)) {
        world.destroy();
      }
    }
  }

  private void run(int[] ns, int[] sizes, String hold, String[] routes) throws Exception {
    String[] w = worldOut.readLine().split(" ", 4);
    if (!w[0].equals("WORLD")) {
      throw new IllegalStateException("the world process said " + String.join(" ", w));
    }
    int smtpPort = Integer.parseInt(w[2]);
    int maxN = Arrays.stream(ns).max().orElse(1);
    try (DaneResolver resolver = DaneResolver.builder()
        .servers(new InetSocketAddress("127.0.0.1", Integer.parseInt(w[1]))).trustAnchors(w[3] + "\n")
        .maxTtl(Duration.ofHours(1)).build();
        DaneSmtpClient client = DaneSmtpClient.builder(resolver).ehloName("bench.example.org").mxPort(smtpPort)
            .maxConnectionsPerHost(Math.min(1000, maxN)).maxDeliveriesPerDomain(Math.min(10000, maxN))
            .dataTerminationTimeout(Duration.ofMinutes(5))
            // no idle connections kept (TLS-6 reuse off): connections left idle by the warm-up would sit in the
            // baseline and expire before the in-flight snapshot, hiding a connection's memory per delivery
            .idleConnectionTime(Duration.ZERO).build()) {
      System.out.printf("JDK %s, %s; default allocator %s; hold before the reply to \"%s\"%n",
          Runtime.version(), System.getProperty("java.vm.name"), MemorySnapshot.allocatorName(), hold);
      for (int size : sizes) {
        byte[] message = message(size);
        for (String route : routes) {
          warm(client, route, message);
        }
        for (String route : routes) {
          for (int n : ns) {
            measure(client, route, n, message, hold);
          }
        }
      }
    }
  }

  /** Delivers a few messages on a fresh server that holds nothing: JIT, pools and DNS cache warm. */
  private void warm(DaneSmtpClient client, String route, byte[] message) throws Exception {
    ask("restart " + route + " -");
    List<CompletableFuture<DeliveryReport>> sent = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      sent.add(send(client, route, message));
    }
    check(sent, route);
  }

  private void measure(DaneSmtpClient client, String route, int n, byte[] message, String hold)
      throws Exception {
    ask("restart " + route + " " + hold);
    MemorySnapshot baseline = MemorySnapshot.take();
    List<CompletableFuture<DeliveryReport>> sent = new ArrayList<>(n);
    long deadline = System.nanoTime() + HELD_WAIT.toNanos();
    while (sent.size() < n) { // in batches the server's accept backlog (50) can take
      for (int i = 0; i < BATCH && sent.size() < n; i++) {
        sent.add(send(client, route, message));
      }
      while (Integer.parseInt(ask("connections " + route)) < sent.size()) {
        if (System.nanoTime() > deadline) {
          ask("release " + route);
          throw new IllegalStateException(route + ", N=" + n + ": the server accepted only "
              + ask("connections " + route) + " of " + sent.size() + " connections in " + HELD_WAIT);
        }
        Thread.sleep(10);
      }
    }
    int held = Integer.parseInt(ask("held " + route));
    while (held < n) {
      long done = sent.stream().filter(CompletableFuture::isDone).count();
      if (System.nanoTime() > deadline || done > 0) {
        ask("release " + route);
        throw new IllegalStateException(route + ", N=" + n + ": only " + held + " sessions held after "
            + HELD_WAIT + " (" + done + " deliveries already ended, " + ask("connections " + route)
            + " connections accepted)");
      }
      Thread.sleep(50);
      held = Integer.parseInt(ask("held " + route));
    }
    MemorySnapshot inFlight = MemorySnapshot.take();
    if (held != n || sent.stream().anyMatch(CompletableFuture::isDone)) {
      throw new IllegalStateException(route + ", N=" + n + ": " + held + " held, or a delivery ended early");
    }
    ask("release " + route);
    check(sent, route);
    int messages = Integer.parseInt(ask("messages " + route));
    if (messages != n) {
      throw new IllegalStateException(route + ", N=" + n + ": the server accepted " + messages + " messages");
    }
    sent = null; // the caller lets go of the futures
    MemorySnapshot after = MemorySnapshot.take();
    System.out.printf("%-4s N=%4d message=%7d B | baseline %s | in flight %s | per delivery %s | after "
        + "completion, above baseline: heap %+d B, off-heap %+d B%n", route, n, message.length, baseline, inFlight,
        inFlight.perDelivery(baseline, n), after.heapLive - baseline.heapLive,
        after.offHeap() - baseline.offHeap());
    System.out.println("  largest growth per delivery: " + inFlight.topGrowth(baseline, n, 8));
  }

  private static CompletableFuture<DeliveryReport> send(DaneSmtpClient client, String route, byte[] message) {
    return client.send("a@example.org", List.of("b@" + route + ".example.test"), message);
  }

  private static void check(List<CompletableFuture<DeliveryReport>> sent, String route) throws Exception {
    TlsVerdict verdict = route.equals("dane") ? TlsVerdict.VERIFIED : TlsVerdict.OPPORTUNISTIC;
    for (CompletableFuture<DeliveryReport> f : sent) {
      RecipientResult r = f.get(DONE_WAIT.toSeconds(), TimeUnit.SECONDS).results().get(0);
      if (r.status() != RecipientResult.Status.DELIVERED || r.deliveredBy().orElseThrow().verdict() != verdict) {
        throw new IllegalStateException("expected DELIVERED with " + verdict + ", got " + r);
      }
    }
  }

  private String ask(String command) throws Exception {
    worldIn.println(command);
    String reply = worldOut.readLine();
    if (reply == null || reply.startsWith("error")) {
      throw new IllegalStateException("the world process answered " + reply + " to " + command);
    }
    return reply;
  }

  /** An RFC 5322 message of exactly {@code size} bytes: headers, then lines of 76 letters and CRLF. */
  static byte[] message(int size) {
    StringBuilder m = new StringBuilder("From: a@example.org\r\nTo: b@example.test\r\nSubject: in flight\r\n\r\n");
    String line = "abcdefghijklmnopqrstuvwxyz".repeat(3).substring(0, 76) + "\r\n";
    while (m.length() < size) {
      m.append(line);
    }
    m.setLength(size - 2);
    return m.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
  }
}
