package org.dane4j.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.dane4j.testkit.dns.DnsFault;
import org.dane4j.testkit.dns.DnsTestServer;
import org.dane4j.testkit.dns.DnsWorld;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/** The shared answer cache: TTLs on the injected clock, negative answers by the SOA rule, failures briefly. */
class AnswerCacheTest {
  private static final Instant START = Instant.parse("2026-06-01T12:00:00Z");

  /** A clock the test moves by hand. */
  static final class MutableClock extends Clock {
    private volatile Instant now = START;

    void advance(Duration d) {
      now = now.plus(d);
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

  private final MutableClock clock = new MutableClock();

  private int lookupsSent(DaneResolver resolver, DnsTestServer server, String name, int type) {
    resolver.lookup(name, type).join();
    return server.queryCount(name + ".", type);
  }

  @Test
  void positiveAndNegativeAnswersLiveForTheirTtl() {
    DnsWorld world = DnsWorld.create(Clock.fixed(START, ZoneOffset.UTC));
    world.zone("test.");
    world.zone("example.test.").add("mx.example.test. 300 IN A 127.0.0.1");
    try (DnsTestServer server = world.start();
        DaneResolver resolver = DaneResolver.builder().servers(server.address()).trustAnchors(world.trustAnchor())
            .clock(clock).timeout(Duration.ofMillis(400)).retries(0).failureTtl(Duration.ofSeconds(5)).build()) {
      DnsAnswer first = resolver.lookup("mx.example.test", Type.A).join();
      assertThat(first.ttl()).isEqualTo(Duration.ofSeconds(300));
      assertThat(lookupsSent(resolver, server, "mx.example.test", Type.A)).isEqualTo(1);
      clock.advance(Duration.ofSeconds(299));
      assertThat(lookupsSent(resolver, server, "mx.example.test", Type.A)).isEqualTo(1);
      clock.advance(Duration.ofSeconds(2));
      assertThat(lookupsSent(resolver, server, "mx.example.test", Type.A)).isEqualTo(2);

      DnsAnswer nx = resolver.lookup("none.example.test", Type.A).join();
      assertThat(nx.outcome()).isEqualTo(DnsOutcome.NXDOMAIN);
      assertThat(nx.ttl()).isEqualTo(Duration.ofSeconds(300)); // min(SOA TTL, SOA minimum), RFC 2308 §5

      world.fault("bad.example.test.", Type.A, DnsFault.SERVFAIL);
      assertThat(lookupsSent(resolver, server, "bad.example.test", Type.A)).isEqualTo(1);
      assertThat(lookupsSent(resolver, server, "bad.example.test", Type.A)).isEqualTo(1);
      clock.advance(Duration.ofSeconds(6));
      assertThat(lookupsSent(resolver, server, "bad.example.test", Type.A)).isEqualTo(2);
    }
  }

  @Test
  void maxTtlCapsLongTtls() {
    DnsWorld world = DnsWorld.create(Clock.fixed(START, ZoneOffset.UTC));
    world.zone("test.");
    world.zone("example.test.").add("mx.example.test. 86400 IN A 127.0.0.1");
    try (DnsTestServer server = world.start();
        DaneResolver resolver = DaneResolver.builder().servers(server.address()).trustAnchors(world.trustAnchor())
            .clock(clock).timeout(Duration.ofMillis(400)).retries(0).maxTtl(Duration.ofMinutes(10)).build()) {
      assertThat(lookupsSent(resolver, server, "mx.example.test", Type.A)).isEqualTo(1);
      clock.advance(Duration.ofMinutes(11));
      assertThat(lookupsSent(resolver, server, "mx.example.test", Type.A)).isEqualTo(2);
    }
  }
}
