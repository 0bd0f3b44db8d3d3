package org.dane4j.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.dane4j.smtp.PolicyType;
import org.dane4j.tlsrpt.DayAggregate;
import org.dane4j.tlsrpt.FailureDetail;
import org.dane4j.tlsrpt.JdbcTlsReportStore;
import org.dane4j.tlsrpt.ReportPolicy;
import org.dane4j.tlsrpt.SessionCount;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flush throughput of the JDBC store, SQLite (the embedded default) against PostgreSQL ({@code interop/postgres.sh}):
 * a simple measured loop, not JMH. One flush is one {@code add} of {@value #ROWS} distinct counters (50 domains,
 * each with a success row and 19 failure details, the shape of a busy sender's 30 s), repeated
 * {@value #FLUSHES} times into the same rows (the upsert path; the first flush inserts). The figures go to
 * {@code target/tlsrpt-flush-throughput.md} (BENCHMARKS.md quotes them); the test asserts only that every count landed.
 */
class TlsRptFlushThroughputTest {
  private static final LocalDate DAY = LocalDate.parse("2026-06-01");
  private static final int DOMAINS = 50;
  private static final int DETAILS = 19;
  private static final int ROWS = DOMAINS * (DETAILS + 1);
  private static final int FLUSHES = 30;
  private static final int WARMUP = 5;

  private final Postgres pg = Postgres.get();

  private static List<SessionCount> batch() {
    List<SessionCount> out = new ArrayList<>(ROWS);
    for (int d = 0; d < DOMAINS; d++) {
      String domain = "d" + d + ".flush.test";
      ReportPolicy p = new ReportPolicy(PolicyType.TLSA, domain, List.of("3 1 1 " + "ab".repeat(32)),
          List.of("mx." + domain));
      out.add(new SessionCount(DAY, p, null, 7));
      for (int f = 0; f < DETAILS; f++) {
        out.add(new SessionCount(DAY, p, FailureDetail.of("certificate-not-trusted", "mx." + domain,
            "192.0.2." + f), 3));
      }
    }
    return out;
  }

  /** Milliseconds per flush, after the warm-up flushes (which also insert the rows). */
  private static double measure(JdbcTlsReportStore store) {
    List<SessionCount> batch = batch();
    for (int i = 0; i < WARMUP; i++) {
      store.add(batch);
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < FLUSHES; i++) {
      store.add(batch);
    }
    double ms = (System.nanoTime() - t0) / 1e6 / FLUSHES;
    for (int d = 0; d < DOMAINS; d += 17) {
      DayAggregate agg = store.read(DAY, "d" + d + ".flush.test");
      assertThat(agg.policies()).singleElement().satisfies(pc -> {
        assertThat(pc.successful()).isEqualTo(7L * (WARMUP + FLUSHES));
        assertThat(pc.failures()).hasSize(DETAILS).allSatisfy((k, v) -> assertThat(v).isEqualTo(3L * (WARMUP + FLUSHES)));
      });
    }
    return ms;
  }

  private void emptyPostgres() throws Exception {
    try (Connection c = pg.dataSource().getConnection(); Statement s = c.createStatement()) {
      for (String t : List.of("tlsrpt_count", "tlsrpt_policy", "tlsrpt_detail", "tlsrpt_sent", "tlsrpt_lease",
          "tlsrpt_schema")) {
        s.execute("DROP TABLE IF EXISTS " + t);
      }
    }
  }

  @Test
  @DisplayName("RPT-bench: flush throughput into SQLite and into PostgreSQL (measured loop; every count lands)")
  void rptBench_flushThroughput(@TempDir Path tmp) throws Exception {
    double sqlite;
    try (JdbcTlsReportStore s = JdbcTlsReportStore.sqlite(tmp.resolve("tlsrpt.db"))) {
      sqlite = measure(s);
    }
    emptyPostgres();
    Properties p = new Properties();
    p.setProperty("user", pg.env.getProperty("user"));
    p.setProperty("password", pg.env.getProperty("password"));
    p.setProperty("reWriteBatchedInserts", "false"); // one statement per counter
    double postgres;
    try (JdbcTlsReportStore s = JdbcTlsReportStore.open(pg.env.getProperty("jdbc.url"), p)) {
      postgres = measure(s);
    }
    emptyPostgres();
    p.remove("reWriteBatchedInserts"); // the store's default: pgjdbc sends one multi-row INSERT per batch
    double rewritten;
    try (JdbcTlsReportStore s = JdbcTlsReportStore.open(pg.env.getProperty("jdbc.url"), p)) {
      rewritten = measure(s);
    }
    String table = String.format(Locale.ROOT, """
        | store | ms per flush of %d counters | counters/s | sessions/s (%d sessions per flush) |
        |---|---|---|---|
        | SQLite (WAL, file under %s) | %.2f | %.0f | %.0f |
        | PostgreSQL 127.0.0.1 (fsync=off), reWriteBatchedInserts=false | %.2f | %.0f | %.0f |
        | PostgreSQL, the store's default (reWriteBatchedInserts=true) | %.2f | %.0f | %.0f |
        
        PostgreSQL/SQLite time ratio: %.2f without, %.2f with the default
        """, ROWS, DOMAINS * (7 + 3 * DETAILS), tmp.getParent(), sqlite, ROWS / sqlite * 1000,
        DOMAINS * (7 + 3 * DETAILS) / sqlite * 1000, postgres, ROWS / postgres * 1000,
        DOMAINS * (7 + 3 * DETAILS) / postgres * 1000, rewritten, ROWS / rewritten * 1000,
        DOMAINS * (7 + 3 * DETAILS) / rewritten * 1000, postgres / sqlite, rewritten / sqlite);
    Path out = Path.of("target", "tlsrpt-flush-throughput.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, table);
    assertThat(sqlite).isPositive();
    assertThat(postgres).isPositive();
  }
}
