package org.dane4j.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.dane4j.dns.DaneResolver;
import org.dane4j.sts.CachedStsPolicy;
import org.dane4j.sts.MtaSts;
import org.dane4j.sts.StsFailure;
import org.dane4j.sts.StsLookup;
import org.dane4j.sts.StsMode;
import org.dane4j.sts.StsPolicy;
import org.dane4j.sts.StsPolicyCache;
import org.dane4j.testkit.CertificateMinter;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.dns.DnsTestServer;
import org.dane4j.testkit.dns.DnsWorld;
import org.dane4j.testkit.dns.DnsZone;
import org.dane4j.testkit.sts.StsFault;
import org.dane4j.testkit.sts.StsPolicyServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The JDBC MTA-STS policy cache on a real PostgreSQL ({@code interop/postgres.sh}): several caches, each with its
 * own data source and connections as separate sending processes have, sharing one table (checklist STS-3).
 */
class PostgresStsCacheTest {
  private static final Instant T = Instant.parse("2026-06-01T12:00:00Z");
  private static final StsPolicy ENFORCE =
      StsPolicy.parse(StsPolicyServer.policyText("enforce", 86400, "mx.example.test"));

  private final Postgres pg = Postgres.get();

  @BeforeEach
  void emptyStore() throws Exception {
    try (Connection c = pg.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS dane4j_sts_policy");
      s.execute("CREATE TABLE IF NOT EXISTS dane4j_schema (component VARCHAR(64) PRIMARY KEY, version INTEGER NOT NULL)");
      s.execute("DELETE FROM dane4j_schema WHERE component = 'sts_policy'");
    }
  }

  private StsPolicyCache sender() {
    return StsPolicyCache.jdbc(pg.dataSource());
  }

  private List<String> rows(String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = pg.dataSource().getConnection(); Statement s = c.createStatement();
         ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        out.add(r.getString(1));
      }
    }
    return out;
  }

  @Test
  @DisplayName("STS-3 (PostgreSQL): eight senders using a new database at once create the schema once, all writes land")
  void sts3_concurrentFirstUseCreatesSchemaOnce() throws Exception {
    try (Connection c = pg.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP TABLE dane4j_schema");   // TLS-RPT's row, if any, is not ours to keep in this database
    }
    int n = 8;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        StsPolicyCache cache = sender();
        int me = i;
        done.add(pool.submit(() -> {
          start.await();
          cache.put(new CachedStsPolicy("d" + me + ".example.test", "id" + me, ENFORCE, T));
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(rows("SELECT component || ' ' || version FROM dane4j_schema")).containsExactly("sts_policy 1");
    assertThat(rows("SELECT domain FROM dane4j_sts_policy")).hasSize(n);
  }

  @Test
  @DisplayName("STS-3 (PostgreSQL): last writer wins by fetch time across senders, even when they race")
  void sts3_lastWriterWinsAcrossSenders() throws Exception {
    StsPolicyCache a = sender();
    StsPolicyCache b = sender();
    a.put(new CachedStsPolicy("example.test", "new", ENFORCE, T));
    b.put(new CachedStsPolicy("example.test", "old", ENFORCE, T.minusSeconds(1)));   // written later, fetched earlier
    assertThat(b.get("example.test").orElseThrow().id()).isEqualTo("new");

    int senders = 4;
    int writes = 25;   // each put opens a new connection (no pool), as the slowest fleet would
    ExecutorService pool = Executors.newFixedThreadPool(senders);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < senders; w++) {
        StsPolicyCache cache = sender();
        int first = w;
        done.add(pool.submit(() -> {
          start.await();
          for (int i = first; i < senders * writes; i += senders) {
            cache.put(new CachedStsPolicy("race.example.test", "id" + i, ENFORCE, T.plusMillis(i)));
            cache.put(new CachedStsPolicy("race.example.test", "stale" + i, ENFORCE, T.minusMillis(i + 1)));
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    CachedStsPolicy won = a.get("race.example.test").orElseThrow();
    assertThat(won.id()).isEqualTo("id" + (senders * writes - 1));
    assertThat(won.fetchedAt()).isEqualTo(T.plusMillis(senders * writes - 1));
  }

  @Test
  @DisplayName("STS-3 (PostgreSQL): one sender's failed refresh never erases the policy; mode none from another replaces it at once for all")
  void sts3_failedRefreshNeverErasesModeNoneReplaces() throws Exception {
    Instant start = Instant.parse("2026-06-01T12:00:00Z");
    DnsWorld world = DnsWorld.create(Clock.fixed(start, ZoneOffset.UTC));
    world.zone("test.");
    DnsZone example = world.zone("example.test.");
    MintedCertificate ca = CertificateMinter.certificate().commonName("fleet CA").ca().mint();
    try (StsPolicyServer https = StsPolicyServer.builder("example.test").issuer(ca).address("127.0.0.5")
             .policy(ENFORCE.text()).start();
         DnsTestServer dns = startDns(world, https, example);
         DaneResolver resolver = DaneResolver.builder().servers(dns.address()).trustAnchors(world.trustAnchor())
             .clock(Clock.fixed(start, ZoneOffset.UTC)).timeout(Duration.ofSeconds(2)).retries(1).cacheSize(0)
             .build()) {
      MtaSts.Builder common = MtaSts.builder(resolver).policyPort(https.port())
          .extraTrustAnchors(List.of(ca.certificate())).fetchTimeout(Duration.ofSeconds(10));
      try (MtaSts senderA = common.cache(sender()).build(); MtaSts senderB = common.cache(sender()).build()) {
        StsLookup first = senderA.policy("example.test").get(30, TimeUnit.SECONDS);
        assertThat(first.fromCache()).isFalse();
        StsLookup shared = senderB.policy("example.test").get(30, TimeUnit.SECONDS);
        assertThat(shared.fromCache()).isTrue();   // B uses what A fetched: one fetch for the fleet
        assertThat(https.requests()).hasSize(1);

        https.fault(StsFault.NOT_FOUND).publish(example, "v2");   // a new id, and the refresh fails
        StsLookup failed = senderB.policy("example.test").get(30, TimeUnit.SECONDS);
        assertThat(failed.status()).isEqualTo(StsLookup.Status.POLICY);
        assertThat(failed.enforce()).isTrue();
        assertThat(failed.failure()).contains(StsFailure.POLICY_FETCH_ERROR);
        assertThat(rows("SELECT policy_id FROM dane4j_sts_policy WHERE domain = 'example.test'"))
            .containsExactly("v1");

        https.fault(null).policy("version: STSv1\nmode: none\nmax_age: 86400\n").publish(example, "v3");
        StsLookup none = senderB.policy("example.test").get(30, TimeUnit.SECONDS);
        assertThat(none.policy().orElseThrow().mode()).isEqualTo(StsMode.NONE);
        int fetches = https.requests().size();
        StsLookup seenByA = senderA.policy("example.test").get(30, TimeUnit.SECONDS);
        assertThat(seenByA.fromCache()).isTrue();
        assertThat(seenByA.policy().orElseThrow().mode()).isEqualTo(StsMode.NONE);
        assertThat(seenByA.enforce()).isFalse();
        assertThat(https.requests()).hasSize(fetches);
        assertThat(rows("SELECT policy_id FROM dane4j_sts_policy WHERE domain = 'example.test'"))
            .containsExactly("v3");
      }
    }
  }

  private static DnsTestServer startDns(DnsWorld world, StsPolicyServer https, DnsZone example) {
    https.publish(example, "v1");
    return world.start();
  }
}
