package org.dane4j.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.dane4j.cli.CliRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code dane4j demo} runs offline, sends to and checks its eight domains, and exits 0 when all ended as
 * expected (with nothing on stderr: no progress lines off a terminal, no colours in captured output).
 */
class DemoCommandTest {
  private static CliRun run;
  private static long millis;

  @BeforeAll
  static void runDemo() {
    long start = System.nanoTime();
    run = CliRun.of("demo");
    millis = (System.nanoTime() - start) / 1_000_000;
  }

  @Test
  void exitsZeroWithNothingOnStderr() {
    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).as(run.out()).isZero();
    assertThat(run.out()).contains("9 of 9 scenarios ended as expected.").doesNotContain("UNEXPECTED");
  }

  @Test
  void goodRecordsAndTheRolloverAreVerified() {
    assertThat(row("good-ee.")).containsPattern("dane +verified \\(3 1 1 [0-9a-f]{12}\\.\\.\\.\\) +delivered"
        + " +verified \\(1 warning\\) +yes");
    assertThat(row("good-ta.")).containsPattern("dane +verified \\(2 1 1 [0-9a-f]{12}\\.\\.\\.\\) +delivered"
        + " +verified \\(1 warning\\) +yes");
    // check warns of the old key's 3 1 1 and of the missing 2 1 1
    assertThat(row("rollover.")).containsPattern("dane +verified \\(3 1 1 [0-9a-f]{12}\\.\\.\\.\\) +delivered"
        + " +verified \\(2 warnings\\) +yes");
  }

  @Test
  void failuresAreDeferredWithTheirReasonsAndCheckSaysFailing() {
    assertThat(row("mismatch.")).containsPattern("dane +failed +deferred +failing \\(2 warnings\\) +yes")
        .contains("[certificate-not-trusted]");
    assertThat(row("wrong-name.")).containsPattern("dane +failed \\(2 1 1 .*\\) +deferred +failing \\(2 warnings\\) +yes")
        .contains("[certificate-host-mismatch]");
    assertThat(row("stripped.")).containsPattern("dane +failed +deferred +failing \\(2 warnings\\) +yes")
        .contains("[starttls-not-supported]");
    assertThat(row("bogus.")).containsPattern("unusable +did not connect +deferred +failing +yes")
        .contains("[dnssec-invalid]");
  }

  @Test
  void unsignedDomainIsOpportunistic() {
    assertThat(row("unsigned.")).containsPattern("opportunistic +opportunistic +delivered +opportunistic +yes");
  }

  @Test
  @DisplayName("STS-2: the MTA-STS enforce domain without TLSA is delivered under requirement sts, verified")
  void sts2_enforceDomainIsDeliveredUnderSts() {
    assertThat(row("sts-enforce.")).containsPattern("sts-enforce\\.dane4j\\.test +sts +verified +delivered"
        + " +verified +yes");
    assertThat(run.out()).containsPattern("an MTA-STS policy server on 127\\.0\\.0\\.100:[0-9]+");
  }

  @Test
  void theTableHasTheCheckColumnNextToTheResult() {
    assertThat(run.out()).containsPattern("\\nDOMAIN +DNS SAYS +SENDER DID +RESULT +CHECK SAYS +AS EXPECTED\\R");
  }

  /**
   * A does-not-hang deadline, not a speed test: about 5 s on an idle 2-core machine, 12 s with a load average of
   * 15 (set-up, minting and signing, is most of it; the nine scenarios take about 3 s).
   */
  @Test
  void runsInAFewSeconds() {
    assertThat(millis).as("demo took %d ms", millis).isLessThan(30_000);
  }

  /** The table row of a domain and its note line. */
  private static String row(String domainStart) {
    String out = run.out();
    int start = out.indexOf("\n" + domainStart);
    assertThat(start).as(domainStart + " in " + out).isPositive();
    int end = out.indexOf('\n', out.indexOf('\n', start + 1) + 1);
    return out.substring(start + 1, end < 0 ? out.length() : end);
  }
}
