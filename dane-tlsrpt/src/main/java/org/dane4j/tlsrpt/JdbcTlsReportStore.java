package org.dane4j.tlsrpt;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.dane4j.smtp.PolicyType;

/**
 * A {@link TlsReportStore} over JDBC: an SQLite file (the default, {@link #sqlite(Path)}) or PostgreSQL
 * ({@code jdbc:postgresql:…}, for a fleet of senders; bring the driver; {@code reWriteBatchedInserts=true} is
 * set unless the URL or the properties name it). The SQL is the same for both: counters
 * are added with {@code INSERT … ON CONFLICT … DO UPDATE SET cnt = cnt + excluded.cnt} (SQLite 3.24+,
 * PostgreSQL 9.5+), so many processes add to one row without losing a count; the lease is an upsert whose
 * {@code WHERE} lets it through only when the lease is free, expired or already the caller's. A flush writes
 * its rows in key order, so two processes' flushes over the same rows queue instead of deadlocking; on
 * PostgreSQL, processes that open a new database at once create the schema once (an advisory lock around
 * the migration).
 *
 * <p>The store creates and migrates its schema itself: table {@code tlsrpt_schema} holds the versions applied
 * ({@value #SCHEMA_VERSION} now); a newer schema than this code knows is refused. Days are {@code YYYY-MM-DD}
 * text, instants are epoch milliseconds, so no column type differs between the two databases.
 *
 * <p>One connection, used under this object's lock: the store is called by one flushing thread and the
 * report sender, never on a delivering thread. SQLite runs in WAL mode with a busy timeout of
 * {@link #SQLITE_BUSY_TIMEOUT}, so a CLI reading the file while an application writes it waits instead of
 * failing.
 */
public final class JdbcTlsReportStore implements TlsReportStore {
  /** The schema version this code writes. */
  public static final int SCHEMA_VERSION = 1;
  /** How long SQLite waits for another process's write lock: 10 s. */
  public static final Duration SQLITE_BUSY_TIMEOUT = Duration.ofSeconds(10);

  /** Migration {@code i} brings the schema from version {@code i} to {@code i + 1}. Standard SQL only. */
  private static final List<List<String>> MIGRATIONS = List.of(List.of(
      "CREATE TABLE tlsrpt_policy (policy_id VARCHAR(64) PRIMARY KEY, policy_type VARCHAR(20) NOT NULL,"
          + " policy_domain VARCHAR(255) NOT NULL, policy_strings TEXT NOT NULL, mx_hosts TEXT NOT NULL)",
      "CREATE TABLE tlsrpt_detail (detail_id VARCHAR(64) PRIMARY KEY, result_type VARCHAR(64) NOT NULL,"
          + " sending_ip VARCHAR(64) NOT NULL, receiving_mx VARCHAR(255) NOT NULL,"
          + " receiving_helo VARCHAR(255) NOT NULL, receiving_ip VARCHAR(64) NOT NULL,"
          + " additional_info TEXT NOT NULL, reason_code VARCHAR(255) NOT NULL)",
      "CREATE TABLE tlsrpt_count (day CHAR(10) NOT NULL, policy_domain VARCHAR(255) NOT NULL,"
          + " policy_id VARCHAR(64) NOT NULL, detail_id VARCHAR(64) NOT NULL, cnt BIGINT NOT NULL,"
          + " PRIMARY KEY (day, policy_id, detail_id))",
      "CREATE INDEX tlsrpt_count_domain ON tlsrpt_count (day, policy_domain)",
      "CREATE TABLE tlsrpt_sent (day CHAR(10) NOT NULL, policy_domain VARCHAR(255) NOT NULL,"
          + " report_id VARCHAR(512) NOT NULL, sent_at BIGINT NOT NULL, PRIMARY KEY (day, policy_domain))",
      "CREATE TABLE tlsrpt_lease (name VARCHAR(100) PRIMARY KEY, holder VARCHAR(255) NOT NULL,"
          + " expires_at BIGINT NOT NULL)"));

  private static final String ADD_POLICY = "INSERT INTO tlsrpt_policy (policy_id, policy_type, policy_domain,"
      + " policy_strings, mx_hosts) VALUES (?, ?, ?, ?, ?) ON CONFLICT (policy_id) DO NOTHING";
  private static final String ADD_DETAIL = "INSERT INTO tlsrpt_detail (detail_id, result_type, sending_ip,"
      + " receiving_mx, receiving_helo, receiving_ip, additional_info, reason_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
      + " ON CONFLICT (detail_id) DO NOTHING";
  private static final String ADD_COUNT = "INSERT INTO tlsrpt_count (day, policy_domain, policy_id, detail_id, cnt)"
      + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (day, policy_id, detail_id) DO UPDATE SET cnt = tlsrpt_count.cnt"
      + " + excluded.cnt";
  private static final String READ = "SELECT p.policy_id, p.policy_type, p.policy_strings, p.mx_hosts, c.cnt,"
      + " d.detail_id, d.result_type, d.sending_ip, d.receiving_mx, d.receiving_helo, d.receiving_ip,"
      + " d.additional_info, d.reason_code FROM tlsrpt_count c JOIN tlsrpt_policy p ON p.policy_id = c.policy_id"
      + " LEFT JOIN tlsrpt_detail d ON d.detail_id = c.detail_id WHERE c.day = ? AND c.policy_domain = ?"
      + " ORDER BY p.policy_id, c.detail_id";
  private static final String LEASE = "INSERT INTO tlsrpt_lease (name, holder, expires_at) VALUES (?, ?, ?)"
      + " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at"
      + " WHERE tlsrpt_lease.expires_at < ? OR tlsrpt_lease.holder = excluded.holder";

  /** Tries to create or migrate the schema when concurrent processes do the same. */
  private static final int MIGRATION_ATTEMPTS = 5;
  /** PostgreSQL advisory lock key that serialises migrations (any constant, unique to this store). */
  private static final long MIGRATION_LOCK = 0x544c5352505454L;

  private final Connection connection;
  private final String url;
  private final boolean postgres;

  private JdbcTlsReportStore(Connection connection, String url, boolean postgres) throws SQLException {
    this.connection = connection;
    this.url = url;
    this.postgres = postgres;
    migrate();
  }

  /** Opens (and creates) the SQLite file at {@code file}. */
  public static JdbcTlsReportStore sqlite(Path file) {
    return open("jdbc:sqlite:" + file.toAbsolutePath());
  }

  /**
   * Opens a store at a JDBC URL: {@code jdbc:sqlite:PATH} or {@code jdbc:postgresql://…} (user and password
   * in the URL or in {@code properties}).
   *
   * @throws IllegalArgumentException for another kind of URL
   * @throws IllegalStateException when the database cannot be opened or migrated, with the reason
   */
  public static JdbcTlsReportStore open(String jdbcUrl, Properties properties) {
    boolean sqlite = jdbcUrl.startsWith("jdbc:sqlite:");
    if (!sqlite && !jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("a TLS report store is jdbc:sqlite:PATH or jdbc:postgresql://…, not "
          + jdbcUrl);
    }
    Properties props = new Properties();
    props.putAll(properties);
    if (!sqlite && !jdbcUrl.contains("reWriteBatchedInserts") && !props.containsKey("reWriteBatchedInserts")) {
      // one multi-row INSERT per flush instead of one statement per counter: 1.4x the flush throughput on the
      // interop PostgreSQL (BENCHMARKS.md, TLS reporting); the URL or the properties can still turn it off
      props.setProperty("reWriteBatchedInserts", "true");
    }
    try {
      Connection c = DriverManager.getConnection(jdbcUrl, props);
      if (sqlite) {
        try (Statement s = c.createStatement()) {
          s.execute("PRAGMA busy_timeout = " + SQLITE_BUSY_TIMEOUT.toMillis());
          s.execute("PRAGMA journal_mode = WAL");
        }
      }
      return new JdbcTlsReportStore(c, redacted(jdbcUrl), !sqlite);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot open the TLS report store " + redacted(jdbcUrl) + ": "
          + e.getMessage(), e);
    }
  }

  /** {@link #open(String, Properties)} without properties. */
  public static JdbcTlsReportStore open(String jdbcUrl) {
    return open(jdbcUrl, new Properties());
  }

  private static String redacted(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }

  private synchronized void migrate() throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try {
        migrateOnce();
        return;
      } catch (SQLException e) {
        // another process of the fleet created or migrated the schema at the same moment: PostgreSQL answers the
        // loser of two CREATE TABLE with 23505 or 42P07 even with IF NOT EXISTS; its result is what we wanted
        if (currentVersionOrMinus() == SCHEMA_VERSION) {
          return;
        }
        if (attempt >= MIGRATION_ATTEMPTS) {
          throw e;
        }
        try {
          Thread.sleep(50L * attempt);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private void migrateOnce() throws SQLException {
    connection.setAutoCommit(false);
    try {
      if (postgres) { // one migrating process at a time; DDL is transactional there, so the others see it all
        try (Statement s = connection.createStatement()) {
          s.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
        }
      }
      try (Statement s = connection.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS tlsrpt_schema (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)");
      }
      int current = version();
      if (current > SCHEMA_VERSION) {
        throw new SQLException("the store's schema is version " + current + ", newer than this dane4j knows ("
            + SCHEMA_VERSION + ")");
      }
      for (int v = current; v < SCHEMA_VERSION; v++) {
        try (Statement s = connection.createStatement()) {
          for (String sql : MIGRATIONS.get(v)) {
            s.execute(sql);
          }
        }
        try (PreparedStatement p = connection.prepareStatement(
            "INSERT INTO tlsrpt_schema (version, applied_at) VALUES (?, ?)")) {
          p.setInt(1, v + 1);
          p.setLong(2, System.currentTimeMillis());
          p.executeUpdate();
        }
      }
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
  }

  private int currentVersionOrMinus() {
    try {
      return version();
    } catch (SQLException e) {
      return -1;
    }
  }

  /** The schema version applied to the database. */
  public synchronized int version() throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet r = s.executeQuery("SELECT MAX(version) FROM tlsrpt_schema")) {
      return r.next() ? r.getInt(1) : 0;
    }
  }

  @Override
  public synchronized void add(Collection<SessionCount> counts) {
    if (counts.isEmpty()) {
      return;
    }
    try {
      connection.setAutoCommit(false);
      try (PreparedStatement policy = connection.prepareStatement(ADD_POLICY);
          PreparedStatement detail = connection.prepareStatement(ADD_DETAIL);
          PreparedStatement count = connection.prepareStatement(ADD_COUNT)) {
        // every process writes its rows in one order (key order), so two flushes that touch the same rows wait
        // for each other instead of deadlocking (PostgreSQL row locks are taken in statement order)
        Map<String, ReportPolicy> policies = new java.util.TreeMap<>();
        Map<String, FailureDetail> details = new java.util.TreeMap<>();
        Map<ReportPolicy, String> ids = new java.util.IdentityHashMap<>(); // a flush shares policy objects
        Map<String, long[]> rows = new java.util.TreeMap<>();
        Map<String, String> rowDomain = new java.util.HashMap<>();
        for (SessionCount c : counts) {
          String pid = ids.computeIfAbsent(c.policy(), ReportPolicy::id);
          policies.putIfAbsent(pid, c.policy());
          String did = c.failure() == null ? "" : c.failure().id();
          if (c.failure() != null) {
            details.putIfAbsent(did, c.failure());
          }
          String key = c.day() + "\n" + pid + "\n" + did;
          rows.computeIfAbsent(key, k -> new long[1])[0] += c.count();
          rowDomain.putIfAbsent(key, c.policy().policyDomain());
        }
        for (Map.Entry<String, long[]> e : rows.entrySet()) {
          String[] k = e.getKey().split("\n", -1);
          count.setString(1, k[0]);
          count.setString(2, rowDomain.get(e.getKey()));
          count.setString(3, k[1]);
          count.setString(4, k[2]);
          count.setLong(5, e.getValue()[0]);
          count.addBatch();
        }
        for (Map.Entry<String, ReportPolicy> e : policies.entrySet()) {
          ReportPolicy p = e.getValue();
          policy.setString(1, e.getKey());
          policy.setString(2, p.type().word());
          policy.setString(3, p.policyDomain());
          policy.setString(4, String.join("\n", p.policyStrings()));
          policy.setString(5, String.join("\n", p.mxHosts()));
          policy.addBatch();
        }
        for (Map.Entry<String, FailureDetail> e : details.entrySet()) {
          FailureDetail d = e.getValue();
          detail.setString(1, e.getKey());
          detail.setString(2, d.resultType());
          detail.setString(3, d.sendingMtaIp());
          detail.setString(4, d.receivingMxHostname());
          detail.setString(5, d.receivingMxHelo());
          detail.setString(6, d.receivingIp());
          detail.setString(7, d.additionalInformation());
          detail.setString(8, d.failureReasonCode());
          detail.addBatch();
        }
        policy.executeBatch();
        detail.executeBatch();
        count.executeBatch();
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failure("add counters to", e);
    }
  }

  @Override
  public synchronized List<LocalDate> days() {
    List<LocalDate> days = new ArrayList<>();
    try (Statement s = connection.createStatement();
        ResultSet r = s.executeQuery("SELECT DISTINCT day FROM tlsrpt_count ORDER BY day")) {
      while (r.next()) {
        days.add(LocalDate.parse(r.getString(1)));
      }
      return days;
    } catch (SQLException e) {
      throw failure("list the days of", e);
    }
  }

  @Override
  public synchronized List<String> policyDomains(LocalDate day) {
    List<String> domains = new ArrayList<>();
    try (PreparedStatement p = connection.prepareStatement(
        "SELECT DISTINCT policy_domain FROM tlsrpt_count WHERE day = ? ORDER BY policy_domain")) {
      p.setString(1, day.toString());
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          domains.add(r.getString(1));
        }
      }
      return domains;
    } catch (SQLException e) {
      throw failure("list the domains of", e);
    }
  }

  @Override
  public synchronized DayAggregate read(LocalDate day, String policyDomain) {
    String domain = ReportPolicy.domain(policyDomain);
    Map<String, ReportPolicy> policies = new LinkedHashMap<>();
    Map<String, long[]> success = new LinkedHashMap<>();
    Map<String, Map<FailureDetail, Long>> failures = new LinkedHashMap<>();
    try (PreparedStatement p = connection.prepareStatement(READ)) {
      p.setString(1, day.toString());
      p.setString(2, domain);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          String pid = r.getString(1);
          policies.computeIfAbsent(pid, k -> {
            try {
              return new ReportPolicy(type(r.getString(2)), domain, lines(r.getString(3)), lines(r.getString(4)));
            } catch (SQLException e) {
              throw new IllegalStateException(e);
            }
          });
          success.computeIfAbsent(pid, k -> new long[1]);
          long n = r.getLong(5);
          if (r.getString(6) == null) {
            success.get(pid)[0] += n;
          } else {
            FailureDetail d = new FailureDetail(r.getString(7), r.getString(8), r.getString(9), r.getString(10),
                r.getString(11), r.getString(12), r.getString(13));
            failures.computeIfAbsent(pid, k -> new LinkedHashMap<>()).merge(d, n, Long::sum);
          }
        }
      }
    } catch (SQLException e) {
      throw failure("read", e);
    }
    List<DayAggregate.PolicyCounts> list = new ArrayList<>();
    policies.forEach((pid, policy) -> list.add(new DayAggregate.PolicyCounts(policy, success.get(pid)[0],
        failures.getOrDefault(pid, Map.of()))));
    return new DayAggregate(day, domain, list);
  }

  private static PolicyType type(String word) {
    return Arrays.stream(PolicyType.values()).filter(t -> t.word().equals(word)).findFirst()
        .orElseThrow(() -> new IllegalStateException("unknown policy type in the store: " + word));
  }

  private static List<String> lines(String joined) {
    return joined.isEmpty() ? List.of() : List.of(joined.split("\n", -1));
  }

  @Override
  public synchronized boolean markSent(LocalDate day, String policyDomain, String reportId, Instant at) {
    try (PreparedStatement p = connection.prepareStatement("INSERT INTO tlsrpt_sent (day, policy_domain, report_id,"
        + " sent_at) VALUES (?, ?, ?, ?) ON CONFLICT (day, policy_domain) DO NOTHING")) {
      p.setString(1, day.toString());
      p.setString(2, ReportPolicy.domain(policyDomain));
      p.setString(3, reportId);
      p.setLong(4, at.toEpochMilli());
      return p.executeUpdate() == 1;
    } catch (SQLException e) {
      throw failure("mark a report sent in", e);
    }
  }

  @Override
  public synchronized Optional<String> sent(LocalDate day, String policyDomain) {
    try (PreparedStatement p = connection.prepareStatement(
        "SELECT report_id FROM tlsrpt_sent WHERE day = ? AND policy_domain = ?")) {
      p.setString(1, day.toString());
      p.setString(2, ReportPolicy.domain(policyDomain));
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure("read a sent mark of", e);
    }
  }

  @Override
  public synchronized boolean tryLease(String name, String holder, Duration ttl, Instant now) {
    try (PreparedStatement p = connection.prepareStatement(LEASE)) {
      p.setString(1, name);
      p.setString(2, holder);
      p.setLong(3, now.plus(ttl).toEpochMilli());
      p.setLong(4, now.toEpochMilli());
      return p.executeUpdate() == 1;
    } catch (SQLException e) {
      throw failure("take a lease in", e);
    }
  }

  @Override
  public synchronized void releaseLease(String name, String holder) {
    try (PreparedStatement p = connection.prepareStatement("DELETE FROM tlsrpt_lease WHERE name = ? AND holder = ?")) {
      p.setString(1, name);
      p.setString(2, holder);
      p.executeUpdate();
    } catch (SQLException e) {
      throw failure("release a lease in", e);
    }
  }

  @Override
  public synchronized void deleteBefore(LocalDate day) {
    try (PreparedStatement c = connection.prepareStatement("DELETE FROM tlsrpt_count WHERE day < ?");
        PreparedStatement s = connection.prepareStatement("DELETE FROM tlsrpt_sent WHERE day < ?")) {
      c.setString(1, day.toString());
      s.setString(1, day.toString());
      c.executeUpdate();
      s.executeUpdate();
    } catch (SQLException e) {
      throw failure("delete old days from", e);
    }
  }

  private IllegalStateException failure(String what, SQLException e) {
    return new IllegalStateException("cannot " + what + " the TLS report store " + url + ": " + e.getMessage(), e);
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw failure("close", e);
    }
  }
}
