package org.dane4j.cli;

import org.dane4j.testkit.MiniJson;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dane4j.cli.demo.DemoLab;
import org.dane4j.testkit.MintedCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DNS-4 on the command line: {@code --trust-ad} over a resolver that does not validate (the lab's DNS server
 * never sets AD) ends with one clear line on stderr, and {@code --trust-anchor} with {@code --trust-ad} is a
 * usage error rather than an ignored option.
 */
class DnssecProbeCliTest {
  private static final String GOOD = "good." + DemoLab.SIGNED;
  private static final String LINE = "DNSSEC validation does not work";

  private static DemoLab lab;
  @TempDir
  static Path dir;
  private static Path anchor;

  @BeforeAll
  static void startLab() throws IOException {
    lab = new DemoLab();
    MintedCertificate leaf = lab.leaf("mx." + GOOD);
    lab.mx(GOOD, "mx." + GOOD, leaf, b -> b);
    lab.tlsa("mx." + GOOD, DemoLab.ee311(leaf).toString());
    lab.dns();
    anchor = Files.writeString(dir.resolve("root.ds"), lab.trustAnchor());
  }

  @AfterAll
  static void stopLab() {
    lab.close();
  }

  private static CliRun run(String command, String dnssec, String... extra) {
    List<String> args = new ArrayList<>(List.of(command, "--resolver", "127.0.0.1:" + lab.dns().address().getPort(),
        "--timeout", "2"));
    args.addAll(List.of(dnssec.split(" ")));
    args.addAll(List.of(extra));
    return CliRun.of(args.toArray(new String[0]));
  }

  private static List<String> dnssecLines(CliRun run) {
    return run.err().lines().filter(l -> l.contains(LINE)).toList();
  }

  @Test
  @DisplayName("DNS-4: check --trust-ad over a resolver that does not validate prints one clear line")
  void dns4_checkPrintsOneLine() {
    CliRun run = run("check", "--trust-ad", "--port", Integer.toString(lab.port()), GOOD);
    assertThat(dnssecLines(run)).singleElement().satisfies(l -> assertThat(l)
        .startsWith("dane4j check: " + LINE)
        .contains("the resolver at 127.0.0.1:" + lab.dns().address().getPort()
            + " returned the root SOA without the AD bit: it does not validate DNSSEC"));
    assertThat(run.err().lines()).hasSize(1);

    CliRun json = run("check", "--trust-ad", "--port", Integer.toString(lab.port()), "--json", GOOD);
    @SuppressWarnings("unchecked")
    Map<String, Object> doc = (Map<String, Object>) MiniJson.parse(json.out());
    assertThat(doc).containsEntry("dnssec_validation", "not-validating");
    assertThat(dnssecLines(json)).hasSize(1);
  }

  @Test
  @DisplayName("DNS-4: check with in-process validation prints no such line and says validating")
  void dns4_checkValidatingSaysNothing() {
    CliRun run = run("check", "--trust-anchor " + anchor, "--port", Integer.toString(lab.port()), "--json", GOOD);
    assertThat(run.err()).isEmpty();
    @SuppressWarnings("unchecked")
    Map<String, Object> doc = (Map<String, Object>) MiniJson.parse(run.out());
    assertThat(doc).containsEntry("dnssec_validation", "validating");
  }

  @Test
  @DisplayName("DNS-4: send --trust-ad over a resolver that does not validate prints one clear line")
  void dns4_sendPrintsOneLine() {
    CliRun run = run("send", "--trust-ad", "--mx-port", Integer.toString(lab.port()),
        "--from", "alice@sender." + DemoLab.SIGNED, "--to", "bob@" + GOOD, "--json");
    assertThat(dnssecLines(run)).singleElement()
        .satisfies(l -> assertThat(l).startsWith("dane4j send: " + LINE).contains("does not validate DNSSEC"));
    @SuppressWarnings("unchecked")
    Map<String, Object> doc = (Map<String, Object>) MiniJson.parse(run.out());
    assertThat(doc).containsEntry("dnssec_validation", "not-validating");
  }

  @Test
  @DisplayName("DNS-4: monitor --trust-ad over a resolver that does not validate says why, once")
  void dns4_monitorPrintsOneLine() {
    CliRun run = run("monitor", "--trust-ad", "--port", Integer.toString(lab.port()), GOOD);
    assertThat(dnssecLines(run)).singleElement()
        .satisfies(l -> assertThat(l).startsWith("dane4j monitor: " + LINE));
    assertThat(run.out()).contains("does not validate DNSSEC");
  }

  @Test
  @DisplayName("DNS-4: --trust-anchor together with --trust-ad is a usage error (exit 64), for every command")
  void dns4_trustAnchorWithTrustAdIsUsageError() {
    for (String command : List.of("check", "send", "tlsa verify")) {
      List<String> args = new ArrayList<>(List.of(command.split(" ")));
      args.addAll(List.of("--resolver", "127.0.0.1:" + lab.dns().address().getPort(), "--trust-ad",
          "--trust-anchor", anchor.toString()));
      args.addAll(command.equals("send") ? List.of("--from", "a@" + GOOD, "--to", "b@" + GOOD) : List.of(GOOD));
      CliRun run = CliRun.of(args.toArray(new String[0]));
      assertThat(run.exitCode()).as(command + ": " + run.err()).isEqualTo(ExitCodes.USAGE);
      assertThat(run.err().strip()).as(command)
          .contains("--trust-anchor and --trust-ad cannot be combined")
          .doesNotContain("Exception").doesNotContain("\tat ");
      assertThat(run.err().lines()).as(command).hasSize(1);
    }
  }
}
