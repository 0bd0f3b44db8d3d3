package org.dane4j.cli.check;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The name matching behind the DANE-TA name warning of {@code dane4j check}. */
class CheckWarningsTest {
  @Test
  void exactNamesMatchWhateverTheCaseAndTrailingDot() {
    assertThat(CheckWarnings.nameMatches("MX.Example.NL", "mx.example.nl.")).isTrue();
    assertThat(CheckWarnings.nameMatches("mx.example.nl", "mx2.example.nl")).isFalse();
  }

  @Test
  void aWildcardStandsForExactlyTheFirstLabel() {
    assertThat(CheckWarnings.nameMatches("*.example.nl", "mx.example.nl")).isTrue();
    assertThat(CheckWarnings.nameMatches("*.example.nl", "a.mx.example.nl")).isFalse();
    assertThat(CheckWarnings.nameMatches("*.example.nl", "example.nl")).isFalse();
    assertThat(CheckWarnings.nameMatches("*.nl", "mx.example.nl")).isFalse();
  }
}
