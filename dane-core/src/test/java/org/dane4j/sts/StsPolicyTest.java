package org.dane4j.sts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The policy parser (RFC 8461 §3.2), the TXT record (§3.1) and MX pattern matching (§4.1). */
class StsPolicyTest {
  private static final String GOOD = "version: STSv1\nmode: enforce\nmx: mx.example.com\nmx: *.example.net\n"
      + "max_age: 86400\n";

  @Test
  @DisplayName("STS-1: a policy with LF line ends parses; patterns, mode, max_age and the raw text are kept")
  void sts1_parsesPolicy() {
    StsPolicy p = StsPolicy.parse(GOOD);
    assertThat(p.mode()).isEqualTo(StsMode.ENFORCE);
    assertThat(p.mxPatterns()).containsExactly("mx.example.com", "*.example.net");
    assertThat(p.maxAge()).isEqualTo(Duration.ofDays(1));
    assertThat(p.text()).isEqualTo(GOOD);
  }

  @Test
  @DisplayName("STS-1: CRLF line ends, whitespace after the colon and at line end, no final line end")
  void sts1_crlfAndWhitespace() {
    String text = "version: STSv1\r\nmode:\ttesting  \r\nmx:mx.example.com\r\nmax_age:   600";
    StsPolicy p = StsPolicy.parse(text);
    assertThat(p.mode()).isEqualTo(StsMode.TESTING);
    assertThat(p.mxPatterns()).containsExactly("mx.example.com");
    assertThat(p.maxAge()).isEqualTo(Duration.ofSeconds(600));
    assertThat(p.text()).isEqualTo(text);
  }

  @Test
  @DisplayName("STS-1: unknown fields are ignored; mode none needs no mx")
  void sts1_unknownFieldsIgnoredAndNoneWithoutMx() {
    StsPolicy p = StsPolicy.parse("version: STSv1\nmode: none\nmax_age: 0\nx-future.ext: yes\n");
    assertThat(p.mode()).isEqualTo(StsMode.NONE);
    assertThat(p.mxPatterns()).isEmpty();
  }

  @Test
  @DisplayName("STS-1: max_age above 31557600 is capped (Errata 7282)")
  void sts1_maxAgeCapped() {
    StsPolicy p = StsPolicy.parse(GOOD.replace("86400", "9999999999"));
    assertThat(p.maxAge()).isEqualTo(Duration.ofSeconds(StsPolicy.MAX_AGE_CAP));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "mode: testing\n",                 // duplicate singular key
      "version: STSv1\n",
      "max_age: 5\n",
  })
  @DisplayName("STS-1: a singular field given twice is an error")
  void sts1_duplicateSingularField(String extra) {
    assertThatThrownBy(() -> StsPolicy.parse(GOOD + extra))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice").hasMessageContaining("§3.2");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "mode: enforce\nmx: mx.example.com\nmax_age: 1\n",                      // no version
      "version: STSv2\nmode: enforce\nmx: mx.example.com\nmax_age: 1\n",      // wrong version
      "version: STSv1\nmx: mx.example.com\nmax_age: 1\n",                     // no mode
      "version: STSv1\nmode: Enforce\nmx: mx.example.com\nmax_age: 1\n",      // values are case-sensitive
      "version: STSv1\nMode: enforce\nmx: mx.example.com\nmax_age: 1\n",      // field names are case-sensitive
      "version: STSv1\nmode: enforce\nmx: mx.example.com\n",                  // no max_age
      "version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: -1\n",
      "version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 12345678901\n", // 11 digits
      "version: STSv1\nmode: enforce\nmax_age: 1\n",                          // enforce without mx
      "version: STSv1\nmode: enforce\nmx: mx.*.example.com\nmax_age: 1\n",    // wildcard not left-most
      "version: STSv1\nmode: enforce\nmx: *example.com\nmax_age: 1\n",        // wildcard not a whole label
      "version: STSv1\nmode: enforce\nmx: *.*.example.com\nmax_age: 1\n",
      "version: STSv1\nmode: enforce\nmx: mx.example.com.\nmax_age: 1\n",     // trailing dot
      "version: STSv1\nmode: enforce\nmx: mx_1.example.com\nmax_age: 1\n",
      "version: STSv1\nmode: enforce\nmx: mx.bücher.example\nmax_age: 1\n",   // U-label
      "version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 1\ngarbage\n",
      "version: STSv1\rmode: enforce\nmx: mx.example.com\nmax_age: 1\n",     // bare CR
  })
  @DisplayName("STS-1: the strict parser rejects missing, misspelt and malformed fields")
  void sts1_rejectsInvalidPolicies(String text) {
    assertThatThrownBy(() -> StsPolicy.parse(text))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RFC 8461 §3.2");
  }

  @Test
  @DisplayName("STS-2: a wildcard matches exactly one left-most label; case and a trailing dot do not matter")
  void sts1_patternMatching() {
    StsPolicy p = StsPolicy.parse(GOOD);
    assertThat(p.matches("mx.example.com")).isTrue();
    assertThat(p.matches("MX.Example.COM.")).isTrue();
    assertThat(p.matches("a.example.net")).isTrue();
    assertThat(p.matches("A.EXAMPLE.NET.")).isTrue();
    assertThat(p.matches("example.net")).isFalse();
    assertThat(p.matches("a.b.example.net")).isFalse();
    assertThat(p.matches("mx2.example.com")).isFalse();
    assertThat(p.matches("xmx.example.com")).isFalse();
    assertThat(p.matches("a.example.net.evil.test")).isFalse();
    assertThat(p.matches("\u212a.example.net")).isFalse();   // KELVIN SIGN lower-cases to k: not an A-label
  }

  @Test
  @DisplayName("STS-1: the TXT record needs exactly one v=STSv1 record with an id of 1-32 letters or digits")
  void sts1_txtRecord() {
    assertThat(StsRecord.id(List.of("v=STSv1; id=20260601T010101;"))).isEqualTo("20260601T010101");
    assertThat(StsRecord.id(List.of("v=spf1 -all", "v=STSv1;id=abc"))).isEqualTo("abc");
    assertThat(StsRecord.id(List.of("v=STSv1 ; id=abc ; ext=v"))).isEqualTo("abc");
    assertThat(StsRecord.id(List.of("v=STSv1; id=" + "a".repeat(32)))).hasSize(32);
    for (List<String> bad : List.of(
        List.<String>of(), List.of("v=spf1 -all"), List.of("v=STSv1; id=a", "v=STSv1; id=b"),
        List.of("v=STSv1; id=" + "a".repeat(33)), List.of("v=STSv1; id=a-b"), List.of("v=STSv1;"),
        List.of("v=STSv1; id="), List.of("v=STSv1; id=a; id=b"), List.of("v=STSv1; id=a;; x=y"),
        List.of("v=STSv1 id=abc"))) {
      assertThatThrownBy(() -> StsRecord.id(bad)).as(bad.toString())
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("v=STSv1");
    }
    assertThat(StsRecord.isSts("v=STSv10; id=a")).isFalse();
  }
}
