package org.dane4j.benchmarks;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.dane4j.dns.DaneResolver;
import org.dane4j.smtp.DeliveryPlan;
import org.dane4j.smtp.DeliveryPlanner;
import org.dane4j.smtp.MxRoute;
import org.dane4j.smtp.TlsRequirement;
import org.dane4j.testkit.dns.DnsQuery;
import org.dane4j.testkit.dns.DnsTestServer;
import org.dane4j.testkit.dns.DnsWorld;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The DNS world every planner benchmark shares: a private DNSSEC-signed hierarchy ({@code .} &rarr;
 * {@code test.} &rarr; {@code example.test.}, one ECDSA P-256 key per zone) served by the testkit's
 * {@link DnsTestServer} on 127.0.0.1, with the DANE domain {@code example.test}: {@code MX 10
 * mx.example.test}, {@code mx.example.test A 127.0.0.1} (no AAAA: a secure NODATA), and {@code
 * _25._tcp.mx.example.test TLSA 3 1 1}. Everything runs on one fixed clock, so signatures stay valid and
 * cached answers never expire during a run.
 *
 * <p>Besides the validating path it offers the non-validating baseline: the same four client questions
 * sent with a plain dnsjava {@link SimpleResolver}, in the order and with the concurrency of the planner.
 */
final class DnsFixture implements AutoCloseable {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-06-01T12:00:00Z"), ZoneOffset.UTC);
  static final String DOMAIN = "example.test";
  static final String MX_HOST = "mx.example.test";
  static final String TLSA = "3 1 1 " + "ab".repeat(32);
  /** The four questions a plan of {@link #DOMAIN} asks (the client's questions, not the validator's). */
  static final List<String> CLIENT_QUESTIONS = List.of("example.test./MX", "mx.example.test./A",
      "mx.example.test./AAAA", "_25._tcp.mx.example.test./TLSA");

  final DnsWorld world = DnsWorld.create(CLOCK);
  final DnsTestServer server;
  /** Shared by the cold benchmarks: as many daemon threads as a {@code DaneResolver} makes by default. */
  final ExecutorService pool = Executors.newFixedThreadPool(
      Math.max(2, Runtime.getRuntime().availableProcessors()), daemonThreads());

  /** The relay holding every answer {@code rttMs} ms, or null for none. */
  final DelayProxy proxy;
  /** Where resolvers send their questions: the server, or the relay in front of it. */
  final InetSocketAddress upstream;

  DnsFixture() {
    this(0);
  }

  /** With {@code rttMs} &gt; 0, the resolvers reach the server through a {@link DelayProxy} of that delay. */
  DnsFixture(long rttMs) {
    world.zone("test.");
    world.zone("example.test.").add(
        "example.test. 300 IN MX 10 mx.example.test.",
        "mx.example.test. 300 IN A 127.0.0.1",
        "_25._tcp.mx.example.test. 300 IN TLSA " + TLSA);
    server = world.start();
    proxy = rttMs > 0 ? new DelayProxy(server.address(), rttMs) : null;
    upstream = proxy != null ? proxy.address() : server.address();
  }

  /**
   * A validating resolver from the world's private root, with the library's defaults otherwise (answer
   * cache on, 5 s timeout, 2 retries); {@code executor} null for the resolver's own thread pool.
   */
  DaneResolver resolver(Executor executor) {
    DaneResolver.Builder b = resolverBuilder();
    if (executor != null) {
      b.executor(executor);
    }
    return b.build();
  }

  /** The builder of {@link #resolver}: the server, the world's trust anchor and the fixed clock. */
  DaneResolver.Builder resolverBuilder() {
    return DaneResolver.builder().servers(upstream).trustAnchors(world.trustAnchor()).clock(CLOCK);
  }

  static DeliveryPlanner planner(DaneResolver resolver) {
    return DeliveryPlanner.builder(resolver).clock(CLOCK).build();
  }

  /** The plan must be the one measured: one DANE route to mx.example.test at 127.0.0.1 with one TLSA. */
  static DeliveryPlan checkPlan(DeliveryPlan plan) {
    if (plan == null || plan.failure().isPresent() || plan.routes().size() != 1) {
      throw new IllegalStateException("benchmark setup is broken: expected one route, got " + plan);
    }
    MxRoute r = plan.routes().get(0);
    if (r.requirement() != TlsRequirement.DANE || !r.mxSecure() || !MX_HOST.equals(r.mxHost())
        || r.tlsa().size() != 1 || r.addresses().size() != 1
        || !r.addresses().get(0).getHostAddress().equals("127.0.0.1")) {
      throw new IllegalStateException("benchmark setup is broken: expected one secure DANE route to "
          + MX_HOST + ", got " + plan);
    }
    return plan;
  }

  /** A new plain (non-validating) resolver for the server; {@code dnssecOk} sets EDNS0 DO, 1232 bytes. */
  SimpleResolver plain(boolean dnssecOk) {
    SimpleResolver r = new SimpleResolver(upstream);
    if (dnssecOk) {
      r.setEDNS(0, 1232, ExtendedFlags.DO, List.of());
    }
    return r;
  }

  /**
   * The planner's four client questions without validation, as the planner sends them: MX first; then A
   * and AAAA of the MX target concurrently; then TLSA of {@code _25._tcp.<target>}. Completes with the
   * four responses in that order.
   */
  CompletableFuture<List<Message>> plainLookups(SimpleResolver r) {
    return send(r, Name.fromConstantString(DOMAIN + "."), Type.MX).thenCompose(mx -> {
      Name target = ((MXRecord) mx.getSection(Section.ANSWER).get(0)).getTarget();
      CompletableFuture<Message> a = send(r, target, Type.A);
      CompletableFuture<Message> aaaa = send(r, target, Type.AAAA);
      return a.thenCombine(aaaa, List::of).thenCompose(addresses -> {
        Name owner = Name.fromConstantString("_25._tcp." + target);
        return send(r, owner, Type.TLSA).thenApply(tlsa -> List.of(mx, addresses.get(0), addresses.get(1),
            tlsa));
      });
    });
  }

  private CompletableFuture<Message> send(SimpleResolver r, Name name, int type) {
    return r.sendAsync(Message.newQuery(Record.newRecord(name, type, DClass.IN)), pool).toCompletableFuture();
  }

  /** The plain responses must be the data the planner works from: 1 MX, 1 A, NODATA AAAA, 1 TLSA. */
  static List<Message> checkPlain(List<Message> responses) {
    int[] expected = {Type.MX, 1, Type.A, 1, Type.AAAA, 0, Type.TLSA, 1};
    for (int i = 0; i < 4; i++) {
      Message m = responses.get(i);
      int type = expected[2 * i];
      long answers = m.getSection(Section.ANSWER).stream().filter(x -> x.getType() == type).count();
      if (m.getRcode() != Rcode.NOERROR || answers != expected[2 * i + 1]) {
        throw new IllegalStateException("benchmark setup is broken: plain " + Type.string(type) + " answer "
            + Rcode.string(m.getRcode()) + " with " + answers + " records:\n" + m);
      }
    }
    return responses;
  }

  /**
   * The questions the server received since its last reset, as {@code name/TYPE} (with {@code " over TCP"}
   * for TCP) &rarr; count.
   */
  Map<String, Integer> questions() {
    Map<String, Integer> out = new TreeMap<>();
    for (DnsQuery q : server.queries()) {
      out.merge(q.name() + "/" + Type.string(q.type()) + (q.tcp() ? " over TCP" : ""), 1, Integer::sum);
    }
    return out;
  }

  /** The client's questions must each have been sent exactly {@code times} times. */
  void checkClientQuestions(Map<String, Integer> seen, int times) {
    for (String q : CLIENT_QUESTIONS) {
      int n = seen.entrySet().stream().filter(e -> e.getKey().startsWith(q + " ") || e.getKey().equals(q))
          .mapToInt(Map.Entry::getValue).sum();
      if (n != times) {
        throw new IllegalStateException("expected " + q + " " + times + " time(s), the server saw " + n
            + ": " + seen);
      }
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
    if (proxy != null) {
      proxy.close();
    }
    server.close();
  }

  private static java.util.concurrent.ThreadFactory daemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "bench-dns-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
