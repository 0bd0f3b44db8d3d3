package org.dane4j.sts;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** {@link StsPolicyCache#inMemory()}: a bounded map; the base of the file cache too. */
class MemoryStsPolicyCache implements StsPolicyCache {
  @Override
  public boolean nonBlockingGet() {
    return true; // a map in memory; FileStsPolicyCache reads its file once and then serves from the same map
  }

  private final Map<String, CachedStsPolicy> entries = new HashMap<>();
  private final int maxEntries;

  MemoryStsPolicyCache(int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be at least 1: " + maxEntries);
    }
    this.maxEntries = maxEntries;
  }

  @Override
  public synchronized Optional<CachedStsPolicy> get(String domain) {
    return Optional.ofNullable(entries.get(domain));
  }

  @Override
  public synchronized void put(CachedStsPolicy entry) {
    if (store(entry)) {
      changed();
    }
  }

  @Override
  public synchronized void remove(String domain) {
    if (entries.remove(domain) != null) {
      changed();
    }
  }

  /** Puts without calling {@link #changed()}; false when a later fetch is already held. */
  final boolean store(CachedStsPolicy entry) {
    CachedStsPolicy held = entries.get(entry.domain());
    if (held != null && held.fetchedAt().isAfter(entry.fetchedAt())) {
      return false;
    }
    entries.put(entry.domain(), entry);
    while (entries.size() > maxEntries) {
      entries.values().stream().min(Comparator.comparing(CachedStsPolicy::validUntil))
          .ifPresent(e -> entries.remove(e.domain()));
    }
    return true;
  }

  /** A snapshot of all entries, for writing. */
  final Map<String, CachedStsPolicy> snapshot() {
    return Map.copyOf(entries);
  }

  /** Called under the lock after a change. */
  void changed() {}
}
