package org.dane4j.cli;

import java.nio.file.Path;
import java.time.Duration;
import org.dane4j.dns.DaneResolver;
import org.dane4j.sts.MtaSts;
import org.dane4j.sts.StsPolicyCache;
import picocli.CommandLine.Option;

/**
 * The MTA-STS options of {@code send}, {@code check} and {@code monitor} (a picocli mixin; RFC 8461), and the
 * {@link MtaSts} they describe. MTA-STS is on unless {@code --no-mta-sts}: a domain publishes a policy so that
 * senders apply it, and the commands show what a sender that does (mox, Stalwart, Postfix with an STS policy
 * server) would do. DANE still comes first on every MX host that has it (checklist POL-3).
 */
public final class StsOptions {
  /** The prefix of a {@code --sts-cache} value naming a shared JDBC store instead of a file. */
  public static final String JDBC_PREFIX = "jdbc:";

  @Option(names = "--no-mta-sts", description = "Ignore MTA-STS (RFC 8461): no policy lookup, DANE and"
      + " opportunistic TLS only.")
  boolean off;

  @Option(names = "--sts-ca", paramLabel = "FILE",
      description = {"PEM certificates trusted besides the JDK's trust store for MTA-STS: the policy fetch from"
          + " mta-sts.DOMAIN and the WebPKI check of MX hosts under an enforce policy (private test PKIs)."})
  Path stsCa;

  /** The environment variable that holds the password of a {@code --sts-cache jdbc:URL} database. */
  public static final String PASSWORD_ENV = "DANE4J_STS_CACHE_PASSWORD";

  @Option(names = "--sts-cache", paramLabel = "PATH|jdbc:URL",
      description = {"Keep MTA-STS policies in this file between runs (RFC 8461 §5.1; created if missing), or in",
          "a database shared by several senders: jdbc:postgresql://HOST/DB (driver included; the table is",
          "created if missing). Default: in memory, for this run only."})
  String stsCache;

  @Option(names = "--sts-cache-user", paramLabel = "NAME",
      description = "Database user for a jdbc: --sts-cache (default: the URL's user= or the driver's default).")
  String stsCacheUser;

  @Option(names = "--sts-cache-password-file", paramLabel = "FILE",
      description = {"Read the password of a jdbc: --sts-cache from the first line of FILE. Default: the",
          "environment variable " + PASSWORD_ENV + ", else the URL or the driver's own (~/.pgpass)."})
  Path stsCachePasswordFile;

  @Option(names = "--sts-policy-port", hidden = true, defaultValue = "" + MtaSts.HTTPS_PORT,
      description = "Port of the policy host, for test networks only.")
  int policyPort = MtaSts.HTTPS_PORT;

  /** Whether MTA-STS is on (no {@code --no-mta-sts}). */
  public boolean enabled() {
    return !off;
  }

  /**
   * The MTA-STS lookup the options describe, over {@code resolver} (not closed with it), with a policy fetch
   * deadline of {@code fetchTimeout}; null with {@code --no-mta-sts}. No proactive refresh timer: a command runs
   * once. The caller closes it.
   *
   * @throws CommandException (64) for a wrong option, (66) when the --sts-ca file cannot be read or holds no
   *     certificate, or the --sts-cache file cannot be read
   */
  public MtaSts open(DaneResolver resolver, Duration fetchTimeout) {
    if (off) {
      if (stsCa != null || stsCache != null || stsCacheUser != null || stsCachePasswordFile != null) {
        throw new CommandException(ExitCodes.USAGE, "--no-mta-sts cannot be combined with --sts-ca or --sts-cache",
            null);
      }
      return null;
    }
    MtaSts.Builder b;
    try {
      b = MtaSts.builder(resolver).fetchTimeout(fetchTimeout).policyPort(policyPort)
          .refreshCheckInterval(Duration.ZERO);
    } catch (IllegalArgumentException e) {
      throw new CommandException(ExitCodes.USAGE, "--sts-policy-port: " + e.getMessage(), e);
    }
    if (stsCa != null) {
      try {
        b.extraTrustAnchors(stsCa);
      } catch (IllegalArgumentException e) {
        throw new CommandException(ExitCodes.NO_INPUT, "--sts-ca: " + OneLineErrors.echo(e.getMessage()), e);
      }
    }
    if (stsCache != null) {
      b.cache(cache(stsCache, stsCacheUser, password(System.getenv(PASSWORD_ENV))));
    } else if (stsCacheUser != null || stsCachePasswordFile != null) {
      throw new CommandException(ExitCodes.USAGE,
          "--sts-cache-user and --sts-cache-password-file need a jdbc: --sts-cache", null);
    }
    return b.build();
  }

  /** The password for a jdbc: cache: from --sts-cache-password-file, else {@code fromEnv} (may be null). */
  char[] password(String fromEnv) {
    if (stsCachePasswordFile != null) {
      try {
        String text = java.nio.file.Files.readString(stsCachePasswordFile);
        int eol = text.indexOf('\n');
        return (eol < 0 ? text : text.substring(0, eol)).strip().toCharArray();
      } catch (java.io.IOException | RuntimeException e) {
        throw new CommandException(ExitCodes.NO_INPUT, "--sts-cache-password-file: "
            + OneLineErrors.echo(stsCachePasswordFile) + ": cannot be read (" + e.getClass().getSimpleName() + ")",
            e);
      }
    }
    return fromEnv == null || fromEnv.isEmpty() ? null : fromEnv.toCharArray();
  }

  /**
   * The store a {@code --sts-cache} value names: a file path, or a {@code jdbc:} URL of a database shared by a
   * fleet of senders ({@link StsPolicyCache#jdbc}), opened with {@code user} and {@code password} when given.
   * The one place that maps the option to a {@link StsPolicyCache}. A database that cannot be reached now is a
   * wrong option (66), not a run without the cache: a typo must not pass silently; once opened, an outage
   * during the run is logged and the policies already read apply (the store's own rule).
   */
  static StsPolicyCache cache(String spec, String user, char[] password) {
    if (spec.isBlank()) {
      throw new CommandException(ExitCodes.USAGE, "--sts-cache: empty", null);
    }
    if (spec.regionMatches(true, 0, JDBC_PREFIX, 0, JDBC_PREFIX.length())) {
      JdbcUrlDataSource ds = new JdbcUrlDataSource(spec, user, password);
      try (java.sql.Connection c = ds.getConnection()) {
        c.isValid(0);
      } catch (java.sql.SQLException e) {
        throw new CommandException(ExitCodes.NO_INPUT, "--sts-cache: " + JdbcUrlDataSource.redacted(spec) + ": "
            + ("08001".equals(e.getSQLState()) && e.getMessage() != null && e.getMessage().startsWith("No suitable")
                ? "no JDBC driver for this URL in this build (PostgreSQL is included)"
                : OneLineErrors.echo(String.valueOf(e.getMessage()))), e);
      }
      return StsPolicyCache.jdbc(ds);
    }
    try {
      return StsPolicyCache.file(Path.of(spec));
    } catch (RuntimeException e) {
      throw new CommandException(ExitCodes.NO_INPUT, "--sts-cache: " + OneLineErrors.echo(spec) + ": "
          + e.getMessage(), e);
    }
  }
}
