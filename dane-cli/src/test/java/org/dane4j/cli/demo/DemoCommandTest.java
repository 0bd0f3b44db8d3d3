package org.dane4j.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.dane4j.cli.CliRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code dane4j demo} runs offline, shows the four handshakes and exits 0 when all ended as expected. */
class DemoCommandTest {
  private static CliRun run;

  @BeforeAll
  static void runDemo() {
    run = CliRun.of("demo");
  }

  @Test
  void exitsZeroWithNothingOnStderr() {
    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("4 of 4 scenarios ended as expected.");
  }

  @Test
  void printsTheTwoRecordsToPublish() {
    assertThat(run.out()).containsPattern("  _25\\._tcp\\.mx\\.demo\\.dane4j\\.test\\. IN TLSA 3 1 1 [0-9a-f]{64} ")
        .containsPattern("  _25\\._tcp\\.mx\\.demo\\.dane4j\\.test\\. IN TLSA 2 1 1 [0-9a-f]{64} ");
  }

  @Test
  void dANE_EE_recordVerifiesAtTheLeaf() {
    assertThat(section("(a)")).contains("result: verified, matched 3 1 1 ").contains(" at depth 0")
        .contains("server greeting \"220 tls-test-server ready\"").contains("=> as expected");
  }

  @Test
  void dANE_TA_recordVerifiesAtTheIssuingCa() {
    assertThat(section("(b)")).contains("result: verified, matched 2 1 1 ").contains(" at depth 1")
        .contains("=> as expected");
  }

  @Test
  void staleKeyIsRefusedBeforeAnyApplicationByteWithTheFailureReport() {
    assertThat(section("(c)")).contains("result: failed (certificate-not-trusted), no record matched")
        .contains("handshake refused; the server received 0 application bytes")
        .contains("TLSA RRset (1 record):").contains("presented chain (2 certificates):")
        .contains("=> as expected");
  }

  @Test
  void wrongReferenceNameIsAHostMismatch() {
    assertThat(section("(d)")).contains("result: failed (certificate-host-mismatch), matched 2 1 1 ")
        .contains("handshake refused; the server received 0 application bytes").contains("=> as expected");
  }

  private static String section(String label) {
    String out = run.out();
    int start = out.indexOf("\n" + label + " ");
    int end = out.indexOf("\n\n", start + 1);
    assertThat(start).as("section " + label).isPositive();
    return out.substring(start, end < 0 ? out.length() : end);
  }
}
