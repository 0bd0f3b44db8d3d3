package org.dane4j.sts;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link StsPolicyCache#jdbc}: the cache contract on H2 in PostgreSQL mode (the same SQL as on PostgreSQL, which
 * the interop suite runs), each cache with its own data source, as separate senders have; then what only the
 * SQL store does.
 */
class JdbcStsPolicyCacheTest extends StsPolicyCacheContract {
  private final String url = "jdbc:h2:mem:sts-" + UUID.randomUUID() + ";MODE=PostgreSQL;DB_CLOSE_DELAY=-1";

  @AfterEach
  void dropDatabase() throws SQLException {
    try (Connection c = h2(url).getConnection(); Statement s = c.createStatement()) {
      s.execute("SHUTDOWN");
    }
  }

  static DataSource h2(String url) {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL(url);
    return ds;
  }

  @Override
  StsPolicyCache open() {
    return StsPolicyCache.jdbc(h2(url));
  }

  @Override
  StsPolicyCache reopen() {
    return StsPolicyCache.jdbc(h2(url));
  }

  @Test
  @DisplayName("STS-3: the JDBC cache creates its table and a schema version row on first use, once")
  void sts3_schemaCreatedWithVersion() throws Exception {
    open().get("a.test");
    reopen().put(entry("a.test", "1", ENFORCE, T));
    try (Connection c = h2(url).getConnection(); Statement s = c.createStatement();
         ResultSet r = s.executeQuery("SELECT component, version FROM dane4j_schema")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getString(1)).isEqualTo("sts_policy");
      assertThat(r.getInt(2)).isEqualTo(JdbcStsPolicyCache.SCHEMA_VERSION);
      assertThat(r.next()).isFalse();
    }
    try (Connection c = h2(url).getConnection(); Statement s = c.createStatement();
         ResultSet r = s.executeQuery("SELECT policy_id, valid_until FROM dane4j_sts_policy WHERE domain = 'a.test'")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getObject(2, java.time.OffsetDateTime.class).toInstant()).isEqualTo(T.plusSeconds(86400));
    }
  }

  @Test
  @DisplayName("STS-3: a table of a later schema version is refused (logged), and the cache keeps working in memory")
  void sts3_laterSchemaRefused() throws Exception {
    try (Connection c = h2(url).getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE dane4j_schema (component VARCHAR(64) PRIMARY KEY, version INTEGER NOT NULL)");
      s.executeUpdate("INSERT INTO dane4j_schema VALUES ('sts_policy', 2)");
    }
    StsPolicyCache cache = open();
    cache.put(entry("a.test", "1", ENFORCE, T));
    assertThat(cache.get("a.test").orElseThrow().id()).isEqualTo("1");
    try (Connection c = h2(url).getConnection(); Statement s = c.createStatement();
         ResultSet r = s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES"
             + " WHERE LOWER(TABLE_NAME) = 'dane4j_sts_policy'")) {
      r.next();
      assertThat(r.getInt(1)).isZero();   // nothing written into a schema it does not know
    }
  }

  @Test
  @DisplayName("STS-3: a database that fails never loses a policy: the entry this process last saw applies")
  void sts3_databaseDownKeepsLastSeen() throws Exception {
    AtomicBoolean down = new AtomicBoolean();
    DataSource h2 = h2(url);
    DataSource flaky = (DataSource) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
          if (method.getName().equals("getConnection") && down.get()) {
            throw new SQLException("connection refused (test)", "08001");
          }
          try {
            return method.invoke(h2, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
    StsPolicyCache cache = StsPolicyCache.jdbc(flaky);
    cache.put(entry("a.test", "1", ENFORCE, T));
    reopen().put(entry("b.test", "b", ENFORCE, T));
    assertThat(cache.get("b.test")).isPresent();
    down.set(true);
    assertThat(cache.get("a.test").orElseThrow().id()).isEqualTo("1");
    assertThat(cache.get("b.test").orElseThrow().id()).isEqualTo("b");
    assertThat(cache.get("c.test")).isEmpty();
    cache.put(entry("a.test", "2", ENFORCE, T.plusSeconds(1)));   // logged, kept in memory
    assertThat(cache.get("a.test").orElseThrow().id()).isEqualTo("2");
    down.set(false);
    assertThat(cache.get("a.test").orElseThrow().id()).isEqualTo("1");   // the database is the truth again
  }

  @Test
  @DisplayName("STS-3: fetch times are kept to the microsecond, and compared at that precision")
  void sts3_microsecondPrecision() throws Exception {
    StsPolicyCache cache = open();
    cache.put(entry("a.test", "1", ENFORCE, T.plusNanos(123_456_789)));
    assertThat(reopen().get("a.test").orElseThrow().fetchedAt()).isEqualTo(T.plusNanos(123_456_000));
    reopen().put(entry("a.test", "2", ENFORCE, T.plusNanos(123_456_999)));   // the same microsecond: a tie
    assertThat(cache.get("a.test").orElseThrow().id()).isEqualTo("2");
  }

  @Test
  @DisplayName("STS-3: an instant before 1970 round-trips too")
  void sts3_oldInstant() throws Exception {
    Instant old = Instant.parse("1969-12-31T23:59:59.5Z");
    open().put(entry("a.test", "1", ENFORCE, old));
    assertThat(reopen().get("a.test").orElseThrow().fetchedAt()).isEqualTo(old);
  }
}
