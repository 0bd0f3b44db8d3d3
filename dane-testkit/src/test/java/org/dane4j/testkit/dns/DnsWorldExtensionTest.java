package org.dane4j.testkit.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** The JUnit 5 extension: one server for the class, counters reset before and faults cleared after each test. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DnsWorldExtensionTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2031-03-01T12:00:00Z"), ZoneOffset.UTC);

  @RegisterExtension
  static DnsWorldExtension dns = DnsWorldExtension.create(CLOCK, world -> {
    world.zone("test.");
    world.zone("example.test.").add("mx.example.test. A 127.0.0.1");
  });

  private static int port;

  private Validator validator() {
    return new Validator(dns.address(), CLOCK, dns.trustAnchor(), Duration.ofSeconds(2));
  }

  @Test
  @Order(1)
  void servesTheWorldAndKeepsFaultsWithinATest() throws IOException {
    port = dns.address().getPort();
    Message response = validator().query("mx.example.test.", Type.A);
    assertThat(response.getHeader().getFlag(Flags.AD)).isTrue();
    assertThat(dns.server().queryCount()).isPositive();
    dns.world().fault("mx.example.test.", Type.A, DnsFault.CORRUPT_RRSIG);
    assertThat(validator().query("mx.example.test.", Type.A).getRcode()).isEqualTo(Rcode.SERVFAIL);
  }

  @Test
  @Order(2)
  void sameServerCountersResetFaultsCleared() throws IOException {
    assertThat(dns.address().getPort()).isEqualTo(port);
    assertThat(dns.server().queryCount()).isZero();
    Message response = validator().query("mx.example.test.", Type.A);
    assertThat(response.getHeader().getFlag(Flags.AD)).isTrue();
  }
}
