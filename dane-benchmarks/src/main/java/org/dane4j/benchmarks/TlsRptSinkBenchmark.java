package org.dane4j.benchmarks;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.dane4j.delivery.SendInfo;
import org.dane4j.smtp.DeliveryAttempt;
import org.dane4j.smtp.DeliveryPlan;
import org.dane4j.smtp.MxRoute;
import org.dane4j.smtp.TlsVerdict;
import org.dane4j.tlsa.FailureType;
import org.dane4j.tlsrpt.MemoryTlsReportStore;
import org.dane4j.tlsrpt.TlsRptSink;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of recording one session for TLS reporting on the delivering thread
 * ({@code TlsRptSink.attemptFinished}), target at most 1 µs amortised (issue #14). The sink's own thread flushes
 * every 10,000 events (the default) into the in-memory store (a handful of rows), so the figure includes the
 * sink's contention with its flusher but no database time.
 *
 * <ul>
 *   <li>{@code success}: a verified DANE session (a {@code tlsa} policy with one TLSA record; no failure detail);</li>
 *   <li>{@code failure}: a {@code certificate-not-trusted} session (a failure detail with host and address);</li>
 *   <li>{@code tlsReport}: a session of a TLS report, which is skipped (the loop guard);</li>
 *   <li>{@code success4Threads}: {@code success} from 4 delivering threads at once.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TlsRptSinkBenchmark {
  private DnsFixture dns;
  private TlsRptSink sink;
  private DeliveryAttempt ok;
  private DeliveryAttempt bad;
  private final SendInfo send = new SendInfo("example.test", false);
  private final SendInfo report = new SendInfo("example.test", true);

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    dns = new DnsFixture();
    try (var resolver = dns.resolver(dns.pool)) {
      DeliveryPlan plan = DnsFixture.checkPlan(DnsFixture.planner(resolver).plan("example.test").get(30,
          TimeUnit.SECONDS));
      MxRoute route = plan.routes().get(0);
      InetAddress address = route.addresses().get(0);
      ok = new DeliveryAttempt(route, address, TlsVerdict.VERIFIED, null, "TLSv1.3", "TLS_AES_128_GCM_SHA256", null,
          false, "ok");
      bad = new DeliveryAttempt(route, address, TlsVerdict.FAILED, null, null, null,
          FailureType.CERTIFICATE_NOT_TRUSTED, true, "no match");
    }
    sink = TlsRptSink.builder(new MemoryTlsReportStore()).flushInterval(Duration.ofSeconds(1)).build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    sink.close();
    if (sink.dropped() != 0) {
      throw new IllegalStateException("the sink dropped " + sink.dropped() + " sessions");
    }
    dns.close();
  }

  @Benchmark
  public void success() {
    sink.attemptFinished(send, ok, null);
  }

  @Benchmark
  public void failure() {
    sink.attemptFinished(send, bad, null);
  }

  @Benchmark
  public void tlsReport() {
    sink.attemptFinished(report, ok, null);
  }

  @Benchmark
  @Threads(4)
  public void success4Threads() {
    sink.attemptFinished(send, ok, null);
  }
}
