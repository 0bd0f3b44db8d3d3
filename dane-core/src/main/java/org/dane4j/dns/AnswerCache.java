package org.dane4j.dns;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.xbill.DNS.Name;

/**
 * The answer cache shared by all lookups of one resolver: bounded, each answer kept for its own TTL
 * (capped; failures kept only briefly), on the injected clock; concurrent identical lookups share one
 * query (Caffeine's {@link AsyncCache} coalesces them). A size of 0 disables caching and coalescing.
 */
final class AnswerCache {
  record Key(Name name, int type) {}

  private final AsyncCache<Key, DnsAnswer> cache;

  AnswerCache(long maximumSize, Duration maxTtl, Clock clock, Executor executor) {
    // Size 0 means no cache at all: Caffeine would still hand out an entry until its async eviction.
    this.cache = maximumSize == 0 ? null : Caffeine.newBuilder()
        .maximumSize(maximumSize)
        .recordStats()
        .executor(executor)
        .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
        .expireAfter(new Expiry<Key, DnsAnswer>() {
          @Override
          public long expireAfterCreate(Key key, DnsAnswer answer, long currentTime) {
            Duration ttl = answer.ttl().compareTo(maxTtl) > 0 ? maxTtl : answer.ttl();
            return ttl.toNanos();
          }

          @Override
          public long expireAfterUpdate(Key key, DnsAnswer answer, long currentTime, long currentDuration) {
            return expireAfterCreate(key, answer, currentTime);
          }

          @Override
          public long expireAfterRead(Key key, DnsAnswer answer, long currentTime, long currentDuration) {
            return currentDuration;
          }
        })
        .buildAsync();
  }

  /** Lookups answered from the cache (a lookup that joined one in flight counts too), and the others. */
  DaneResolver.CacheStats stats() {
    if (cache == null) {
      return new DaneResolver.CacheStats(0, 0, 0);
    }
    com.github.benmanes.caffeine.cache.stats.CacheStats s = cache.synchronous().stats();
    return new DaneResolver.CacheStats(s.hitCount(), s.missCount(), cache.synchronous().estimatedSize());
  }

  CompletableFuture<DnsAnswer> get(Name name, int type, Function<Key, CompletableFuture<DnsAnswer>> lookup) {
    Key key = new Key(name, type);
    return cache == null ? lookup.apply(key) : cache.get(key, (k, executor) -> lookup.apply(k));
  }
}
