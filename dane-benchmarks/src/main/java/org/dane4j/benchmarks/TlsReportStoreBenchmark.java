package org.dane4j.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dane4j.smtp.PolicyType;
import org.dane4j.tlsrpt.FailureDetail;
import org.dane4j.tlsrpt.JdbcTlsReportStore;
import org.dane4j.tlsrpt.ReportPolicy;
import org.dane4j.tlsrpt.SessionCount;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Flush throughput into the embedded store: one {@code TlsReportStore.add} of {@value #ROWS} counters (10 policies
 * x 100 failure details, the upserts of one flush) into an SQLite file in WAL mode, the rows already present (the
 * steady state: {@code ON CONFLICT … DO UPDATE}). The score is the time per counter row.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TlsReportStoreBenchmark {
  static final int ROWS = 1000;
  private Path dir;
  private JdbcTlsReportStore store;
  private final List<SessionCount> batch = new ArrayList<>();

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    dir = Files.createTempDirectory("tlsrpt-bench");
    store = JdbcTlsReportStore.sqlite(dir.resolve("tlsrpt.db"));
    LocalDate day = LocalDate.parse("2026-06-01");
    for (int p = 0; p < 10; p++) {
      ReportPolicy policy = new ReportPolicy(PolicyType.TLSA, "d" + p + ".example", List.of("3 1 1 " + "ab".repeat(32)),
          List.of("mx.d" + p + ".example"));
      for (int d = 0; d < 100; d++) {
        batch.add(new SessionCount(day, policy, FailureDetail.of("certificate-not-trusted", "mx.d" + p + ".example",
            "192.0.2." + d), 1));
      }
    }
    store.add(batch);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    store.close();
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    Files.delete(dir);
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public void sqliteFlush() {
    store.add(batch);
  }
}
