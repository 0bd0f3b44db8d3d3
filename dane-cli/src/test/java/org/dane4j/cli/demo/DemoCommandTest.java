package org.dane4j.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.dane4j.cli.CliRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code dane4j demo} runs offline, sends to its eight domains and exits 0 when all ended as expected. */
class DemoCommandTest {
  private static CliRun run;

  @BeforeAll
  static void runDemo() {
    run = CliRun.of("demo");
  }

  @Test
  void exitsZeroWithNothingOnStderr() {
    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).as(run.out()).isZero();
    assertThat(run.out()).contains("8 of 8 scenarios ended as expected.").doesNotContain("UNEXPECTED");
  }

  @Test
  void goodRecordsAndTheRolloverAreVerified() {
    assertThat(row("good-ee.")).containsPattern("dane +verified \\(3 1 1 [0-9a-f]{12}\\.\\.\\.\\) +delivered +yes");
    assertThat(row("good-ta.")).containsPattern("dane +verified \\(2 1 1 [0-9a-f]{12}\\.\\.\\.\\) +delivered +yes");
    assertThat(row("rollover.")).containsPattern("dane +verified \\(3 1 1 [0-9a-f]{12}\\.\\.\\.\\) +delivered +yes");
  }

  @Test
  void failuresAreDeferredWithTheirReasons() {
    assertThat(row("mismatch.")).containsPattern("dane +failed +deferred +yes")
        .contains("[certificate-not-trusted]");
    assertThat(row("wrong-name.")).containsPattern("dane +failed \\(2 1 1 .*\\) +deferred +yes")
        .contains("[certificate-host-mismatch]");
    assertThat(row("stripped.")).containsPattern("dane +failed +deferred +yes").contains("[starttls-not-supported]");
    assertThat(row("bogus.")).containsPattern("unusable +did not connect +deferred +yes")
        .contains("[dnssec-invalid]");
  }

  @Test
  void unsignedDomainIsOpportunistic() {
    assertThat(row("unsigned.")).containsPattern("opportunistic +opportunistic +delivered +yes");
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
