package org.dane4j.sts;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where MTA-STS policies are kept between lookups (RFC 8461 §5.1, checklist STS-3). {@link MtaSts} decides what
 * to store and when an entry applies; a cache only keeps entries, keyed by domain, and keeps the one with the
 * latest {@link CachedStsPolicy#fetchedAt() fetch time} when two writers race (last writer wins by fetch time,
 * so a store shared by a fleet of senders converges).
 *
 * <p>Two implementations come with dane4j: {@link #inMemory()} and {@link #file(Path)}, an embedded persistent
 * cache in one file, which RFC 8461 §5.1 expects (the cache should survive restarts, else a restarted sender
 * is open to a downgrade until it fetches again). A shared store for fleets implements this interface.
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

  /** Drops the entry of {@code domain}, if any (an expired policy that is gone, or an administrator's purge). */
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
}
