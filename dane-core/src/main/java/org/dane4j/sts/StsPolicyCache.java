package org.dane4j.sts;

import java.nio.file.Path;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Where MTA-STS policies are kept between lookups (RFC 8461 §5.1, checklist STS-3). {@link MtaSts} decides what
 * to store and when an entry applies; a cache only keeps entries, keyed by domain, and keeps the one with the
 * latest {@link CachedStsPolicy#fetchedAt() fetch time} when two writers race (last writer wins by fetch time,
 * so a store shared by a fleet of senders converges).
 *
 * <p>Two implementations come with dane4j: {@link #inMemory()} and {@link #file(Path)}, an embedded persistent
 * cache in one file, which RFC 8461 §5.1 expects (the cache should survive restarts, else a restarted sender
 * is open to a downgrade until it fetches again), and {@link #jdbc(DataSource)}, a SQL table shared by a fleet of
 * senders (PostgreSQL).
 * Implementations must be thread-safe. {@link MtaSts} calls them on its fetch executor, never on the caller's
 * thread, so a store may block on I/O.
 */
public interface StsPolicyCache {
  /** The most entries the dane4j caches keep by default; past it the entry that expires first is dropped. */
  int DEFAULT_MAX_ENTRIES = 100_000;

  /** The entry of {@code domain} (lower case, no trailing dot), expired or not. */
  Optional<CachedStsPolicy> get(String domain);

  /** Stores {@code entry}, unless the store holds one for its domain with a later fetch time. */
  void put(CachedStsPolicy entry);

  /** Drops the entry of {@code domain}, if any (an administrator's purge). */
  void remove(String domain);

  /**
   * Whether {@link #get} answers from memory without blocking, so that {@link MtaSts} may read it on the thread
   * that completed the TXT lookup when the cached policy is current (the warm path, no thread hop). False by
   * default (a store that does I/O is then only called on {@link MtaSts}'s executor); the dane4j in-memory and
   * file caches (which read the file once) are non-blocking.
   */
  default boolean nonBlockingGet() {
    return false;
  }

  /**
   * Drops the entry of {@code entry}'s domain unless the store holds a later fetch: what {@link MtaSts} does when
   * an expired policy is gone. In a store shared by several senders, another sender may have stored a fresh
   * policy since this one read {@code entry}; that policy stays. The default does a {@link #get} then a
   * {@link #remove(String)}, which is not atomic: shared stores override it.
   */
  default void remove(CachedStsPolicy entry) {
    Optional<CachedStsPolicy> held = get(entry.domain());
    if (held.isPresent() && !held.get().fetchedAt().isAfter(entry.fetchedAt())) {
      remove(entry.domain());
    }
  }

  /** A cache in this JVM's memory, of at most {@link #DEFAULT_MAX_ENTRIES} entries; lost on restart. */
  static StsPolicyCache inMemory() {
    return new MemoryStsPolicyCache(DEFAULT_MAX_ENTRIES);
  }

  /**
   * A persistent cache in one file, read at once (a missing file is an empty cache; unreadable lines are
   * skipped with a warning) and rewritten atomically (a temporary file in the same directory, then a rename)
   * on every change, holding at most {@link #DEFAULT_MAX_ENTRIES} entries. The format is plain text: a header
   * line, then one line per domain with the id, the fetch time and the policy text in Base64. A failed write is
   * logged and the entry kept in memory: delivery never fails because the cache could not be written.
   *
   * @throws java.io.UncheckedIOException when the file exists but cannot be read
   */
  static StsPolicyCache file(Path file) {
    return new FileStsPolicyCache(file, DEFAULT_MAX_ENTRIES);
  }

  /**
   * A cache in a SQL database that a fleet of senders shares (PostgreSQL; H2 works too), through the
   * application's {@code dataSource} (its driver and pool; dane4j brings no driver). The tables
   * {@code dane4j_sts_policy} and {@code dane4j_schema} (one row per dane4j component with its schema version)
   * are created on first use when missing; a table of a later schema version is refused. The last writer wins
   * by fetch time: an older fetch never replaces a newer one, whichever sender writes last. Every
   * {@link #get} reads the database; when it fails, the failure is logged and the entry this process last saw
   * applies (at most {@link #DEFAULT_MAX_ENTRIES} kept in memory): delivery never fails because the database
   * is down. The table itself has no entry limit: it holds one row per domain mailed to, and {@link MtaSts}
   * deletes a row when its expired policy is gone. The module needs {@code java.sql} for this method only
   * ({@code requires static}).
   */
  static StsPolicyCache jdbc(DataSource dataSource) {
    return new JdbcStsPolicyCache(dataSource);
  }
}
