package org.dane4j.interop;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The throw-away PostgreSQL cluster that {@code interop/postgres.sh up} started, as its {@code pg.env} describes
 * it. As with {@link Lab}, the suite never starts it: not up is a FAILURE with the command to run, skipped only
 * with {@code -Ddane4j.interop.skip=true} or {@code DANE4J_INTEROP_SKIP=true}.
 */
final class Postgres {
  final Path dir;
  final Properties env = new Properties();

  private Postgres(Path dir) throws IOException {
    this.dir = dir;
    try (InputStream in = Files.newInputStream(dir.resolve("pg.env"))) {
      env.load(in);
    }
  }

  static Postgres get() {
    boolean skip = Boolean.getBoolean("dane4j.interop.skip")
        || "true".equalsIgnoreCase(System.getenv("DANE4J_INTEROP_SKIP"));
    Assumptions.assumeFalse(skip, "interop suite disabled (dane4j.interop.skip / DANE4J_INTEROP_SKIP)");
    String configured = System.getProperty("dane4j.postgres.dir", "");
    Path dir = Path.of(configured.isEmpty()
        ? System.getenv().getOrDefault("DANE4J_PG_DIR", "/tmp/dane4j-postgres") : configured);
    if (!Files.isRegularFile(dir.resolve("pg.env"))) {
      fail("the test PostgreSQL is not up: " + dir.resolve("pg.env") + " does not exist. Run `interop/postgres.sh up`"
          + " as root first (and `interop/postgres.sh down` afterwards), or disable the suite explicitly with "
          + "-Ddane4j.interop.skip=true.");
    }
    Postgres pg;
    try {
      pg = new Postgres(dir);
    } catch (IOException e) {
      return fail("cannot read " + dir.resolve("pg.env") + ": " + e, e);
    }
    try (Connection c = pg.dataSource().getConnection()) {
      c.isValid(5);
    } catch (SQLException e) {
      fail("the test PostgreSQL at " + pg.env.getProperty("jdbc.url") + " does not answer (" + e + "). Restart it: "
          + "`interop/postgres.sh down; interop/postgres.sh up`; its log is " + dir.resolve("log/postgres.log"));
    }
    return pg;
  }

  /** A new data source: every call is a separate client with its own connections, as a separate sender has. */
  DataSource dataSource() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(env.getProperty("jdbc.url"));
    ds.setUser(env.getProperty("user"));
    ds.setPassword(env.getProperty("password"));
    ds.setConnectTimeout(5);
    ds.setSocketTimeout(30);
    ds.setApplicationName("dane4j-interop");
    return ds;
  }
}
