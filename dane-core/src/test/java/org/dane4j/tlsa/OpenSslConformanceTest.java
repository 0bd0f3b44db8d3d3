package org.dane4j.tlsa;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * OpenSSL's whole DANE test suite run against {@link DaneVerifier} in SMTP mode (RFC 7672).
 *
 * <p>OpenSSL's harness is a general DANE client (RFC 6698), not an SMTP one. Where the two differ, the
 * SMTP expectation is derived from OpenSSL's by these rules, applied in {@link #smtpExpectation}:
 * <ol>
 *   <li>Cases whose records all have PKIX usages 0/1 (OpenSSL cases 21–38): those usages are unusable for
 *       SMTP (RFC 7672 §3.1.3, USE-1), so the RRset has no usable record: failure {@code tlsa-invalid},
 *       no match. (At the route level such an RRset means "encrypt, unauthenticated", USE-5.)</li>
 *   <li>A DANE-EE(3) match that OpenSSL rejects with X509_V_ERR_HOSTNAME_MISMATCH because it checks
 *       names by default (case 50): RFC 7672 §3.1.1 does no name check for DANE-EE (EE-2), so it is
 *       verified at depth 0, as OpenSSL itself says with DANE_FLAG_NO_DANE_EE_NAMECHECKS (case 47).</li>
 *   <li>Every other case keeps OpenSSL's verdict and depth: 0 = verified; 65 (no match) =
 *       {@code certificate-not-trusted}; 62 after a DANE-TA match = {@code certificate-host-mismatch}
 *       with the matched depth.</li>
 * </ol>
 * General-mode (PKIX-TA/PKIX-EE) verification is not implemented; its 18 cases run under rule 1.
 */
class OpenSslConformanceTest {
  /** The harness's chains are valid from 2015 to 2116 and beyond; any instant inside works. */
  private static final Instant AT = Instant.parse("2026-06-01T00:00:00Z");

  static Stream<OpenSslDaneCase> cases() {
    return Stream.concat(OpenSslDaneCase.load("danetest.in", "example.com").stream(),
        OpenSslDaneCase.load("dane-cross.in", "server.example").stream());
  }

  record Expectation(boolean verified, FailureType failureType, int depth, String rule) {}

  static Expectation smtpExpectation(OpenSslDaneCase c) {
    if (c.onlyPkixUsages()) {
      return new Expectation(false, FailureType.TLSA_INVALID, -1, "rule 1: PKIX usages unusable for SMTP");
    }
    return switch (c.wantResult()) {
      case OpenSslDaneCase.X509_V_OK -> new Expectation(true, null, c.wantDepth(), "rule 3: as OpenSSL");
      case OpenSslDaneCase.X509_V_ERR_DANE_NO_MATCH ->
          new Expectation(false, FailureType.CERTIFICATE_NOT_TRUSTED, -1, "rule 3: no match");
      case OpenSslDaneCase.X509_V_ERR_HOSTNAME_MISMATCH -> c.allDaneEe()
          ? new Expectation(true, null, 0, "rule 2: no DANE-EE name check")
          : new Expectation(false, FailureType.CERTIFICATE_HOST_MISMATCH, c.wantDepth(), "rule 3: TA name");
      default -> throw new IllegalStateException("no SMTP mapping for OpenSSL result " + c.wantResult());
    };
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void openSslCase_smtpMode(OpenSslDaneCase c) {
    Expectation want = smtpExpectation(c);
    DaneVerification got = DaneVerifier.defaults().verify(c.chain(), c.records(), List.of(c.referenceName()), AT);

    assertThat(got.verified()).as("%s (%s): %s", c, want.rule(), got).isEqualTo(want.verified());
    assertThat(got.failureType().orElse(null)).as("%s: failure type of %s", c, got).isEqualTo(want.failureType());
    assertThat(got.matchDepth()).as("%s: depth of %s", c, got).isEqualTo(want.depth());
  }

  @Test
  void suiteIsReadWhole() {
    List<OpenSslDaneCase> all = cases().toList();
    assertThat(all).hasSize(51);
    assertThat(all.stream().mapToInt(c -> c.chain().size()).sum()).isEqualTo(115 + 4);
    assertThat(all.stream().filter(OpenSslDaneCase::onlyPkixUsages)).hasSize(18);
  }
}
