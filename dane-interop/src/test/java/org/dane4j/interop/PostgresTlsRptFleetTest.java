package org.dane4j.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.dane4j.delivery.SendInfo;
import org.dane4j.dns.DaneResolver;
import org.dane4j.smtp.DaneMode;
import org.dane4j.smtp.DeliveryAttempt;
import org.dane4j.smtp.DeliveryPlanner;
import org.dane4j.smtp.Destination;
import org.dane4j.smtp.MxRoute;
import org.dane4j.smtp.TlsVerdict;
import org.dane4j.testkit.dns.DnsTestServer;
import org.dane4j.testkit.dns.DnsWorld;
import org.dane4j.testkit.dns.DnsZone;
import org.dane4j.tlsa.FailureType;
import org.dane4j.tlsrpt.DayAggregate;
import org.dane4j.tlsrpt.JdbcTlsReportStore;
import org.dane4j.tlsrpt.ReportMailer;
import org.dane4j.tlsrpt.ReportSettings;
import org.dane4j.tlsrpt.TlsReportSender;
import org.dane4j.tlsrpt.TlsReportStore;
import org.dane4j.tlsrpt.TlsRptSink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The TLS-RPT store of a fleet on a real PostgreSQL ({@code interop/postgres.sh}): every "sending process" is a
 * {@link JdbcTlsReportStore} with its own connection, a {@link TlsRptSink} with its own flush thread and its own
 * delivering threads, and a {@link TlsReportSender} with its own lease holder name (issue #14, checklist RPT-*).
 * DNS (the MX routes, the {@code _smtp._tls} records looked up at send time) comes from the in-process testkit.
 */
class PostgresTlsRptFleetTest {
  private static final Instant T = Instant.parse("2026-06-01T12:00:00Z");
  private static final LocalDate DAY = LocalDate.parse("2026-06-01");
  private static final Clock CLOCK = Clock.fixed(T, ZoneOffset.UTC);
  private static final int DOMAINS = 5;
  private static final String TLSA = "3 1 1 " + "ab".repeat(32);

  private static DnsWorld world;
  private static DnsTestServer dns;
  private static DaneResolver resolver;
  private static final List<MxRoute> ROUTES = new ArrayList<>();

  private final Postgres pg = Postgres.get();

  @BeforeAll
  static void dnsWorld() {
    world = DnsWorld.create(CLOCK);
    world.zone("test.");
    DnsZone fleet = world.zone("fleet.test.");
    for (int i = 0; i < DOMAINS; i++) {
      String d = "d" + i + ".fleet.test.";
      fleet.add(d + " 300 IN MX 10 mx." + d, "mx." + d + " 300 IN A 127.0.0." + (10 + i),
          "_25._tcp.mx." + d + " 300 IN TLSA " + TLSA,
          "_smtp._tls." + d + " 300 IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@" + d.substring(0, d.length() - 1) + "\"");
    }
    dns = world.start();
    resolver = DaneResolver.builder().servers(dns.address()).trustAnchors(world.trustAnchor()).clock(CLOCK)
        .timeout(Duration.ofSeconds(3)).retries(1).build();
    DeliveryPlanner planner = DeliveryPlanner.builder(resolver).mode(DaneMode.DANE).clock(CLOCK)
        .random(new Random(1)).build();
    for (int i = 0; i < DOMAINS; i++) {
      ROUTES.add(planner.plan(Destination.domain("d" + i + ".fleet.test")).join().routes().get(0));
    }
  }

  @AfterAll
  static void stopDns() {
    if (resolver != null) {
      resolver.close();
    }
    if (dns != null) {
      dns.close();
    }
  }

  @BeforeEach
  void emptyDatabase() throws Exception {
    try (Connection c = pg.dataSource().getConnection(); Statement s = c.createStatement()) {
      for (String t : List.of("tlsrpt_count", "tlsrpt_policy", "tlsrpt_detail", "tlsrpt_sent", "tlsrpt_lease",
          "tlsrpt_schema")) {
        s.execute("DROP TABLE IF EXISTS " + t);
      }
    }
  }

  /** A store of its own, as a separate sending process opens it (one connection each). */
  private JdbcTlsReportStore store() {
    Properties p = new Properties();
    p.setProperty("user", pg.env.getProperty("user"));
    p.setProperty("password", pg.env.getProperty("password"));
    return JdbcTlsReportStore.open(pg.env.getProperty("jdbc.url"), p);
  }

  private static DeliveryAttempt verified(int domain) throws Exception {
    return new DeliveryAttempt(ROUTES.get(domain), InetAddress.getByName("127.0.0." + (10 + domain)),
        TlsVerdict.VERIFIED, null, "TLSv1.3", "TLS_AES_128_GCM_SHA256", null, false, "ok");
  }

  private static DeliveryAttempt notTrusted(int domain) throws Exception {
    return new DeliveryAttempt(ROUTES.get(domain), InetAddress.getByName("127.0.0." + (10 + domain)),
        TlsVerdict.FAILED, null, null, null, FailureType.CERTIFICATE_NOT_TRUSTED, true, "no TLSA record matched");
  }

  /** Records through {@code processes} sinks (each with its own store), then returns what each domain counted. */
  private void recordFleet(int processes, int threadsEach, int sessionsPerThread) throws Exception {
    List<JdbcTlsReportStore> stores = new ArrayList<>();
    List<TlsRptSink> sinks = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(processes * threadsEach);
    CountDownLatch go = new CountDownLatch(1);
    try {
      // the first use of a new database by every process at once: the schema is created once
      List<Future<JdbcTlsReportStore>> opening = new ArrayList<>();
      for (int p = 0; p < processes; p++) {
        opening.add(pool.submit(() -> {
          go.await();
          return store();
        }));
      }
      go.countDown();
      for (Future<JdbcTlsReportStore> f : opening) {
        stores.add(f.get(60, TimeUnit.SECONDS));
      }
      for (JdbcTlsReportStore s : stores) {
        // small flushes, so that the processes' upserts interleave on the same rows many times
        sinks.add(TlsRptSink.builder(s).clock(CLOCK).flushEvery(50).flushInterval(Duration.ofMillis(20)).build());
      }
      List<Future<?>> work = new ArrayList<>();
      for (TlsRptSink sink : sinks) {
        for (int t = 0; t < threadsEach; t++) {
          int seed = t;
          work.add(pool.submit(() -> {
            for (int i = 0; i < sessionsPerThread; i++) {
              int d = (i / 10 + seed) % DOMAINS; // every domain gets failures and successes
              sink.attemptFinished(new SendInfo("d" + d + ".fleet.test", false),
                  i % 10 == 0 ? notTrusted(d) : verified(d), null);
            }
            return null;
          }));
        }
      }
      for (Future<?> f : work) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
      for (TlsRptSink s : sinks) {
        s.close();
        assertThat(s.dropped()).as("dropped sessions").isZero();
      }
      stores.forEach(TlsReportStore::close);
    }
  }

  @Test
  @DisplayName("RPT-fleet (PostgreSQL): six sending processes record at once into one new database; the day's"
      + " report counts every session exactly once")
  void rptFleet_everySessionCountedOnce() throws Exception {
    int processes = 6;
    int threads = 2;
    int sessions = 5_000;
    recordFleet(processes, threads, sessions);
    long total = 0;
    long failures = 0;
    try (JdbcTlsReportStore store = store()) {
      assertThat(store.version()).isEqualTo(JdbcTlsReportStore.SCHEMA_VERSION);
      assertThat(store.policyDomains(DAY)).hasSize(DOMAINS);
      for (int d = 0; d < DOMAINS; d++) {
        DayAggregate agg = store.read(DAY, "d" + d + ".fleet.test");
        assertThat(agg.policies()).hasSize(1);
        DayAggregate.PolicyCounts pc = agg.policies().get(0);
        assertThat(pc.failures().keySet()).singleElement()
            .satisfies(f -> assertThat(f.resultType()).isEqualTo("certificate-not-trusted"));
        total += pc.successful() + pc.failures().values().stream().mapToLong(Long::longValue).sum();
        failures += pc.failures().values().stream().mapToLong(Long::longValue).sum();
      }
    }
    assertThat(total).isEqualTo((long) processes * threads * sessions);
    assertThat(failures).isEqualTo((long) processes * threads * (sessions / 10));
  }

  /** A mail system that counts the reports per recipient. */
  private static final class CountingMailer implements ReportMailer {
    final Map<String, AtomicInteger> sent = new ConcurrentHashMap<>();

    @Override
    public CompletableFuture<Void> send(String from, String to, byte[] message) {
      sent.computeIfAbsent(to, k -> new AtomicInteger()).incrementAndGet();
      return CompletableFuture.completedFuture(null);
    }
  }

  private TlsReportSender sender(TlsReportStore store, ReportMailer mailer, String holder, Clock clock, Duration ttl) {
    return TlsReportSender.builder(store, resolver, ReportSettings.of("Fleet Org", "mailto:postmaster@fleet.test",
            "fleet.test"))
        .mailer(mailer, "tlsrpt-noreply@fleet.test").https(false).spread(Duration.ZERO).holder(holder).clock(clock)
        .leaseTtl(ttl).maxAttempts(1).build();
  }

  @Test
  @DisplayName("RPT-fleet (PostgreSQL): six senders run the daily send at once; one takes the lease, and exactly one"
      + " report per domain and day leaves")
  void rptFleet_oneReportPerDomainPerDay() throws Exception {
    recordFleet(2, 1, 500);
    int senders = 6;
    CountingMailer mailer = new CountingMailer();
    Clock nextDay = Clock.fixed(T.plus(Duration.ofHours(12).plusMinutes(5)), ZoneOffset.UTC);
    List<JdbcTlsReportStore> stores = new ArrayList<>();
    List<TlsReportSender> running = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(senders);
    try {
      for (int i = 0; i < senders; i++) {
        JdbcTlsReportStore s = store();
        stores.add(s);
        running.add(sender(s, mailer, "sender-" + i, nextDay, TlsReportSender.LEASE_TTL));
      }
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Optional<List<TlsReportSender.Outcome>>>> runs = new ArrayList<>();
      for (TlsReportSender s : running) {
        runs.add(pool.submit(() -> {
          go.await();
          return s.sendDayIfLeader(DAY).get(60, TimeUnit.SECONDS);
        }));
      }
      go.countDown();
      int leaders = 0;
      for (Future<Optional<List<TlsReportSender.Outcome>>> f : runs) {
        Optional<List<TlsReportSender.Outcome>> o = f.get(90, TimeUnit.SECONDS);
        if (o.isPresent()) {
          leaders++;
          assertThat(o.get()).hasSize(DOMAINS)
              .allSatisfy(x -> assertThat(x.status()).isEqualTo(TlsReportSender.Status.SENT));
        }
      }
      assertThat(leaders).as("senders that took the lease").isEqualTo(1);
      assertThat(mailer.sent).hasSize(DOMAINS);
      assertThat(mailer.sent.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
      for (int d = 0; d < DOMAINS; d++) {
        assertThat(stores.get(0).sent(DAY, "d" + d + ".fleet.test")).isPresent();
      }
      // even without the lease (a CLI's `tlsrpt send`), the sent marks keep every other sender from a duplicate
      List<TlsReportSender.Outcome> again = running.get(3).sendDay(DAY).get(60, TimeUnit.SECONDS);
      assertThat(again).allSatisfy(x -> assertThat(x.status()).isEqualTo(TlsReportSender.Status.ALREADY_SENT));
      assertThat(mailer.sent.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    } finally {
      pool.shutdownNow();
      running.forEach(TlsReportSender::close);
      stores.forEach(TlsReportStore::close);
    }
  }

  /** A clock the test moves. */
  private static final class MovingClock extends Clock {
    volatile Instant now;

    MovingClock(Instant now) {
      this.now = now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  @DisplayName("RPT-fleet (PostgreSQL): a sender that crashed holding the day's lease blocks the others until its"
      + " lease expires; then another sender takes the day over and sends each report once")
  void rptFleet_crashedSendersLeaseExpires() throws Exception {
    recordFleet(1, 1, 100);
    Duration ttl = Duration.ofMinutes(2);
    CountingMailer crashedMailer = new CountingMailer();
    CountingMailer mailer = new CountingMailer();
    MovingClock clock = new MovingClock(T.plus(Duration.ofHours(12).plusMinutes(5)));
    try (JdbcTlsReportStore crashedStore = store(); JdbcTlsReportStore store = store()) {
      // the crashed process: it took the lease (with the day's first domain already marked sent and mailed,
      // as when it dies during the spread), and never comes back to renew or release it
      TlsReportSender crashed = sender(crashedStore, crashedMailer, "crashed", clock, ttl);
      assertThat(crashedStore.tryLease(TlsReportSender.LEASE_PREFIX + DAY, "crashed", ttl, clock.instant())).isTrue();
      assertThat(crashed.send(DAY, "d0.fleet.test").get(30, TimeUnit.SECONDS).status())
          .isEqualTo(TlsReportSender.Status.SENT);
      crashed.close();
      crashedStore.close();

      try (TlsReportSender other = sender(store, mailer, "survivor", clock, ttl)) {
        clock.now = clock.now.plus(ttl).minusSeconds(1);
        assertThat(other.sendDayIfLeader(DAY).get(30, TimeUnit.SECONDS)).as("lease still held").isEmpty();
        assertThat(mailer.sent).isEmpty();
        clock.now = clock.now.plusSeconds(2);
        Optional<List<TlsReportSender.Outcome>> took = other.sendDayIfLeader(DAY).get(60, TimeUnit.SECONDS);
        assertThat(took).as("lease expired, taken over").isPresent();
        assertThat(took.get()).filteredOn(o -> o.status() == TlsReportSender.Status.SENT).hasSize(DOMAINS - 1);
        assertThat(took.get()).filteredOn(o -> o.status() == TlsReportSender.Status.ALREADY_SENT)
            .extracting(TlsReportSender.Outcome::policyDomain).containsExactly("d0.fleet.test");
        assertThat(mailer.sent).doesNotContainKey("tlsrpt@d0.fleet.test").hasSize(DOMAINS - 1);
        assertThat(crashedMailer.sent).containsOnlyKeys("tlsrpt@d0.fleet.test");
        // the holder renews its own lease; a third sender still cannot take it
        assertThat(store.tryLease(TlsReportSender.LEASE_PREFIX + DAY, "survivor", ttl, clock.instant())).isTrue();
        assertThat(store.tryLease(TlsReportSender.LEASE_PREFIX + DAY, "third", ttl, clock.instant())).isFalse();
      }
    }
  }
}
