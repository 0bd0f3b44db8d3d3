package org.dane4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue #11, finding 11: every command follows one exit-code scheme ({@link ExitCodes}: 64 wrong or missing
 * command line, 66 an input file that cannot be read or holds no usable data; {@code monitor} keeps the
 * Nagios 3 UNKNOWN), and hostile or huge input gets a clear, bounded, one-line message with no control
 * characters. None of these runs needs DNS: each fails before any lookup.
 */
class CliExitCodesTest {
  /** 100 000 characters: a host name, an option value, a file name nobody should see in full. */
  private static final String HUGE = "a".repeat(100_000);
  /** How much of one value a message repeats ({@code MAX_ECHO}). */
  private static final int MAX_ECHO = 80;
  /** More than enough for any of the one-line messages below (the line cap is 1000 characters). */
  private static final int BOUND = 1200;

  @TempDir
  Path dir;

  @Test
  @DisplayName("IN-1: a bare 'dane4j' prints the usage on stderr and exits 64")
  void cliExitCodes_bareDane4jExits64WithTheUsageOnStderr() {
    CliRun run = CliRun.of();

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).startsWith("Usage: dane4j").contains("tlsa", "check", "monitor", "send", "demo");
  }

  @Test
  @DisplayName("IN-1: a bare 'dane4j tlsa' prints its usage on stderr and exits 64")
  void cliExitCodes_bareTlsaExits64WithTheUsageOnStderr() {
    CliRun run = CliRun.of("tlsa");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).startsWith("Usage: dane4j tlsa").contains("create", "verify");
  }

  @Test
  @DisplayName("IN-1: an unknown command exits 64, one line naming it and the commands there are")
  void cliExitCodes_unknownCommandExits64OnOneLine() {
    CliRun top = CliRun.of("sned", "--to", "x@example.com");
    CliRun tlsa = CliRun.of("tlsa", "craete");
    CliRun help = CliRun.of("help", "sned");

    assertThat(top.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(top.err()).isEqualTo("dane4j: unknown command 'sned'; the commands are tlsa, check, monitor, send,"
        + " tlsrpt, demo, help (see 'dane4j --help')" + System.lineSeparator());
    assertThat(tlsa.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(tlsa.err()).isEqualTo("dane4j tlsa: unknown command 'craete'; the commands are create, verify"
        + " (see 'dane4j tlsa --help')" + System.lineSeparator());
    assertThat(help.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(help.err()).contains("'sned'").hasLineCount(1);
    Stream.of(top, tlsa, help).forEach(r -> assertThat(r.out()).isEmpty());
  }

  /** Each command, with an option it does not have; its usage-error exit code. */
  static Stream<Arguments> commands() {
    return Stream.of(
        Arguments.of(List.of(), ExitCodes.USAGE),
        Arguments.of(List.of("tlsa"), ExitCodes.USAGE),
        Arguments.of(List.of("tlsa", "create", "--certificate", "c.pem", "mx.example.com"), ExitCodes.USAGE),
        Arguments.of(List.of("tlsa", "verify", "mx.example.com"), ExitCodes.USAGE),
        Arguments.of(List.of("check", "example.com"), ExitCodes.USAGE),
        Arguments.of(List.of("send", "--from", "a@example.com", "--to", "b@example.com"), ExitCodes.USAGE),
        Arguments.of(List.of("demo"), ExitCodes.USAGE),
        Arguments.of(List.of("monitor", "example.com"), 3)); // the Nagios convention: UNKNOWN
  }

  @ParameterizedTest(name = "dane4j {0} --no-such-option exits {1}")
  @MethodSource("commands")
  @DisplayName("IN-1: every command exits 64 on an unknown option (monitor: 3 UNKNOWN, as Nagios wants)")
  void cliExitCodes_unknownOptionExitsWithTheUsageCodeOfEveryCommand(List<String> command, int exitCode) {
    List<String> args = new ArrayList<>(command);
    args.add("--no-such-option");

    CliRun run = CliRun.of(args.toArray(String[]::new));

    assertThat(run.exitCode()).isEqualTo(exitCode);
    assertThat(run.err()).contains("Unknown option: '--no-such-option'").hasLineCount(1);
  }

  @Test
  @DisplayName("IN-1: tlsa create exits 66 for a missing certificate file and 64 for a bad host, as send does")
  void cliExitCodes_tlsaCreateUsesTheSameCodesAsTheOtherCommands() throws IOException {
    CliRun missing = CliRun.of("tlsa", "create", "--certificate", dir.resolve("gone.pem").toString(),
        "mx.example.com");
    Path notPem = Files.writeString(dir.resolve("notes.txt"), "not a certificate\n");
    CliRun garbage = CliRun.of("tlsa", "create", "--certificate", notPem.toString(), "mx.example.com");
    CliRun badHost = CliRun.of("tlsa", "create", "--certificate", notPem.toString(), "mx..example.com");

    assertThat(missing.exitCode()).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(garbage.exitCode()).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(badHost.exitCode()).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  @DisplayName("IN-1: a certificate file as large as /dev/zero is refused by size, exit 66, not read whole")
  void cliExitCodes_tlsaCreateRefusesAnOversizedFileWith66() throws IOException {
    Path big = Files.write(dir.resolve("big.pem"), new byte[(1 << 20) + 1]);

    CliRun run = CliRun.of("tlsa", "create", "--certificate", big.toString(), "mx.example.com");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(run.err()).isEqualTo("dane4j tlsa create: cannot read certificate file " + big
        + ": it is larger than the 1048576 bytes a certificate file may have" + System.lineSeparator());
  }

  /** Each command given one 100 000-character value where a host, address or option value belongs. */
  static Stream<Arguments> hugeInputs() {
    return Stream.of(
        Arguments.of(List.of("tlsa", "create", "--certificate", "c.pem", HUGE), ExitCodes.USAGE),
        Arguments.of(List.of("tlsa", "create", "--output", HUGE, "--certificate", "c.pem", "mx.example.com"),
            ExitCodes.USAGE),
        Arguments.of(List.of("tlsa", "create", "--port", HUGE, "--certificate", "c.pem", "mx.example.com"),
            ExitCodes.USAGE),
        Arguments.of(List.of("tlsa", "verify", HUGE), ExitCodes.USAGE),
        Arguments.of(List.of("check", HUGE), ExitCodes.USAGE),
        Arguments.of(List.of("check", "--resolver", HUGE, "example.com"), ExitCodes.USAGE),
        Arguments.of(List.of("check", "--timeout", HUGE, "example.com"), ExitCodes.USAGE),
        Arguments.of(List.of("monitor", HUGE), 3),
        Arguments.of(List.of("send", "--resolver", "127.0.0.1", "--from", "a@example.com", "--to", "b@example.com",
            "--relay", "relay.example.com:" + HUGE), ExitCodes.USAGE),
        Arguments.of(List.of(HUGE), ExitCodes.USAGE),
        Arguments.of(List.of("--" + HUGE), ExitCodes.USAGE),
        Arguments.of(List.of("demo", "--" + HUGE), ExitCodes.USAGE));
  }

  @Test
  @DisplayName("IN-1: a huge --from is refused before sending (exit 2) and the report repeats it bounded")
  void in1_cliHugeSenderIsReportedBounded() {
    CliRun run = CliRun.of("send", "--from", HUGE, "--to", "b@example.com");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.FAILED);
    assertThat(run.out()).contains("refused before sending").containsPattern("\\(1000\\d\\d characters\\)")
        .doesNotContain("a".repeat(MAX_ECHO + 1));
    assertThat(run.out().length() + run.err().length()).isLessThan(BOUND);
  }

  @ParameterizedTest(name = "[{index}] exit {1}")
  @MethodSource("hugeInputs")
  @DisplayName("IN-1: a 100 KB value is echoed cut to 80 characters with its length, on one bounded line")
  void in1_cliHugeInputIsEchoedBounded(List<String> args, int exitCode) {
    CliRun run = CliRun.of(args.toArray(String[]::new));

    assertThat(run.exitCode()).isEqualTo(exitCode);
    assertThat(run.err()).hasLineCount(1).containsPattern("a{60,80}…\\(1000\\d\\d characters\\)")
        .doesNotContain("a".repeat(MAX_ECHO + 1));
    assertThat(run.err().length()).isLessThan(BOUND);
    assertThat(run.out().length()).isLessThan(BOUND); // monitor repeats the line as its Nagios status
  }

  @Test
  @DisplayName("IN-1: the echo of a cut value gives its whole length")
  void in1_cliEchoSaysHowLongTheValueWas() {
    CliRun run = CliRun.of("check", HUGE);

    assertThat(run.err())
        .startsWith("dane4j check: not a mail domain: '" + "a".repeat(80) + "…(100000 characters)': ");
  }

  @Test
  @DisplayName("IN-1: control characters in user input are echoed as escapes, never sent to the terminal")
  void in1_cliControlCharactersAreEscaped() {
    String hostile = "mx\u001b[2J\u001b]0;pwned\u0007.example.com\r\u202e";

    // CliRun itself fails the test when an ESC reaches the captured output
    CliRun check = CliRun.of("check", hostile);
    CliRun create = CliRun.of("tlsa", "create", "--certificate", "c.pem", hostile);
    CliRun resolver = CliRun.of("check", "--resolver", hostile, "example.com");

    for (CliRun run : List.of(check, create, resolver)) {
      assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(run.err()).hasLineCount(1).contains("mx\\x1B[2J\\x1B]0;pwned\\x07.example.com\\x0D\\u202E")
          .doesNotContain("\u0007", "\r", "\u202e");
    }
  }

  @Test
  @DisplayName("IN-1: a binary --trust-anchor file: exit 66, 'not text', what it should hold; no decoder message")
  void cliExitCodes_binaryTrustAnchorFileSaysItIsNotText() throws IOException {
    Path binary = Files.write(dir.resolve("anchor.bin"), new byte[] {'.', ' ', (byte) 0x80, 0x00, (byte) 0xff});

    CliRun run = CliRun.of("check", "--resolver", "127.0.0.1", "--trust-anchor", binary.toString(), "example.com");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(run.err()).isEqualTo("dane4j check: --trust-anchor " + binary + " is not text (byte 0x80 at"
        + " offset 2): expected DS or DNSKEY records in master-file text" + System.lineSeparator());
    assertThat(run.out()).isEmpty();
  }

  @Test
  @DisplayName("IN-1: a text --trust-anchor file without trust anchors is bad input (66), not a usage error")
  void cliExitCodes_trustAnchorFileWithoutAnchorsExits66() throws IOException {
    Path text = Files.writeString(dir.resolve("anchor.txt"), "; only a comment\n");
    Path garbage = Files.writeString(dir.resolve("garbage.txt"), "garbage text\n");

    for (Path file : List.of(text, garbage)) {
      CliRun run = CliRun.of("tlsa", "verify", "--resolver", "127.0.0.1", "--trust-anchor", file.toString(),
          "mx.example.com");

      assertThat(run.exitCode()).isEqualTo(ExitCodes.NO_INPUT);
      assertThat(run.err()).startsWith("dane4j tlsa verify: --trust-anchor " + file + ": ")
          .endsWith(" (expected DS or DNSKEY records in master-file text)" + System.lineSeparator())
          .hasLineCount(1);
    }
  }

  @Test
  @DisplayName("IN-1: an oversized --trust-anchor file is refused by size (exit 66), not read whole")
  void cliExitCodes_oversizedTrustAnchorFileExits66() throws IOException {
    Path big = Files.writeString(dir.resolve("big.txt"), "; a comment line of a huge file\n".repeat(40_000));

    CliRun run = CliRun.of("send", "--resolver", "127.0.0.1", "--trust-anchor", big.toString(), "--from",
        "a@example.com", "--to", "b@example.com");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(run.err()).isEqualTo("dane4j send: cannot read trust anchor file " + big
        + ": it is larger than the 1048576 bytes a trust anchor file may have" + System.lineSeparator());
  }

  @Test
  @DisplayName("IN-1: monitor's Nagios line for bad input is bounded too")
  void in1_cliMonitorStatusLineIsBounded() {
    CliRun run = CliRun.of("monitor", "mx\u001b[31m" + HUGE);

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.out()).startsWith("DANE UNKNOWN - not a mail domain: 'mx\\x1B[31maaa").hasLineCount(1);
    assertThat(run.out().length()).isLessThan(BOUND);
  }
}
