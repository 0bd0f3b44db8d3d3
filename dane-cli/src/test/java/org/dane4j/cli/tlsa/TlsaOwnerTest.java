package org.dane4j.cli.tlsa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

/** TLSA owner names are built with hash-slinger's rules (RFC 6698 §3). */
class TlsaOwnerTest {
  @Test
  void portAndTransportPrefixTheHostWithAFinalDot() {
    assertThat(TlsaOwner.parse("mx.example.com", "25", Transport.TCP))
        .hasToString("_25._tcp.mx.example.com.");
  }

  @Test
  void aHostWithItsFinalDotKeepsOneDot() {
    assertThat(TlsaOwner.parse("mx.example.com.", "25", Transport.TCP).host()).isEqualTo("mx.example.com.");
  }

  @Test
  void wildcardPortGivesAWildcardOwner() {
    assertThat(TlsaOwner.parse("mx.example.com", "*", Transport.UDP)).hasToString("*._udp.mx.example.com.");
  }

  @Test
  void leadingZerosOfThePortAreDropped() {
    assertThat(TlsaOwner.parse("mx.example.com", "0025", Transport.TCP)).hasToString("_25._tcp.mx.example.com.");
  }

  @Test
  void internationalizedHostBecomesItsALabelForm() {
    assertThat(TlsaOwner.parse("mx.bücher.example", "25", Transport.TCP))
        .hasToString("_25._tcp.mx.xn--bcher-kva.example.");
  }

  @Test
  void emptyLabelIsRefused() {
    assertThatIllegalArgumentException().isThrownBy(() -> TlsaOwner.parse("mx..example", "25", Transport.TCP))
        .withMessageStartingWith("not a host name: \"mx..example\"");
  }

  @Test
  void singleLabelIsRefused() {
    assertThatIllegalArgumentException().isThrownBy(() -> TlsaOwner.parse("localhost", "25", Transport.TCP));
  }

  @Test
  void portZeroIsRefused() {
    assertThatIllegalArgumentException().isThrownBy(() -> TlsaOwner.parse("mx.example.com", "0", Transport.TCP))
        .withMessage("port must be 1..65535 or *, got \"0\"");
  }
}
