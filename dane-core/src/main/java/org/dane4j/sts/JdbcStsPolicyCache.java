package org.dane4j.sts;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link StsPolicyCache#jdbc(DataSource)}: a policy cache in a SQL database shared by a fleet of senders
 * (RFC 8461 §5.1, checklist STS-3). Plain SQL that PostgreSQL and H2 run alike; no dialect.
 *
 * <pre>
 * dane4j_schema     (component VARCHAR(64) PRIMARY KEY, version INTEGER)    -- row ('sts_policy', 1)
 * dane4j_sts_policy (domain VARCHAR(255) PRIMARY KEY, policy_id VARCHAR(64), fetched_at TIMESTAMP WITH TIME ZONE,
 *                    valid_until TIMESTAMP WITH TIME ZONE, policy_text TEXT)
 * </pre>
 *
 * <p>Last writer wins by fetch time: {@code UPDATE … WHERE domain = ? AND fetched_at <= ?}, and when that
 * changes no row an {@code INSERT}; when the insert loses a race (a unique violation, SQLSTATE class 23) the
 * update is tried once more. So an older fetch never replaces a newer one, whichever process writes last.
 * Fetch times are kept to the microsecond (PostgreSQL's precision).
 *
 * <p>Every read goes to the database, so a policy one sender fetched applies at once in the others. When the
 * database fails, the failure is logged and the entry this process last read or wrote applies (an in-memory copy
 * of at most {@link StsPolicyCache#DEFAULT_MAX_ENTRIES} entries): delivery never fails because the store is down,
 * and a policy is never lost because of it.
 */
final class JdbcStsPolicyCache implements StsPolicyCache {
  static final String SCHEMA_TABLE = "dane4j_schema";
  static final String TABLE = "dane4j_sts_policy";
  static final String COMPONENT = "sts_policy";
  static final int SCHEMA_VERSION = 1;
  /** How often schema creation is tried when a concurrent creator makes it fail with a duplicate. */
  static final int SCHEMA_ATTEMPTS = 3;

  private static final Logger LOG = LoggerFactory.getLogger(JdbcStsPolicyCache.class);
  private static final String SELECT =
      "SELECT policy_id, fetched_at, policy_text FROM " + TABLE + " WHERE domain = ?";
  private static final String UPDATE = "UPDATE " + TABLE
      + " SET policy_id = ?, fetched_at = ?, valid_until = ?, policy_text = ? WHERE domain = ? AND fetched_at <= ?";
  private static final String INSERT = "INSERT INTO " + TABLE
      + " (domain, policy_id, fetched_at, valid_until, policy_text) VALUES (?, ?, ?, ?, ?)";

  private final DataSource dataSource;
  private final MemoryStsPolicyCache lastSeen = new MemoryStsPolicyCache(DEFAULT_MAX_ENTRIES);
  private volatile boolean schemaReady;

  JdbcStsPolicyCache(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  @Override
  public Optional<CachedStsPolicy> get(String domain) {
    try (Connection c = connection(); PreparedStatement s = c.prepareStatement(SELECT)) {
      s.setString(1, domain);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          lastSeen.remove(domain);
          return Optional.empty();
        }
        CachedStsPolicy entry;
        try {
          entry = new CachedStsPolicy(domain, r.getString(1), StsPolicy.parse(r.getString(3)),
              r.getObject(2, OffsetDateTime.class).toInstant());
        } catch (RuntimeException e) {
          LOG.warn("MTA-STS policy cache {}: unreadable row of {} ignored: {}", TABLE, domain, e.toString());
          return Optional.empty();
        }
        lastSeen.put(entry);
        return Optional.of(entry);
      }
    } catch (SQLException e) {
      Optional<CachedStsPolicy> held = lastSeen.get(domain);
      LOG.warn("MTA-STS policy cache: cannot read {} from the database ({}); {}", domain, e.toString(),
          held.isPresent() ? "the entry last seen by this process applies" : "no entry seen by this process");
      return held;
    }
  }

  @Override
  public void put(CachedStsPolicy entry) {
    CachedStsPolicy stored = new CachedStsPolicy(entry.domain(), entry.id(), entry.policy(),
        entry.fetchedAt().truncatedTo(ChronoUnit.MICROS));
    lastSeen.put(stored);
    try (Connection c = connection()) {
      if (update(c, stored) == 0) {
        try (PreparedStatement s = c.prepareStatement(INSERT)) {
          s.setString(1, stored.domain());
          s.setString(2, stored.id());
          s.setObject(3, time(stored.fetchedAt()));
          s.setObject(4, time(stored.validUntil()));
          s.setString(5, stored.policy().text());
          s.executeUpdate();
        } catch (SQLException e) {
          if (!isConstraintViolation(e)) {
            throw e;
          }
          update(c, stored);   // the row exists (newer, or inserted by another sender meanwhile)
        }
      }
    } catch (SQLException e) {
      LOG.warn("MTA-STS policy cache: cannot write {} to the database (kept in memory): {}", entry.domain(),
          e.toString());
    }
  }

  private static int update(Connection c, CachedStsPolicy e) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(UPDATE)) {
      s.setString(1, e.id());
      s.setObject(2, time(e.fetchedAt()));
      s.setObject(3, time(e.validUntil()));
      s.setString(4, e.policy().text());
      s.setString(5, e.domain());
      s.setObject(6, time(e.fetchedAt()));
      return s.executeUpdate();
    }
  }

  @Override
  public void remove(String domain) {
    lastSeen.remove(domain);
    delete("DELETE FROM " + TABLE + " WHERE domain = ?", domain, null);
  }

  @Override
  public void remove(CachedStsPolicy entry) {
    lastSeen.remove(entry);
    delete("DELETE FROM " + TABLE + " WHERE domain = ? AND fetched_at <= ?", entry.domain(),
        entry.fetchedAt().truncatedTo(ChronoUnit.MICROS));
  }

  private void delete(String sql, String domain, Instant notAfter) {
    try (Connection c = connection(); PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, domain);
      if (notAfter != null) {
        s.setObject(2, time(notAfter));
      }
      s.executeUpdate();
    } catch (SQLException e) {
      LOG.warn("MTA-STS policy cache: cannot remove {} from the database: {}", domain, e.toString());
    }
  }

  /** A connection in auto-commit mode, the schema created on first use. */
  private Connection connection() throws SQLException {
    Connection c = dataSource.getConnection();
    try {
      if (!c.getAutoCommit()) {
        c.setAutoCommit(true);
      }
      if (!schemaReady) {
        createSchema(c);
        schemaReady = true;
      }
      return c;
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /**
   * Creates the tables when missing and records the schema version; refuses a table written by a later version.
   * Senders creating it at once can fail with a duplicate (PostgreSQL's {@code CREATE TABLE IF NOT EXISTS} is not
   * safe against a concurrent one: SQLSTATE 42P07 or 23505); another attempt then finds the tables there.
   */
  static void createSchema(Connection c) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try {
        createSchemaOnce(c);
        return;
      } catch (SQLException e) {
        if (attempt >= SCHEMA_ATTEMPTS || !isDuplicate(e)) {
          throw e;
        }
      }
    }
  }

  /** A concurrent creator won: a unique violation (class 23), a duplicate table (42P07) or object (42710). */
  private static boolean isDuplicate(SQLException e) {
    String state = e.getSQLState();
    return isConstraintViolation(e) || "42P07".equals(state) || "42710".equals(state);
  }

  private static void createSchemaOnce(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE IF NOT EXISTS " + SCHEMA_TABLE
          + " (component VARCHAR(64) NOT NULL PRIMARY KEY, version INTEGER NOT NULL)");
    }
    Integer version = version(c);
    if (version != null && version > SCHEMA_VERSION) {
      throw new SQLException("table " + TABLE + " has schema version " + version + " (" + SCHEMA_TABLE
          + "), this dane4j knows versions up to " + SCHEMA_VERSION + ": a later dane4j created it", "55000");
    }
    // version < SCHEMA_VERSION: migrations go here when there is a version 2
    try (Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE IF NOT EXISTS " + TABLE + " (domain VARCHAR(255) NOT NULL PRIMARY KEY,"
          + " policy_id VARCHAR(64) NOT NULL, fetched_at TIMESTAMP WITH TIME ZONE NOT NULL,"
          + " valid_until TIMESTAMP WITH TIME ZONE NOT NULL, policy_text TEXT NOT NULL)");
    }
    if (version == null) {
      try (PreparedStatement s = c.prepareStatement(
          "INSERT INTO " + SCHEMA_TABLE + " (component, version) VALUES (?, ?)")) {
        s.setString(1, COMPONENT);
        s.setInt(2, SCHEMA_VERSION);
        s.executeUpdate();
      } catch (SQLException e) {
        if (!isConstraintViolation(e)) {
          throw e;
        }
      }
    }
  }

  private static Integer version(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "SELECT version FROM " + SCHEMA_TABLE + " WHERE component = ?")) {
      s.setString(1, COMPONENT);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? r.getInt(1) : null;
      }
    }
  }

  private static boolean isConstraintViolation(SQLException e) {
    return e.getSQLState() != null && e.getSQLState().startsWith("23");
  }

  private static OffsetDateTime time(Instant t) {
    return t.atOffset(ZoneOffset.UTC);
  }

  @Override
  public String toString() {
    return "JdbcStsPolicyCache[" + dataSource + "]";
  }
}
