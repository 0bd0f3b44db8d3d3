package org.dane4j.sts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.dane4j.testkit.sts.StsPolicyServer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What every {@link StsPolicyCache} does (checklist STS-3), run against the memory, file and JDBC caches.
 * {@link #open()} gives a cache; {@link #reopen()} another one over the same store (a restart, or another sender).
 */
abstract class StsPolicyCacheContract {
  static final Instant T = Instant.parse("2026-06-01T12:00:00Z");
  static final StsPolicy ENFORCE = StsPolicy.parse(StsPolicyServer.policyText("enforce", 86400, "mx.a.test"));
  static final StsPolicy TESTING = StsPolicy.parse(StsPolicyServer.policyText("testing", 86400, "mx.a.test"));
  static final StsPolicy NONE = StsPolicy.parse("version: STSv1\nmode: none\nmax_age: 86400\n");

  /** A new, empty cache. */
  abstract StsPolicyCache open() throws Exception;

  /** Another cache over the store of the last {@link #open()}; or that same cache for a store in memory. */
  abstract StsPolicyCache reopen() throws Exception;

  static CachedStsPolicy entry(String domain, String id, StsPolicy policy, Instant fetchedAt) {
    return new CachedStsPolicy(domain, id, policy, fetchedAt);
  }

  @Test
  @DisplayName("STS-3 (contract): an unknown domain has no entry; a stored one comes back whole, text byte for byte")
  void sts3_roundTrip() throws Exception {
    StsPolicyCache cache = open();
    assertThat(cache.get("a.test")).isEmpty();
    String crlf = "version: STSv1\r\nmode: enforce\r\nmx: mx.a.test\r\nmx: *.b.test\r\nmax_age: 604800\r\nx-ext: 1\r\n";
    cache.put(entry("a.test", "20260601T1", StsPolicy.parse(crlf), T));
    for (StsPolicyCache c : List.of(cache, reopen())) {
      CachedStsPolicy got = c.get("a.test").orElseThrow();
      assertThat(got.id()).isEqualTo("20260601T1");
      assertThat(got.fetchedAt()).isEqualTo(T);
      assertThat(got.policy().text()).isEqualTo(crlf);
      assertThat(got.policy().mxPatterns()).containsExactly("mx.a.test", "*.b.test");
      assertThat(got.validUntil()).isEqualTo(T.plusSeconds(604800));
      assertThat(c.get("b.test")).isEmpty();
    }
  }

  @Test
  @DisplayName("STS-3 (contract): last writer wins by fetch time: an older fetch written later never replaces a newer one")
  void sts3_lastWriterWinsByFetchTime() throws Exception {
    StsPolicyCache cache = open();
    cache.put(entry("a.test", "new", ENFORCE, T));
    reopen().put(entry("a.test", "old", TESTING, T.minusSeconds(1)));
    assertThat(cache.get("a.test").orElseThrow().id()).isEqualTo("new");
    reopen().put(entry("a.test", "newer", TESTING, T.plusSeconds(1)));
    assertThat(cache.get("a.test").orElseThrow().id()).isEqualTo("newer");
    assertThat(reopen().get("a.test").orElseThrow().policy().mode()).isEqualTo(StsMode.TESTING);
  }

  @Test
  @DisplayName("STS-3 (contract): the same fetch time replaces (the later writer wins a tie)")
  void sts3_tieReplaces() throws Exception {
    StsPolicyCache cache = open();
    cache.put(entry("a.test", "one", ENFORCE, T));
    cache.put(entry("a.test", "two", ENFORCE, T));
    assertThat(reopen().get("a.test").orElseThrow().id()).isEqualTo("two");
  }

  @Test
  @DisplayName("STS-3 (contract): a newer mode none replaces an enforce policy at once")
  void sts3_modeNoneReplaces() throws Exception {
    StsPolicyCache cache = open();
    cache.put(entry("a.test", "v1", ENFORCE, T));
    cache.put(entry("a.test", "v2", NONE, T.plusSeconds(60)));
    assertThat(reopen().get("a.test").orElseThrow().policy().mode()).isEqualTo(StsMode.NONE);
  }

  @Test
  @DisplayName("STS-3 (contract): remove(domain) drops only that domain; remove(entry) never drops a later fetch")
  void sts3_remove() throws Exception {
    StsPolicyCache cache = open();
    cache.put(entry("a.test", "a1", ENFORCE, T));
    cache.put(entry("b.test", "b1", ENFORCE, T));
    cache.remove("a.test");
    cache.remove("nothing.test");
    assertThat(reopen().get("a.test")).isEmpty();
    assertThat(reopen().get("b.test")).isPresent();

    CachedStsPolicy expired = entry("c.test", "c1", ENFORCE, T);
    cache.put(expired);
    reopen().put(entry("c.test", "c2", ENFORCE, T.plusSeconds(86400)));   // another sender refreshed it
    cache.remove(expired);
    assertThat(reopen().get("c.test").orElseThrow().id()).isEqualTo("c2");
    cache.remove(cache.get("c.test").orElseThrow());
    assertThat(reopen().get("c.test")).isEmpty();
  }

  @Test
  @DisplayName("STS-3 (contract): concurrent writers converge on the latest fetch")
  void sts3_concurrentWritersConverge() throws Exception {
    StsPolicyCache cache = open();
    List<StsPolicyCache> writers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      writers.add(reopen());
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        StsPolicyCache writer = writers.get(w);
        int first = w;
        done.add(pool.submit(() -> {
          for (int i = first; i < 200; i += 4) {   // the four writers interleave fetch times 0..199
            writer.put(entry("a.test", "id" + i, ENFORCE, T.plusSeconds(i)));
            writer.put(entry("a.test", "stale" + i, ENFORCE, T.minusSeconds(i + 1)));
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(cache.get("a.test").orElseThrow().id()).isEqualTo("id199");
    assertThat(reopen().get("a.test").orElseThrow().fetchedAt()).isEqualTo(T.plusSeconds(199));
  }
}
