package org.dane4j.cli.send;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dane4j.cli.CliRun;
import org.dane4j.cli.ExitCodes;
import org.dane4j.cli.demo.DemoLab;
import org.dane4j.testkit.MiniJson;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.smtp.SmtpTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dane4j send --require-tls} and {@code --tls-required-no} (RFC 8689; checklist RTLS-1, RTLS-2). */
class SendRequireTlsTest {
  private static final String OFFERS = "offers." + DemoLab.SIGNED;
  private static final String SILENT = "silent." + DemoLab.SIGNED;
  private static final String NOMATCH = "nomatch." + DemoLab.SIGNED;

  private static DemoLab lab;
  private static SmtpTestServer offers;
  private static SmtpTestServer silent;
  private static SmtpTestServer nomatch;
  @TempDir
  static Path dir;
  private static Path anchor;

  @BeforeAll
  static void startLab() throws IOException {
    lab = new DemoLab();
    MintedCertificate offersLeaf = lab.leaf("mx." + OFFERS);
    offers = lab.mx(OFFERS, "mx." + OFFERS, offersLeaf, b -> b.requireTls());
    lab.tlsa("mx." + OFFERS, DemoLab.ee311(offersLeaf).toString());
    MintedCertificate silentLeaf = lab.leaf("mx." + SILENT);
    silent = lab.mx(SILENT, "mx." + SILENT, silentLeaf, b -> b);
    lab.tlsa("mx." + SILENT, DemoLab.ee311(silentLeaf).toString());
    nomatch = lab.mx(NOMATCH, "mx." + NOMATCH, lab.leaf("mx." + NOMATCH), b -> b);
    lab.tlsa("mx." + NOMATCH, DemoLab.ee311(lab.leaf("other." + NOMATCH)).toString());
    lab.dns();
    anchor = Files.writeString(dir.resolve("root.ds"), lab.trustAnchor());
  }

  @AfterAll
  static void stopLab() {
    lab.close();
  }

  private static CliRun send(String... extra) {
    List<String> args = new ArrayList<>(List.of("send", "--resolver",
        "127.0.0.1:" + lab.dns().address().getPort(), "--trust-anchor", anchor.toString(), "--timeout", "2",
        "--mx-port", Integer.toString(lab.port()), "--from", "alice@sender." + DemoLab.SIGNED, "--json"));
    args.addAll(List.of(extra));
    return CliRun.of(args.toArray(new String[0]));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(CliRun run) {
    return (Map<String, Object>) MiniJson.parse(run.out());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> recipient(Map<String, Object> doc) {
    return (Map<String, Object>) ((List<Object>) doc.get("recipients")).get(0);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> attempts(Map<String, Object> recipient) {
    return (List<Map<String, Object>>) recipient.get("attempts");
  }

  @Test
  @DisplayName("RTLS-1: send --require-tls to a DANE host offering REQUIRETLS: delivered, the parameter sent, "
      + "the JSON says so")
  void rtls1_requireTlsDelivered() throws InterruptedException {
    CliRun run = send("--to", "bob@" + OFFERS, "--require-tls");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
    Map<String, Object> doc = json(run);
    assertThat(doc).containsEntry("require_tls", "requiretls");
    assertThat(attempts(recipient(doc))).singleElement()
        .satisfies(a -> assertThat(a).containsEntry("requiretls", true).containsEntry("tls_required_no", false));
    offers.awaitConnectionsClosed(Duration.ofSeconds(5));
    assertThat(offers.messages()).anySatisfy(m -> assertThat(m.mailParameters()).contains("REQUIRETLS"));
  }

  @Test
  @DisplayName("RTLS-1: send --require-tls to a host not offering REQUIRETLS: failed with 5.7.30, exit 2, no MAIL")
  void rtls1_requireTlsNotOfferedFails() {
    CliRun run = send("--to", "bob@" + SILENT, "--require-tls");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILED);
    Map<String, Object> r = recipient(json(run));
    assertThat(r).containsEntry("status", "failed");
    assertThat((String) r.get("reason")).contains("5.7.30");
    assertThat(silent.mailCommands()).isEmpty();
  }

  @Test
  @DisplayName("RTLS-1: send --relay --require-tls to a relay not offering REQUIRETLS: failed with 5.7.30, no MAIL")
  void rtls1_relayRequireTlsNotOfferedFails() {
    CliRun run = send("--relay", "mx." + SILENT + ":" + lab.port(), "--to", "frank@elsewhere.example",
        "--require-tls");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILED);
    assertThat((String) recipient(json(run)).get("reason")).contains("5.7.30", "did not offer REQUIRETLS");
    assertThat(silent.mailCommands()).isEmpty();
  }

  @Test
  @DisplayName("RTLS-1: send --relay --require-tls to a relay offering REQUIRETLS: MAIL FROM carries it")
  void rtls1_relayRequireTlsDelivered() throws InterruptedException {
    CliRun run = send("--relay", "mx." + OFFERS + ":" + lab.port(), "--to", "grace@elsewhere.example",
        "--require-tls");

    assertThat(run.exitCode()).as(run.err() + run.out()).isEqualTo(ExitCodes.OK);
    offers.awaitConnectionsClosed(Duration.ofSeconds(5));
    assertThat(offers.messages()).anySatisfy(m -> {
      assertThat(m.rcptTo()).containsExactly("grace@elsewhere.example");
      assertThat(m.mailParameters()).contains("REQUIRETLS");
    });
  }

  @Test
  @DisplayName("RTLS-2: send --tls-required-no with a mismatching TLSA: delivered, the JSON says the bypass")
  void rtls2_tlsRequiredNoDelivers() throws InterruptedException {
    CliRun run = send("--to", "bob@" + NOMATCH, "--tls-required-no");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
    Map<String, Object> doc = json(run);
    assertThat(doc).containsEntry("require_tls", "tls-required-no");
    List<Map<String, Object>> attempts = attempts(recipient(doc));
    assertThat(attempts).hasSize(2);
    assertThat(attempts.get(0)).containsEntry("verdict", "failed")
        .containsEntry("failure_type", "certificate-not-trusted").containsEntry("tls_required_no", false);
    assertThat(attempts.get(1)).containsEntry("tls_required_no", true).containsEntry("policy_type", "tlsa");
    nomatch.awaitConnectionsClosed(Duration.ofSeconds(5));
    assertThat(nomatch.messages()).anySatisfy(m -> assertThat(m.text()).contains("TLS-Required: No"));
  }

  @Test
  @DisplayName("RTLS-1: --require-tls and --tls-required-no together are a usage error")
  void rtls1_bothOptionsAreAUsageError() {
    CliRun run = send("--to", "bob@" + OFFERS, "--require-tls", "--tls-required-no");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
  }
}
