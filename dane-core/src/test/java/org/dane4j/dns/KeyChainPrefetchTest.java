package org.dane4j.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.dane4j.testkit.dns.DnsFault;
import org.dane4j.testkit.dns.DnsTestServer;
import org.dane4j.testkit.dns.DnsWorld;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/**
 * The chain of trust fetched in parallel ({@link KeyChainPrefetch}) and dnsjava's stages on the resolver's
 * executor ({@link StagesOn}): same questions, same verdicts, bogus stays bogus.
 */
class KeyChainPrefetchTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-06-01T12:00:00Z"), ZoneOffset.UTC);

  private DnsWorld world;
  private DnsTestServer server;
  private DaneResolver resolver;

  @BeforeEach
  void start() {
    world = DnsWorld.create(CLOCK);
    world.zone("test.");
    world.zone("example.test.").add("mx.example.test. 300 IN A 127.0.0.1",
        "_25._tcp.mx.example.test. 300 IN TLSA 3 1 1 " + "ab".repeat(32));
    world.zone("other.test.").add("host.other.test. 300 IN A 127.0.0.2");
    server = world.start();
    resolver = DaneResolver.builder().servers(server.address()).trustAnchors(world.trustAnchor())
        .clock(CLOCK).timeout(Duration.ofMillis(400)).retries(0).cacheSize(0).build();
  }

  @AfterEach
  void stop() {
    resolver.close();
    server.close();
  }

  @Test
  @DisplayName("DNS-3: the DS and DNSKEY of every zone down to the signer are asked for without waiting for the"
      + " zone above")
  void dns3_chainOfTrustFetchedInParallel() {
    // test.'s DNSKEY never comes: a validator walking the chain one step at a time cannot get any further.
    world.fault("test.", Type.DNSKEY, DnsFault.TIMEOUT);
    DnsAnswer a = resolver.lookup("mx.example.test", Type.A).join();
    assertThat(a.failed()).isTrue();
    assertThat(a.secureData()).isFalse();
    assertThat(server.queryCount("example.test.", Type.DS)).isEqualTo(1);
    assertThat(server.queryCount("example.test.", Type.DNSKEY)).isEqualTo(1);
  }

  @Test
  @DisplayName("DNS-3: a cold lookup asks each question of the chain once, and a lookup in a known zone asks"
      + " only its own question")
  void dns3_noQuestionTwiceNoPrefetchForKnownKeys() {
    DnsAnswer a = resolver.lookup("mx.example.test", Type.A).join();
    assertThat(a.secureData()).isTrue();
    assertThat(server.queryCount(".", Type.DNSKEY)).isEqualTo(1);
    assertThat(server.queryCount("test.", Type.DS)).isEqualTo(1);
    assertThat(server.queryCount("test.", Type.DNSKEY)).isEqualTo(1);
    assertThat(server.queryCount("example.test.", Type.DS)).isEqualTo(1);
    assertThat(server.queryCount("example.test.", Type.DNSKEY)).isEqualTo(1);
    assertThat(server.queryCount()).isEqualTo(6);

    server.resetCounters();
    DnsAnswer tlsa = resolver.lookup("_25._tcp.mx.example.test", Type.TLSA).join();
    DnsAnswer aaaa = resolver.lookup("mx.example.test", Type.AAAA).join();
    assertThat(tlsa.secureData()).isTrue();
    assertThat(aaaa.secureDenial()).isTrue();
    assertThat(server.queryCount()).isEqualTo(2);
  }

  @Test
  @DisplayName("DNS-3: a new zone under zones already validated asks only for its own DS and DNSKEY (dnsjava walks"
      + " from the trust anchor again; the root's and TLD's answers are kept by TTL)")
  void dns3_newZoneUnderKnownKeysFetchesOnlyItsOwnKeys() {
    assertThat(resolver.lookup("mx.example.test", Type.A).join().secureData()).isTrue();
    server.resetCounters();
    DnsAnswer other = resolver.lookup("host.other.test", Type.A).join();
    assertThat(other.secureData()).isTrue();
    assertThat(server.queryCount(".", Type.DNSKEY)).isZero();
    assertThat(server.queryCount("test.", Type.DS)).isZero();
    assertThat(server.queryCount("test.", Type.DNSKEY)).isZero();
    assertThat(server.queryCount("other.test.", Type.DS)).isEqualTo(1);
    assertThat(server.queryCount("other.test.", Type.DNSKEY)).isEqualTo(1);
    assertThat(server.queryCount()).isEqualTo(3);
  }

  @Test
  @DisplayName("DNS-2: after a bogus result no kept key answer is served again: the chain is fetched afresh")
  void dns2_bogusDropsKeptKeyAnswers() {
    assertThat(resolver.lookup("mx.example.test", Type.A).join().secureData()).isTrue();
    world.fault("other.test.", DnsFault.WRONG_DS);
    assertThat(resolver.lookup("host.other.test", Type.A).join().status()).isEqualTo(DnssecStatus.BOGUS);
    world.clearFaults("other.test.");
    server.resetCounters();
    assertThat(resolver.lookup("host.other.test", Type.A).join().secureData()).isTrue();
    assertThat(server.queryCount("other.test.", Type.DS)).isEqualTo(1);
  }

  @Test
  @DisplayName("DNS-3: concurrent cold lookups share the chain's questions")
  void dns3_concurrentColdLookupsShareKeyQuestions() {
    List<CompletableFuture<DnsAnswer>> all = List.of(resolver.lookup("mx.example.test", Type.A),
        resolver.lookup("mx.example.test", Type.AAAA), resolver.lookup("_25._tcp.mx.example.test", Type.TLSA),
        resolver.lookup(".", Type.SOA));
    all.forEach(f -> assertThat(f.join().failed()).isFalse());
    for (String zone : List.of(".", "test.", "example.test.")) {
      assertThat(server.queryCount(zone, Type.DNSKEY)).as(zone).isEqualTo(1);
    }
    assertThat(server.queryCount("example.test.", Type.DS)).isEqualTo(1);
  }

  @Test
  @DisplayName("DNS-2: prefetched keys change nothing about bogus: a corrupt DNSKEY signature or a wrong DS"
      + " higher up stays bogus")
  void dns2_bogusChainStaysBogus() {
    world.fault("test.", Type.DNSKEY, DnsFault.CORRUPT_RRSIG);
    assertThat(resolver.lookup("mx.example.test", Type.A).join().status()).isEqualTo(DnssecStatus.BOGUS);
    assertThat(resolver.lookup("_25._tcp.mx.example.test", Type.TLSA).join().status())
        .isEqualTo(DnssecStatus.BOGUS);
  }

  @Test
  @DisplayName("DNS-2: a DS that matches no key stays bogus with the chain prefetched")
  void dns2_wrongDsStaysBogus() {
    world.fault("example.test.", DnsFault.WRONG_DS);
    assertThat(resolver.lookup("mx.example.test", Type.A).join().status()).isEqualTo(DnssecStatus.BOGUS);
    assertThat(resolver.lookup("_25._tcp.mx.example.test", Type.TLSA).join().status())
        .isEqualTo(DnssecStatus.BOGUS);
  }

  @Test
  @DisplayName("xxxAsync stages without an executor run on the resolver's executor, also on dependent futures")
  void stagesRunOnTheGivenExecutor() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "given-executor"));
    try {
      CompletableFuture<String> f = StagesOn.of(CompletableFuture.completedFuture(1), pool)
          .thenApply(x -> x + 1)
          .thenComposeAsync(x -> CompletableFuture.completedFuture(Thread.currentThread().getName()))
          .handleAsync((name, e) -> name + "/" + Thread.currentThread().getName());
      assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo("given-executor/given-executor");
    } finally {
      pool.shutdownNow();
    }
  }
}
