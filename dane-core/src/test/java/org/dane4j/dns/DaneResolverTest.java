package org.dane4j.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.dane4j.testkit.dns.DnsFault;
import org.dane4j.testkit.dns.DnsTestServer;
import org.dane4j.testkit.dns.DnsWorld;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Type;

/** Lookups through the in-process validating backend against a signed world on loopback. */
class DaneResolverTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-06-01T12:00:00Z"), ZoneOffset.UTC);

  private DnsWorld world;
  private DnsTestServer server;
  private DaneResolver resolver;

  @BeforeEach
  void start() {
    world = DnsWorld.create(CLOCK);
    world.zone("test.");
    world.zone("example.test.").add("mx.example.test. 300 IN A 127.0.0.1",
        "alias.example.test. 300 IN CNAME mx.example.test.",
        "out.example.test. 300 IN CNAME host.insecure.test.",
        "loop1.example.test. 300 IN CNAME loop2.example.test.",
        "loop2.example.test. 300 IN CNAME loop1.example.test.");
    world.unsignedZone("insecure.test.").add("host.insecure.test. 300 IN A 127.0.0.3");
    server = world.start();
    resolver = resolver(b -> b);
  }

  private DaneResolver resolver(java.util.function.UnaryOperator<DaneResolver.Builder> extra) {
    return extra.apply(DaneResolver.builder().servers(server.address()).trustAnchors(world.trustAnchor())
        .clock(CLOCK).timeout(Duration.ofMillis(400)).retries(0).cacheSize(0)).build();
  }

  @AfterEach
  void stop() {
    resolver.close();
    server.close();
  }

  private DnsAnswer lookup(String name, int type) {
    return resolver.lookup(name, type).join();
  }

  @Test
  @DisplayName("DNS-1: secure data, secure NODATA and secure NXDOMAIN are told apart")
  void dns1_secureDataNodataNxdomain() {
    DnsAnswer data = lookup("mx.example.test", Type.A);
    assertThat(data.secureData()).isTrue();
    assertThat(data.records(ARecord.class)).extracting(r -> r.getAddress().getHostAddress()).containsExactly("127.0.0.1");
    DnsAnswer nodata = lookup("mx.example.test", Type.TLSA);
    assertThat(nodata.outcome()).isEqualTo(DnsOutcome.NODATA);
    assertThat(nodata.secureDenial()).isTrue();
    DnsAnswer nxdomain = lookup("nothing.example.test", Type.A);
    assertThat(nxdomain.outcome()).isEqualTo(DnsOutcome.NXDOMAIN);
    assertThat(nxdomain.secureDenial()).isTrue();
  }

  @Test
  @DisplayName("DNS-1: insecure zone: the real outcome with status insecure")
  void dns1_insecureZone() {
    DnsAnswer data = lookup("host.insecure.test", Type.A);
    assertThat(data.status()).isEqualTo(DnssecStatus.INSECURE);
    assertThat(data.outcome()).isEqualTo(DnsOutcome.DATA);
    assertThat(lookup("none.insecure.test", Type.A).outcome()).isEqualTo(DnsOutcome.NXDOMAIN);
  }

  @Test
  @DisplayName("DNS-1: CNAME chains carry each link's status")
  void dns1_cnameChainWithLinkStatus() {
    DnsAnswer secure = lookup("alias.example.test", Type.A);
    assertThat(secure.secureData()).isTrue();
    assertThat(secure.cnameChain()).singleElement().satisfies(l -> {
      assertThat(l.target().toString()).isEqualTo("mx.example.test.");
      assertThat(l.status()).isEqualTo(DnssecStatus.SECURE);
    });
    DnsAnswer mixed = lookup("out.example.test", Type.A);
    assertThat(mixed.status()).isEqualTo(DnssecStatus.INSECURE);
    assertThat(mixed.finalName().toString()).isEqualTo("host.insecure.test.");
    assertThat(mixed.cnameChain()).singleElement()
        .satisfies(l -> assertThat(l.status()).isEqualTo(DnssecStatus.SECURE)); // the link itself is signed
  }

  @Test
  @DisplayName("DNS-2: bogus and failed lookups are failures, never 'no records'")
  void dns2_failuresAreNotAbsence() {
    for (DnsFault fault : List.of(DnsFault.CORRUPT_RRSIG, DnsFault.EXPIRED_RRSIG, DnsFault.MISSING_RRSIG)) {
      world.fault("mx.example.test.", Type.A, fault);
      DnsAnswer a = lookup("mx.example.test", Type.A);
      assertThat(a.status()).as("%s", fault).isEqualTo(DnssecStatus.BOGUS);
      assertThat(a.failed()).isTrue();
      assertThat(a.records()).isEmpty();
      assertThat(a.reason()).isPresent();
    }
    for (DnsFault fault : List.of(DnsFault.SERVFAIL, DnsFault.TIMEOUT, DnsFault.REFUSED)) {
      world.fault("mx.example.test.", Type.A, fault);
      DnsAnswer a = lookup("mx.example.test", Type.A);
      assertThat(a.status()).as("%s", fault).isEqualTo(DnssecStatus.INDETERMINATE);
      assertThat(a.secureDenial()).isFalse();
    }
  }

  @Test
  @DisplayName("DNS-2: a DS that matches no key makes the zone bogus")
  void dns2_wrongDsIsBogus() {
    world.fault("example.test.", DnsFault.WRONG_DS);
    assertThat(lookup("mx.example.test", Type.A).status()).isEqualTo(DnssecStatus.BOGUS);
  }

  @Test
  void garbageAndMismatchedAnswersAreIndeterminate() {
    for (DnsFault fault : List.of(DnsFault.GARBAGE, DnsFault.WRONG_ID, DnsFault.WRONG_QUESTION)) {
      world.fault("mx.example.test.", Type.A, fault);
      DnsAnswer a = lookup("mx.example.test", Type.A);
      assertThat(a.status()).as("%s: %s", fault, a).isEqualTo(DnssecStatus.INDETERMINATE);
      assertThat(a.outcome()).isEqualTo(DnsOutcome.FAILURE);
    }
  }

  @Test
  void truncatedUdpFallsBackToTcp() {
    world.fault("mx.example.test.", Type.A, DnsFault.TRUNCATED_UDP);
    assertThat(lookup("mx.example.test", Type.A).secureData()).isTrue();
  }

  @Test
  void cnameLoopsAndLongChainsFailAsIndeterminate() {
    DnsAnswer loop = lookup("loop1.example.test", Type.A);
    assertThat(loop.status()).isEqualTo(DnssecStatus.INDETERMINATE); // the testkit server gives up: SERVFAIL
    assertThat(loop.failed()).isTrue();
    for (int i = 0; i < 9; i++) {
      world.zone("example.test.").add("c" + i + ".example.test. 300 IN CNAME c" + (i + 1) + ".example.test.");
    }
    world.zone("example.test.").add("c9.example.test. 300 IN A 127.0.0.9");
    DnsAnswer nine = lookup("c0.example.test", Type.A);
    assertThat(nine.failed()).isTrue();
    assertThat(nine.reason()).hasValueSatisfying(r -> assertThat(r).contains("longer than 8 links (maxCnameChain)"));
    assertThat(lookup("c1.example.test", Type.A).secureData()).isTrue(); // 8 links: fine
  }

  @Test
  @DisplayName("DNS-3: the AD bit of a non-loopback resolver is refused unless explicitly allowed")
  void dns3_adTrustOnlyOnLoopback() {
    InetSocketAddress remote = new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 53);
    InetSocketAddress nonLoopback = new InetSocketAddress(addr(192, 0, 2, 1), 53); // never contacted
    assertThatThrownBy(() -> DaneResolver.builder().servers(nonLoopback).trustAd().build())
        .hasMessageContaining("not a loopback address (DNS-3)");
    DaneResolver.builder().servers(nonLoopback).trustAd().trustNonLoopbackAd().build().close();
    DaneResolver.builder().servers(remote).trustAd().build().close();
  }

  @Test
  @DisplayName("DNS-3: the shipped root anchors are IANA's KSK-2017 and KSK-2024")
  void dns3_rootAnchorsShipped() {
    assertThat(RootAnchors.text()).contains("20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D")
        .contains("38696 8 2 683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16");
    // With the real root anchors, our private root is not trusted: its data cannot be secure.
    try (DaneResolver real = DaneResolver.builder().servers(server.address()).clock(CLOCK)
        .timeout(Duration.ofMillis(400)).retries(0).build()) {
      assertThat(real.lookup("mx.example.test", Type.A).join().status()).isNotEqualTo(DnssecStatus.SECURE);
    }
  }

  @Test
  @DisplayName("DNS-4: the probe tells whether validation works")
  void dns4_probe() {
    DnssecProbe ok = resolver.probe().join();
    assertThat(ok.working()).as(ok.explanation()).isTrue();
    world.fault(".", Type.SOA, DnsFault.MISSING_RRSIG);
    DnssecProbe stripped = resolver.probe().join();
    assertThat(stripped.working()).isFalse();
    assertThat(stripped.explanation()).contains("strips DNSSEC records");
  }

  @Test
  void answersAreCachedAndConcurrentLookupsCoalesced() {
    try (DaneResolver cached = resolver(b -> b.cacheSize(100))) {
      server.resetCounters();
      List<CompletableFuture<DnsAnswer>> many = IntStream.range(0, 200)
          .mapToObj(i -> cached.lookup("mx.example.test", Type.A)).toList();
      many.forEach(f -> assertThat(f.join().secureData()).isTrue());
      assertThat(server.queryCount("mx.example.test.", Type.A)).isEqualTo(1);
      cached.lookup("mx.example.test.", Type.A).join();
      assertThat(server.queryCount("mx.example.test.", Type.A)).isEqualTo(1);
    }
  }

  @Test
  void builderRejectsBadSettingsAtOnce() {
    assertThatThrownBy(() -> DaneResolver.builder().timeout(Duration.ZERO)).hasMessageContaining("timeout");
    assertThatThrownBy(() -> DaneResolver.builder().retries(-1)).hasMessageContaining("retries");
    assertThatThrownBy(() -> DaneResolver.builder().maxCnameChain(0)).hasMessageContaining("maxCnameChain");
    assertThatThrownBy(() -> DaneResolver.builder().trustAnchors(" ")).hasMessageContaining("empty");
    assertThatThrownBy(() -> DaneResolver.builder().servers(InetSocketAddress.createUnresolved("dns.example", 53)))
        .hasMessageContaining("IP address");
    assertThatThrownBy(() -> DaneResolver.builder().servers(server.address()).trustAnchors("; nothing\n").build())
        .hasMessageContaining("no DS or DNSKEY trust anchor");
    assertThatThrownBy(() -> DaneResolver.parseName("a..b")).hasMessageContaining("not a domain name");
  }

  private static java.net.InetAddress addr(int a, int b, int c, int d) {
    try {
      return java.net.InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
