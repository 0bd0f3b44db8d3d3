package org.dane4j.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.dane4j.dns.DnssecProbe.State;
import org.dane4j.testkit.dns.DnsFault;
import org.dane4j.testkit.dns.DnsTestServer;
import org.dane4j.testkit.dns.DnsWorld;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/**
 * The DNSSEC probe (DNS-4): its states against a signed world on loopback (in-process validation, a
 * validating trust-AD resolver, a trust-AD resolver that does not validate, no answer), its periodic refresh on
 * the injected clock, and that a change of state is logged once.
 */
class DnssecProbeTest {
  private static final Clock SIGNING = Clock.fixed(Instant.parse("2026-06-01T12:00:00Z"), ZoneOffset.UTC);

  private final AnswerCacheTest.MutableClock clock = new AnswerCacheTest.MutableClock();
  private final List<DnssecProbe> logged = new CopyOnWriteArrayList<>();
  private DnsWorld world;
  private DnsTestServer server;

  @BeforeEach
  void start() {
    world = DnsWorld.create(SIGNING);
    world.zone("test.");
    server = world.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private DaneResolver.Builder base(InetSocketAddress upstream) {
    return DaneResolver.builder().servers(upstream).clock(clock).timeout(Duration.ofMillis(400)).retries(0)
        .probeLog((previous, now) -> logged.add(now));
  }

  private DaneResolver inProcess() {
    return base(server.address()).trustAnchors(world.trustAnchor()).build();
  }

  private static String at(InetSocketAddress a) {
    return a.getAddress().getHostAddress() + ":" + a.getPort();
  }

  @Test
  @DisplayName("DNS-4: in-process validation of the signed root: validating")
  void dns4_inProcessValidationIsValidating() {
    try (DaneResolver resolver = inProcess()) {
      DnssecProbe probe = resolver.currentProbe().join();
      assertThat(probe.state()).as(probe.explanation()).isEqualTo(State.VALIDATING);
      assertThat(probe.working()).isTrue();
      assertThat(resolver.lastProbe()).isEqualTo(probe);
    }
  }

  @Test
  @DisplayName("DNS-4: trust-AD over a validating resolver (AD set): validating")
  void dns4_trustAdOverValidatingResolver() throws Exception {
    try (AdSettingProxy validating = new AdSettingProxy(server.address());
        DaneResolver resolver = base(validating.address()).trustAd().build()) {
      DnssecProbe probe = resolver.currentProbe().join();
      assertThat(probe.state()).as(probe.explanation()).isEqualTo(State.VALIDATING);
      assertThat(probe.explanation()).contains(at(validating.address()), "AD bit set");
    }
  }

  @Test
  @DisplayName("DNS-4: trust-AD over a resolver that does not validate (no AD bit): not validating, said plainly")
  void dns4_trustAdOverNonValidatingResolver() {
    try (DaneResolver resolver = base(server.address()).trustAd().build()) {
      DnssecProbe probe = resolver.currentProbe().join();
      assertThat(probe.state()).isEqualTo(State.NOT_VALIDATING);
      assertThat(probe.working()).isFalse();
      assertThat(probe.explanation())
          .contains("the resolver at " + at(server.address()) + " returned the root SOA without the AD bit")
          .contains("it does not validate DNSSEC")
          .contains("cannot tell secure from insecure answers, so DANE cannot be enforced")
          .doesNotContain("not covered by the trust anchors");
      assertThat(logged).extracting(DnssecProbe::state).containsExactly(State.NOT_VALIDATING);
    }
  }

  @Test
  @DisplayName("DNS-4: a resolver that does not answer: unknown (not a claim that it does not validate)")
  void dns4_unreachableResolverIsUnknown() throws Exception {
    InetSocketAddress dead;
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      dead = (InetSocketAddress) s.getLocalSocketAddress(); // closed again: nobody listens there
    }
    try (DaneResolver resolver = base(dead).trustAd().build()) {
      DnssecProbe probe = resolver.currentProbe().join();
      assertThat(probe.state()).as(probe.explanation()).isEqualTo(State.UNKNOWN);
      assertThat(probe.explanation()).contains("no usable answer", at(dead), "unknown")
          .doesNotContain("does not validate DNSSEC");
      assertThat(logged).extracting(DnssecProbe::state).containsExactly(State.UNKNOWN);
    }
    world.fault(".", Type.SOA, DnsFault.TIMEOUT);
    try (DaneResolver resolver = inProcess()) {
      assertThat(resolver.currentProbe().join().state()).isEqualTo(State.UNKNOWN);
    }
  }

  @Test
  @DisplayName("DNS-4: signatures stripped on the way: not validating, with the cause")
  void dns4_strippedSignaturesAreNotValidating() {
    world.fault(".", Type.SOA, DnsFault.MISSING_RRSIG);
    try (DaneResolver resolver = inProcess()) {
      DnssecProbe probe = resolver.currentProbe().join();
      assertThat(probe.state()).isEqualTo(State.NOT_VALIDATING);
      assertThat(probe.explanation()).contains("bogus", "strips DNSSEC records", at(server.address()));
    }
  }

  @Test
  @DisplayName("DNS-4: probed once, refreshed after the interval on the injected clock, each change logged once")
  void dns4_periodicRefreshLoggedOnce() {
    try (DaneResolver resolver = inProcess()) {
      assertThat(resolver.lastProbe().state()).isEqualTo(State.NOT_PROBED);
      assertThat(resolver.currentProbe().join().state()).isEqualTo(State.VALIDATING);
      for (int i = 0; i < 20; i++) {
        assertThat(resolver.currentProbe().join().state()).isEqualTo(State.VALIDATING);
      }
      assertThat(probes()).as("one probe until the interval ends").isEqualTo(1);

      world.fault(".", Type.SOA, DnsFault.MISSING_RRSIG); // the resolver starts stripping signatures
      clock.advance(DaneResolver.DEFAULT_PROBE_INTERVAL.minusMinutes(1));
      assertThat(resolver.currentProbe().join().state()).isEqualTo(State.VALIDATING);
      assertThat(probes()).as("no probe before the interval ends").isEqualTo(1);
      clock.advance(Duration.ofMinutes(1));
      assertThat(resolver.currentProbe().join().state()).as("the old result while refreshing")
          .isEqualTo(State.VALIDATING);
      await(() -> resolver.lastProbe().state() == State.NOT_VALIDATING);
      assertThat(probes()).isGreaterThan(1);

      for (int hour = 0; hour < 3; hour++) { // still broken: probed again every hour, logged once
        DnssecProbe before = resolver.lastProbe();
        int queries = probes();
        assertThat(resolver.currentProbe().join()).as("not due yet").isSameAs(before);
        clock.advance(DaneResolver.DEFAULT_PROBE_INTERVAL);
        resolver.currentProbe().join();
        await(() -> resolver.lastProbe() != before);
        assertThat(probes()).isGreaterThan(queries);
        assertThat(resolver.lastProbe().state()).isEqualTo(State.NOT_VALIDATING);
      }
      assertThat(logged).extracting(DnssecProbe::state).containsExactly(State.VALIDATING, State.NOT_VALIDATING);

      world.clearFaults(); // repaired: seen at the next refresh, logged once
      clock.advance(DaneResolver.DEFAULT_PROBE_INTERVAL);
      resolver.currentProbe().join();
      await(() -> resolver.lastProbe().state() == State.VALIDATING);
      assertThat(logged).extracting(DnssecProbe::state)
          .containsExactly(State.VALIDATING, State.NOT_VALIDATING, State.VALIDATING);
    }
  }

  @Test
  @DisplayName("DNS-4: no answer is retried after a minute, not after the hour")
  void dns4_noAnswerRetriedSooner() {
    world.fault(".", Type.SOA, DnsFault.TIMEOUT);
    try (DaneResolver resolver = inProcess()) {
      assertThat(resolver.currentProbe().join().state()).isEqualTo(State.UNKNOWN);
      world.clearFaults();
      clock.advance(DaneResolver.PROBE_RETRY_AFTER_NO_ANSWER);
      resolver.currentProbe().join();
      await(() -> resolver.lastProbe().state() == State.VALIDATING);
    }
  }

  @Test
  @DisplayName("DNS-4: probe() probes now and records the result")
  void dns4_probeNow() {
    try (DaneResolver resolver = inProcess()) {
      assertThat(resolver.probe().join().working()).isTrue();
      world.fault(".", Type.SOA, DnsFault.MISSING_RRSIG);
      assertThat(resolver.probe().join().state()).isEqualTo(State.NOT_VALIDATING);
      assertThat(resolver.lastProbe().state()).isEqualTo(State.NOT_VALIDATING);
    }
  }

  @Test
  @DisplayName("DNS-4: trust anchors together with trustAd() fail at build(), not silently ignored")
  void dns4_trustAnchorsWithTrustAdRefused() {
    assertThatThrownBy(() -> DaneResolver.builder().servers(server.address()).trustAd()
        .trustAnchors(world.trustAnchor()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("trust anchors and trustAd() cannot be combined")
        .hasMessageContaining("would be ignored");
  }

  @Test
  void probeIntervalIsChecked() {
    assertThatThrownBy(() -> DaneResolver.builder().probeInterval(Duration.ofSeconds(59)))
        .hasMessageContaining("probeInterval must be 1 min..1 day");
  }

  private int probes() {
    return server.queryCount(".", Type.SOA);
  }

  /** Waits for a background refresh, with a generous deadline that only proves it does not hang. */
  private static void await(BooleanSupplier done) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime()).as("deadline").isLessThan(deadline);
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
