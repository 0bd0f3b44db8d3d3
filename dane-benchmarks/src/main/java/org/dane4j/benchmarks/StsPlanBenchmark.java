package org.dane4j.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.dane4j.dns.DaneResolver;
import org.dane4j.smtp.DeliveryPlan;
import org.dane4j.smtp.DeliveryPlanner;
import org.dane4j.smtp.MxRoute;
import org.dane4j.smtp.PolicyType;
import org.dane4j.smtp.TlsRequirement;
import org.dane4j.sts.MtaSts;
import org.dane4j.testkit.CertificateMinter;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.sts.StsPolicyServer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A warm plan with a cached MTA-STS policy against a warm DANE-only plan (issue #13's target: at most 1.2 times),
 * on one planner with MTA-STS, one resolver and the testkit's signed world on loopback.
 *
 * <ul>
 *   <li>{@code daneNoSts}: the baseline, {@code plan("example.test")} by a planner without MTA-STS.</li>
 *   <li>{@code daneOnly}: {@code plan("example.test")}: MX {@code mx.example.test} with a secure TLSA RRset, so
 *       the plan does not wait for the MTA-STS lookup (POL-3); every answer in the resolver's cache.</li>
 *   <li>{@code stsCached}: {@code plan("sts.example.test")}: MX {@code mx2.example.test} with no TLSA (secure
 *       NODATA), and an {@code enforce} policy fetched once in the setup from the testkit's policy server: each
 *       plan asks the cached {@code _mta-sts} TXT, finds the same id and applies the cached policy (no fetch),
 *       giving the host {@link TlsRequirement#STS}.</li>
 * </ul>
 *
 * <p>The setup checks both plans and that neither the DNS server nor the policy server hears anything during the
 * trial; a broken run throws instead of producing numbers.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class StsPlanBenchmark {
  static final String STS_DOMAIN = "sts.example.test";
  static final String STS_MX = "mx2.example.test";

  /** The world, a resolver with every answer cached and a planner with MTA-STS whose policy is cached. */
  @State(Scope.Benchmark)
  public static class Warm {
    DnsFixture f;
    StsPolicyServer https;
    DaneResolver resolver;
    MtaSts sts;
    DeliveryPlanner planner;
    DeliveryPlanner withoutSts;
    int fetches;

    @Setup(Level.Trial)
    public void setUp() {
      f = new DnsFixture();
      MintedCertificate ca = CertificateMinter.certificate().commonName("benchmark STS CA").ca().mint();
      https = StsPolicyServer.builder(STS_DOMAIN).issuer(ca).address("127.0.0.7")
          .policy(StsPolicyServer.policyText("enforce", 86400, STS_MX)).start();
      f.world.zone("example.test.").add("sts.example.test. 300 IN MX 10 mx2.example.test.",
          "mx2.example.test. 300 IN A 127.0.0.1");
      https.publish(f.world.zone("example.test."), "b1");
      resolver = f.resolver(null);
      sts = MtaSts.builder(resolver).clock(DnsFixture.CLOCK).policyPort(https.port())
          .extraTrustAnchors(List.of(ca.certificate())).refreshCheckInterval(Duration.ZERO).build();
      planner = DeliveryPlanner.builder(resolver).clock(DnsFixture.CLOCK).mtaSts(sts).build();
      withoutSts = DnsFixture.planner(resolver);
      for (int i = 0; i < 2; i++) { // fills the caches, then proves they answer
        DnsFixture.checkPlan(planner.plan(DnsFixture.DOMAIN).join());
        DnsFixture.checkPlan(withoutSts.plan(DnsFixture.DOMAIN).join());
        checkSts(planner.plan(STS_DOMAIN).join());
        f.server.resetCounters();
      }
      fetches = https.requests().size();
      if (fetches != 1) {
        throw new IllegalStateException("benchmark setup is broken: expected one policy fetch, got " + fetches);
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      Map<String, Integer> sent = f.questions();
      int fetched = https.requests().size() - fetches;
      sts.close();
      resolver.close();
      https.close();
      f.close();
      if (!sent.isEmpty() || fetched != 0) {
        throw new IllegalStateException("warm plans were not all answered from the caches: DNS " + sent
            + ", policy fetches " + fetched);
      }
    }
  }

  /** The STS plan must be the one measured: one STS enforce route to mx2.example.test without TLSA. */
  static DeliveryPlan checkSts(DeliveryPlan plan) {
    if (plan == null || plan.failure().isPresent() || plan.routes().size() != 1) {
      throw new IllegalStateException("benchmark setup is broken: expected one route, got " + plan);
    }
    MxRoute r = plan.routes().get(0);
    if (r.requirement() != TlsRequirement.STS || r.policyType() != PolicyType.STS || !STS_MX.equals(r.mxHost())
        || !r.tlsa().isEmpty()) {
      throw new IllegalStateException("benchmark setup is broken: expected one STS route to " + STS_MX + ", got "
          + plan);
    }
    return plan;
  }

  /** Baseline: a warm plan of the DANE domain by a planner without MTA-STS (the "DANE-only plan"). */
  @Benchmark
  public DeliveryPlan daneNoSts(Warm w) {
    return w.withoutSts.plan(DnsFixture.DOMAIN).join();
  }

  /** A warm plan of the DANE domain by the planner with MTA-STS (its TXT lookup starts, is not waited for). */
  @Benchmark
  public DeliveryPlan daneOnly(Warm w) {
    return w.planner.plan(DnsFixture.DOMAIN).join();
  }

  /** A warm plan of a domain whose MX host has no TLSA, under a cached enforce policy. */
  @Benchmark
  public DeliveryPlan stsCached(Warm w) {
    return w.planner.plan(STS_DOMAIN).join();
  }
}
