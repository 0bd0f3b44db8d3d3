package org.dane4j.cli.tlsa;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dane4j.cli.CliRun;
import org.dane4j.cli.ExitCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failing {@code tlsa create} says why in one line on stderr, prints nothing else and exits as every other
 * command does: 64 for a wrong command line, 66 for a certificate file that cannot be read or holds no
 * certificate.
 */
class TlsaCreateErrorsTest {
  @TempDir
  Path dir;

  @Test
  void missingFileExits66NamingTheFile() {
    Path missing = dir.resolve("missing.pem");

    CliRun run = CliRun.of("tlsa", "create", "--certificate", missing.toString(), "mx.example.com");

    assertFailure(run, ExitCodes.NO_INPUT, "dane4j tlsa create: cannot read certificate file " + missing
        + ": no such file");
  }

  @Test
  void fileWithoutCertificateExits66() throws IOException {
    Path key = Files.writeString(dir.resolve("key.pem"),
        "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIB1x\n-----END PRIVATE KEY-----\n");

    CliRun run = CliRun.of("tlsa", "create", "--certificate", key.toString(), "mx.example.com");

    assertFailure(run, ExitCodes.NO_INPUT, "dane4j tlsa create: " + key + " holds no PEM certificate"
        + " (-----BEGIN CERTIFICATE-----)");
  }

  @Test
  void derFileExits66WithAConversionHint() throws IOException {
    Path der = Files.write(dir.resolve("cert.der"), new byte[] {0x30, (byte) 0x82, 0x01, 0x0a});

    CliRun run = CliRun.of("tlsa", "create", "--certificate", der.toString(), "mx.example.com");

    assertFailure(run, ExitCodes.NO_INPUT, "dane4j tlsa create: " + der + " holds no PEM certificate"
        + " (-----BEGIN CERTIFICATE-----); it looks like DER: convert it with 'openssl x509 -inform DER -in "
        + der + "'");
  }

  @Test
  void corruptCertificateBlockExits66() throws IOException {
    Path corrupt = Files.writeString(dir.resolve("corrupt.pem"),
        "-----BEGIN CERTIFICATE-----\nTUlJQm9n\n-----END CERTIFICATE-----\n");

    CliRun run = CliRun.of("tlsa", "create", "--certificate", corrupt.toString(), "mx.example.com");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(run.err()).startsWith("dane4j tlsa create: " + corrupt + ": not a certificate").hasLineCount(1);
  }

  @Test
  void unknownOutputFormIsAUsageError() {
    CliRun run = CliRun.of("tlsa", "create", "--output", "zone", "--certificate", pem(), "mx.example.com");

    assertFailure(run, ExitCodes.USAGE, "dane4j tlsa create: --output must be one of rfc, generic, both; got \"zone\""
        + " (see 'dane4j tlsa create --help')");
  }

  @Test
  void usageOutOfRangeIsAUsageError() {
    CliRun run = CliRun.of("tlsa", "create", "--usage", "4", "--certificate", pem(), "mx.example.com");

    assertFailure(run, ExitCodes.USAGE, "dane4j tlsa create: --usage must be 0..3, got 4 (see 'dane4j tlsa create --help')");
  }

  @Test
  void nonNumericSelectorIsAUsageError() {
    CliRun run = CliRun.of("tlsa", "create", "--selector", "spki", "--certificate", pem(), "mx.example.com");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("'spki' is not an int").hasLineCount(1);
  }

  @Test
  void portOutOfRangeIsAUsageError() {
    CliRun run = CliRun.of("tlsa", "create", "--port", "65536", "--certificate", pem(), "mx.example.com");

    assertFailure(run, ExitCodes.USAGE, "dane4j tlsa create: port must be 1..65535 or *, got \"65536\""
        + " (see 'dane4j tlsa create --help')");
  }

  @Test
  void upperCaseHostIsRefusedAsHashSlingerRefusesIt() {
    CliRun run = CliRun.of("tlsa", "create", "--certificate", pem(), "MX.example.com");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).startsWith("dane4j tlsa create: not a host name: \"MX.example.com\"").hasLineCount(1);
  }

  @Test
  void caDepthBeyondTheChainIsAUsageError() {
    CliRun run = CliRun.of("tlsa", "create", "-u", "2", "--ca-depth", "3", "--certificate",
        HashSlingerTranscript.path("rsa-chain.pem"), "mx.example.com");

    assertFailure(run, ExitCodes.USAGE, "dane4j tlsa create: --ca-depth 3 is beyond the file's 3 certificates (0 is the first)");
  }

  @Test
  void caDepthWithAnEndEntityUsageIsAUsageError() {
    CliRun run = CliRun.of("tlsa", "create", "--ca-depth", "1", "--certificate", pem(), "mx.example.com");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("--ca-depth applies to usages 0 and 2").hasLineCount(1);
  }

  @Test
  void missingCertificateOptionIsAUsageError() {
    CliRun run = CliRun.of("tlsa", "create", "mx.example.com");

    assertFailure(run, ExitCodes.USAGE, "dane4j tlsa create: Missing required option: '--certificate=FILE'"
        + " (see 'dane4j tlsa create --help')");
  }

  private static String pem() {
    return HashSlingerTranscript.path("ec-p256-self-signed.pem");
  }

  private static void assertFailure(CliRun run, int exitCode, String message) {
    assertThat(run.exitCode()).isEqualTo(exitCode);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo(message + System.lineSeparator());
  }
}
