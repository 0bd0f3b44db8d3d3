package org.dane4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.dane4j.smtp.Destination;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Issue #16: check/monitor targets in Postfix next-hop syntax, and errors that name what is wrong. */
class TargetTest {
  @Test
  @DisplayName("POL-2: [host] and [host]:port are hosts without MX lookup; domain[:port] looks up MX")
  void pol2_nextHopForms() {
    assertThat(Target.parse("example.nl", null)).isEqualTo(Destination.domain("example.nl", 25));
    assertThat(Target.parse("example.nl:587", null)).isEqualTo(Destination.domain("example.nl", 587));
    assertThat(Target.parse("example.nl", 2525)).isEqualTo(Destination.domain("example.nl", 2525));
    assertThat(Target.parse("[mx.example.nl]", null)).isEqualTo(Destination.relay("mx.example.nl", 25));
    assertThat(Target.parse("[MX.example.nl.]:587", null)).isEqualTo(Destination.relay("mx.example.nl", 587));
    assertThat(Target.parse("[mx.example.nl]:587", 587)).isEqualTo(Destination.relay("mx.example.nl", 587));
  }

  @Test
  @DisplayName("#16: an IP literal is refused with the reason: TLSA records live under host names")
  void ipLiteralsAreExplained() {
    assertThatThrownBy(() -> Target.parse("[192.0.2.1]:587", null)).hasMessageContaining("is an IP address")
        .hasMessageContaining("_587._tcp.HOST").hasMessageContaining("[mx.example.com]:587");
    assertThatThrownBy(() -> Target.parse("[2001:db8::1]", null)).hasMessageContaining("is an IP address");
    assertThatThrownBy(() -> Target.parse("[ipv6:2001:db8::1]", null)).hasMessageContaining("is an IP address");
    assertThatThrownBy(() -> Target.parse("192.0.2.1", null)).hasMessageContaining("is an IP address");
  }

  @Test
  @DisplayName("#16: malformed targets name what is wrong")
  void malformedTargetsSayWhy() {
    assertThatThrownBy(() -> Target.parse("[mx.example.nl", null)).hasMessage(
        "bad target '[mx.example.nl': '[' without ']': write [mx.example.com] or [mx.example.com]:587");
    assertThatThrownBy(() -> Target.parse("mx.example.nl]", null)).hasMessageContaining("']' without '['");
    assertThatThrownBy(() -> Target.parse("[mx.example.nl]587", null))
        .hasMessageContaining("unexpected '587' after ']'");
    assertThatThrownBy(() -> Target.parse("[]:25", null)).hasMessageContaining("no host name between");
    assertThatThrownBy(() -> Target.parse("[mx.example.nl]:99999", null)).hasMessageContaining("not a port: '99999'");
    assertThatThrownBy(() -> Target.parse("example.nl:smtp", null)).hasMessageContaining("not a port: 'smtp'");
    assertThatThrownBy(() -> Target.parse("[mx.example.nl]:587", 25))
        .hasMessageContaining("port 587 in the target and --port 25 disagree");
    assertThatThrownBy(() -> Target.parse("[bad..host]", null)).hasMessageStartingWith("not a host name: 'bad..host'");
    assertThatThrownBy(() -> Target.parse("bad..domain", null)).hasMessageStartingWith("not a mail domain: 'bad..domain'");
    assertThatThrownBy(() -> Target.parse(" ", null)).hasMessageContaining("empty target");
  }
}
