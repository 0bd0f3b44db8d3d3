package org.dane4j.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.dane4j.dns.DaneResolver;
import org.dane4j.smtp.DeliveryPlan;
import org.dane4j.smtp.DeliveryPlanner;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.xbill.DNS.Message;
import org.xbill.DNS.SimpleResolver;

/**
 * The RFC 7672 §2 delivery planner over DNS, against the testkit's signed world on loopback
 * ({@link DnsFixture}: {@code example.test MX 10 mx.example.test}, A, TLSA 3 1 1, all secure).
 *
 * <ul>
 *   <li>{@code warmPlan}: {@code planner.plan("example.test").join()} with every answer in the resolver's
 *       cache (fixed clock: nothing expires); the server must see no query during the whole trial.</li>
 *   <li>{@code coldPlan}: the same on a new {@link DaneResolver} per call (empty answer cache, empty
 *       dnsjava key cache), so the validator also fetches DNSKEY and DS from the private root down.
 *       {@code executor=shared}: the resolver runs on a thread pool that outlives it (the threads exist
 *       already, as for a long-lived resolver whose cache is cold); {@code executor=own}: the resolver's
 *       default pool, created with it and shut down by {@code close()}, so thread start-up is included.</li>
 *   <li>{@code coldPlain}: the baseline, the planner's four client questions without validation, a new
 *       dnsjava {@link SimpleResolver} per call: MX, then A and AAAA concurrently, then TLSA, as the
 *       planner sends them. {@code dnssecOk=false}: dnsjava's default query; {@code true}: EDNS0 with the
 *       DO bit and 1232 bytes, as the validating resolver queries (answers carry their RRSIGs and NSECs, but
 *       nothing is validated).</li>
 *   <li>{@code keysCachedPlan}: one resolver for the trial with its answer cache off: the four client
 *       questions are sent and their answers validated on every call, but the DNSKEYs of the chain of trust
 *       ({@code .}, {@code test.}, {@code example.test.}) stay in dnsjava's key cache: the validation of
 *       the answers alone, as a long-lived resolver pays it for names in zones whose keys it holds.</li>
 *   <li>{@code coalesce1000}: 1,000 concurrent plans of the same domain on one new resolver (cold caches,
 *       shared pool); the counters show how many questions the server saw for the 1,000 plans.</li>
 * </ul>
 *
 * <p>The cold benchmarks need a fresh resolver for every call, hence {@code Level.Invocation} fixtures:
 * building the resolver (trust anchor parsing) happens before the timer starts, closing it after it stops.
 * JMH warns that per-invocation fixtures distort operations shorter than about a millisecond (timestamps,
 * and the fixture's own cache effects); these operations are several milliseconds of network round trips
 * and signature checks, so the distortion is small. The {@code dnsQueries} and {@code ops} auxiliary
 * counters (sums over the measurement iterations) give the questions the server received per call; the
 * fixtures also check every call's count and outcome, so a broken run fails instead of producing numbers.
 *
 * <p>Iterations: {@code warmPlan} 5 &times; 1 s warm-up and measurement like the other benchmarks (it is
 * compiled after about 3 s). The cold validated cases make only 30 to 100 calls a second, and their time was
 * still falling after 5 warm-up seconds, so they warm up 20 &times; 1 s and measure 10 &times; 1 s;
 * {@code coldPlain} 10 + 10.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PlannerBenchmark {
  static final int CONCURRENT_PLANS = 1000;

  /** Every answer cached; the resolver's default (own) thread pool and cache. */
  @State(Scope.Benchmark)
  public static class Warm {
    DnsFixture f;
    DaneResolver resolver;
    DeliveryPlanner planner;

    @Setup(Level.Trial)
    public void setUp() {
      f = new DnsFixture();
      resolver = f.resolver(null);
      planner = DnsFixture.planner(resolver);
      DnsFixture.checkPlan(planner.plan(DnsFixture.DOMAIN).join()); // fills the cache
      f.server.resetCounters();
      DnsFixture.checkPlan(planner.plan(DnsFixture.DOMAIN).join());
      if (f.server.queryCount() != 0) {
        throw new IllegalStateException("benchmark setup is broken: a warm plan sent " + f.questions());
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      Map<String, Integer> sent = f.questions();
      resolver.close();
      f.close();
      if (!sent.isEmpty()) {
        throw new IllegalStateException("warm plans were not all answered from the cache: " + sent);
      }
    }
  }

  /** Questions the server received, summed over an iteration; {@code ops}: calls measured. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Queries {
    public long dnsQueries;
    public long ops;
    /** Threads started in the JVM during the measured calls (dnsjava stages on a thread each, pools). */
    public long threadsStarted;

    @Setup(Level.Iteration)
    public void reset() {
      dnsQueries = 0;
      ops = 0;
      threadsStarted = 0;
    }

    void add(int queries) {
      dnsQueries += queries;
      ops++;
    }

    void add(int queries, long threads) {
      add(queries);
      threadsStarted += threads;
    }
  }

  static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

  /**
   * The most questions one cold plan may send: the four client questions, the DNSSEC probe's root SOA and the
   * five key questions, plus one: the probe's and the first lookup's validations both start from an empty key
   * cache and may both ask for the root DNSKEY (seen with dane-core before the key questions were shared).
   */
  static final int MAX_COLD_QUERIES = 11;

  /** A new validating resolver for every call. */
  @State(Scope.Thread)
  public static class Cold {
    /** {@code shared}: a thread pool that outlives the resolvers; {@code own}: the resolver's own pool. */
    @Param({"shared", "own"})
    public String executor;

    /** Round-trip time to the DNS upstream in ms (0: loopback, no relay; see {@link DelayProxy}). */
    @Param({"0", "10"})
    public long rttMs;

    DnsFixture f;
    DaneResolver resolver;
    DeliveryPlanner planner;
    DeliveryPlan last;
    long threadsBefore;

    @Setup(Level.Trial)
    public void setUp() {
      if (!executor.equals("shared") && !executor.equals("own")) {
        throw new IllegalArgumentException("executor must be shared or own, got " + executor);
      }
      f = new DnsFixture(rttMs);
      for (int i = 0; i < 3; i++) {
        f.server.resetCounters();
        try (DaneResolver r = newResolver()) {
          DnsFixture.checkPlan(DnsFixture.planner(r).plan(DnsFixture.DOMAIN).join());
        }
        Map<String, Integer> seen = f.questions();
        f.checkClientQuestions(seen, 1);
        checkCount(f.server.queryCount());
        System.out.println("\none cold validated plan: " + f.server.queryCount() + " queries " + seen);
      }
    }

    void checkCount(int n) {
      if (n < 10 || n > MAX_COLD_QUERIES) {
        throw new IllegalStateException("a cold plan sent " + n + " queries, not 10.." + MAX_COLD_QUERIES
            + ": " + f.questions());
      }
    }

    DaneResolver newResolver() {
      return f.resolver(executor.equals("shared") ? f.pool : null);
    }

    @Setup(Level.Invocation)
    public void before() {
      resolver = newResolver();
      planner = DnsFixture.planner(resolver);
      last = null;
      f.server.resetCounters();
      threadsBefore = THREADS.getTotalStartedThreadCount();
    }

    @TearDown(Level.Invocation)
    public void after(Queries q) {
      long threads = THREADS.getTotalStartedThreadCount() - threadsBefore;
      resolver.close();
      DnsFixture.checkPlan(last);
      f.checkClientQuestions(f.questions(), 1);
      int n = f.server.queryCount();
      checkCount(n);
      q.add(n, threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      f.close();
    }
  }

  /**
   * One resolver for the trial with its answer cache off ({@code cacheSize(0)}): every call sends the four
   * client questions and validates the answers, while dnsjava's key cache, kept by the resolver, already
   * holds the DNSKEYs of {@code .}, {@code test.} and {@code example.test.} (every call is checked to send
   * the four client questions only). The validation cost of the answers alone, without the chain of trust.
   */
  @State(Scope.Thread)
  public static class KeysCached {
    /** Round-trip time to the DNS upstream in ms (0: loopback, no relay; see {@link DelayProxy}). */
    @Param({"0", "10"})
    public long rttMs;

    DnsFixture f;
    DaneResolver resolver;
    DeliveryPlanner planner;
    DeliveryPlan last;

    @Setup(Level.Trial)
    public void setUp() {
      f = new DnsFixture(rttMs);
      resolver = f.resolverBuilder().cacheSize(0).executor(f.pool).build();
      planner = DnsFixture.planner(resolver);
      DnsFixture.checkPlan(planner.plan(DnsFixture.DOMAIN).join()); // fetches the keys
      before();
      DnsFixture.checkPlan(planner.plan(DnsFixture.DOMAIN).join());
      Map<String, Integer> seen = f.questions();
      f.checkClientQuestions(seen, 1);
      if (f.server.queryCount() != DnsFixture.CLIENT_QUESTIONS.size()) {
        throw new IllegalStateException("benchmark setup is broken: with the keys cached a plan sent " + seen);
      }
      System.out.println("\none plan with the keys cached, answer cache off: " + f.server.queryCount()
          + " queries " + seen);
    }

    long threadsBefore;

    @Setup(Level.Invocation)
    public void before() {
      last = null;
      f.server.resetCounters();
      threadsBefore = THREADS.getTotalStartedThreadCount();
    }

    @TearDown(Level.Invocation)
    public void after(Queries q) {
      long threads = THREADS.getTotalStartedThreadCount() - threadsBefore;
      DnsFixture.checkPlan(last);
      int n = f.server.queryCount();
      if (n != DnsFixture.CLIENT_QUESTIONS.size()) {
        throw new IllegalStateException("a plan with the keys cached sent " + n + " queries: " + f.questions());
      }
      q.add(n, threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      resolver.close();
      f.close();
    }
  }

  /**
   * A new validating resolver for every call whose key cache already holds the DNSKEYs of the root and of
   * {@code test.} (a lookup of {@code test. SOA} before the timer starts), on the shared pool: a domain not yet
   * seen under a known TLD. Every call must ask the four client questions, the probe's root SOA, and the DS
   * and DNSKEY of {@code example.test.}: 7 questions; 10 when the root's and {@code test.}'s are asked again
   * (dnsjava walks from the trust anchor for every zone it has no keys for).
   */
  @State(Scope.Thread)
  public static class TldKeysCached {
    /** Round-trip time to the DNS upstream in ms (0: loopback, no relay; see {@link DelayProxy}). */
    @Param({"0", "10"})
    public long rttMs;

    DnsFixture f;
    DaneResolver resolver;
    DeliveryPlanner planner;
    DeliveryPlan last;
    long threadsBefore;

    @Setup(Level.Trial)
    public void setUp() {
      f = new DnsFixture(rttMs);
      before();
      last = DnsFixture.checkPlan(planner.plan(DnsFixture.DOMAIN).join());
      System.out.println("\none plan with the root and TLD keys cached: " + f.server.queryCount() + " queries "
          + f.questions());
      after(new Queries());
    }

    @Setup(Level.Invocation)
    public void before() {
      resolver = f.resolver(f.pool);
      if (!resolver.lookup("test.", org.xbill.DNS.Type.SOA).join().secureData()) {
        throw new IllegalStateException("benchmark setup is broken: test. SOA is not secure");
      }
      planner = DnsFixture.planner(resolver);
      last = null;
      f.server.resetCounters();
      threadsBefore = THREADS.getTotalStartedThreadCount();
    }

    @TearDown(Level.Invocation)
    public void after(Queries q) {
      long threads = THREADS.getTotalStartedThreadCount() - threadsBefore;
      resolver.close();
      DnsFixture.checkPlan(last);
      Map<String, Integer> seen = f.questions();
      f.checkClientQuestions(seen, 1);
      int n = f.server.queryCount();
      // 7 when the root's and test.'s DS/DNSKEY answers are kept; 10 when dnsjava fetches them again
      if (n < 7 || n > 10 || seen.getOrDefault("example.test./DNSKEY", 0) != 1) {
        throw new IllegalStateException("a plan with the TLD keys cached sent " + n + " queries: " + seen);
      }
      q.add(n, threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      f.close();
    }
  }

  /** A new plain dnsjava resolver for every call: no validation, no cache. */
  @State(Scope.Thread)
  public static class Plain {
    /** Whether the queries carry EDNS0 with the DO bit, as the validating resolver's do. */
    @Param({"false", "true"})
    public boolean dnssecOk;

    /** Round-trip time to the DNS upstream in ms (0: loopback, no relay; see {@link DelayProxy}). */
    @Param({"0", "10"})
    public long rttMs;

    DnsFixture f;
    SimpleResolver resolver;
    List<Message> last;

    @Setup(Level.Trial)
    public void setUp() {
      f = new DnsFixture(rttMs);
      f.server.resetCounters();
      DnsFixture.checkPlain(f.plainLookups(f.plain(dnssecOk)).join());
      Map<String, Integer> seen = f.questions();
      f.checkClientQuestions(seen, 1);
      System.out.println("\nplain lookups (dnssecOk=" + dnssecOk + "): " + f.server.queryCount() + " queries "
          + seen);
    }

    @Setup(Level.Invocation)
    public void before() {
      resolver = f.plain(dnssecOk);
      last = null;
      f.server.resetCounters();
    }

    @TearDown(Level.Invocation)
    public void after(Queries q) {
      DnsFixture.checkPlain(last);
      int n = f.server.queryCount();
      if (n != DnsFixture.CLIENT_QUESTIONS.size()) {
        throw new IllegalStateException("plain lookups sent " + n + " queries: " + f.questions());
      }
      q.add(n);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      f.close();
    }
  }

  /** 1,000 concurrent plans on one new resolver per call. */
  @State(Scope.Thread)
  public static class Coalesce {
    DnsFixture f;
    DaneResolver resolver;
    DeliveryPlanner planner;
    List<CompletableFuture<DeliveryPlan>> last;

    @Setup(Level.Trial)
    public void setUp() {
      f = new DnsFixture();
      before();
      last = coalesce(planner);
      Map<String, Integer> seen = f.questions();
      after(new Queries());
      System.out.println("\n" + CONCURRENT_PLANS + " concurrent cold plans on one resolver: "
          + seen.values().stream().mapToInt(Integer::intValue).sum() + " queries " + seen);
    }

    @Setup(Level.Invocation)
    public void before() {
      resolver = f.resolver(f.pool);
      planner = DnsFixture.planner(resolver);
      last = null;
      f.server.resetCounters();
    }

    @TearDown(Level.Invocation)
    public void after(Queries q) {
      resolver.close();
      if (last == null || last.size() != CONCURRENT_PLANS) {
        throw new IllegalStateException("benchmark setup is broken: no plans");
      }
      last.forEach(p -> DnsFixture.checkPlan(p.join()));
      f.checkClientQuestions(f.questions(), 1);
      q.add(f.server.queryCount());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      f.close();
    }
  }

  static List<CompletableFuture<DeliveryPlan>> coalesce(DeliveryPlanner planner) {
    List<CompletableFuture<DeliveryPlan>> plans = new ArrayList<>(CONCURRENT_PLANS);
    for (int i = 0; i < CONCURRENT_PLANS; i++) {
      plans.add(planner.plan(DnsFixture.DOMAIN));
    }
    CompletableFuture.allOf(plans.toArray(new CompletableFuture<?>[0])).join();
    return plans;
  }

  @Benchmark
  public DeliveryPlan warmPlan(Warm s) {
    return s.planner.plan(DnsFixture.DOMAIN).join();
  }

  @Benchmark
  @Warmup(iterations = 20, time = 1)
  @Measurement(iterations = 10, time = 1)
  public DeliveryPlan coldPlan(Cold s) {
    return s.last = s.planner.plan(DnsFixture.DOMAIN).join();
  }

  @Benchmark
  @Warmup(iterations = 20, time = 1)
  @Measurement(iterations = 10, time = 1)
  public DeliveryPlan keysCachedPlan(KeysCached s) {
    return s.last = s.planner.plan(DnsFixture.DOMAIN).join();
  }

  @Benchmark
  @Warmup(iterations = 20, time = 1)
  @Measurement(iterations = 10, time = 1)
  public DeliveryPlan tldKeysCachedPlan(TldKeysCached s) {
    return s.last = s.planner.plan(DnsFixture.DOMAIN).join();
  }

  @Benchmark
  @Warmup(iterations = 10, time = 1)
  @Measurement(iterations = 10, time = 1)
  public List<Message> coldPlain(Plain s) {
    return s.last = s.f.plainLookups(s.resolver).join();
  }

  @Benchmark
  @Warmup(iterations = 20, time = 1)
  @Measurement(iterations = 10, time = 1)
  public List<CompletableFuture<DeliveryPlan>> coalesce1000(Coalesce s) {
    return s.last = coalesce(s.planner);
  }
}
