package org.dane4j.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest extends StoreContract {
  @TempDir
  Path dir;

  @Override
  TlsReportStore open() {
    return JdbcTlsReportStore.sqlite(dir.resolve("tlsrpt.db"));
  }

  @Test
  @DisplayName("RPT-STORE: the schema is created once and versioned; reopening keeps the counters")
  void schemaIsVersionedAndReopened() throws Exception {
    store.add(List.of(new SessionCount(DAY, TLSA, EXPIRED, 4)));
    store.close();
    try (JdbcTlsReportStore again = JdbcTlsReportStore.sqlite(dir.resolve("tlsrpt.db"))) {
      assertThat(again.version()).isEqualTo(JdbcTlsReportStore.SCHEMA_VERSION);
      assertThat(again.read(DAY, "example.com").policies().get(0).failures()).containsEntry(EXPIRED, 4L);
    }
    store = open();
  }

  @Test
  @DisplayName("RPT-STORE: a schema newer than this code is refused with both versions named")
  void newerSchemaIsRefused() throws Exception {
    try (var c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("tlsrpt.db"));
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO tlsrpt_schema (version, applied_at) VALUES (99, 0)");
    }
    assertThatThrownBy(this::open).hasMessageContaining("version 99").hasMessageContaining("("
        + JdbcTlsReportStore.SCHEMA_VERSION + ")");
  }

  @Test
  @DisplayName("RPT-FLEET: four stores on one file (four connections, as four processes) add at once; no count is lost")
  void concurrentWritersOnOneFile() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      done.add(pool.submit(() -> {
        try (TlsReportStore s = open()) {
          for (int i = 0; i < 50; i++) {
            s.add(List.of(new SessionCount(DAY, TLSA, null, 1), new SessionCount(DAY, TLSA, EXPIRED, 2)));
          }
        }
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    DayAggregate.PolicyCounts p = store.read(DAY, "example.com").policies().get(0);
    assertThat(p.successful()).isEqualTo(200);
    assertThat(p.failed()).isEqualTo(400);
  }

  @Test
  @DisplayName("RPT-STORE: only jdbc:sqlite: and jdbc:postgresql: URLs are stores")
  void otherUrlsAreRefused() {
    assertThatThrownBy(() -> JdbcTlsReportStore.open("jdbc:mysql://x/y")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdbc:sqlite:PATH");
  }
}
