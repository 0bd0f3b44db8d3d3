package org.dane4j.cli.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.dane4j.cli.CliRun;
import org.dane4j.cli.ExitCodes;
import org.dane4j.cli.demo.DemoLab;
import org.dane4j.testkit.MiniJson;
import org.dane4j.testkit.MintedCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dane4j send --tlsrpt-store} then {@code dane4j tlsrpt show|status}: a DANE success and a TLSA mismatch
 * on loopback servers end up in the store and in the day's reports.
 */
class TlsRptCliTest {
  private static final String GOOD = "good." + DemoLab.SIGNED;
  private static final String NOMATCH = "nomatch." + DemoLab.SIGNED;

  private static DemoLab lab;
  private static org.dane4j.testkit.smtp.SmtpTestServer good;
  @TempDir
  static Path dir;
  private static Path anchor;

  @BeforeAll
  static void startLab() throws IOException {
    lab = new DemoLab();
    MintedCertificate goodLeaf = lab.leaf("mx." + GOOD);
    good = lab.mx(GOOD, "mx." + GOOD, goodLeaf, b -> b);
    lab.tlsa("mx." + GOOD, DemoLab.ee311(goodLeaf).toString());
    lab.mx(NOMATCH, "mx." + NOMATCH, lab.leaf("mx." + NOMATCH), b -> b);
    lab.tlsa("mx." + NOMATCH, DemoLab.ee311(lab.leaf("mx." + NOMATCH)).toString());
    lab.world().zone(DemoLab.SIGNED + ".").add("_smtp._tls." + NOMATCH + ". 300 IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@" + GOOD + "\"");
    lab.dns();
    anchor = Files.writeString(dir.resolve("root.ds"), lab.trustAnchor());
  }

  @AfterAll
  static void stopLab() {
    lab.close();
  }

  private static CliRun send(Path store, String to) {
    return CliRun.of("send", "--resolver", "127.0.0.1:" + lab.dns().address().getPort(), "--trust-anchor",
        anchor.toString(), "--timeout", "2", "--mx-port", Integer.toString(lab.port()), "--from",
        "alice@sender." + DemoLab.SIGNED, "--to", to, "--body", "hi", "--tlsrpt-store", store.toString());
  }

  @Test
  @DisplayName("RPT-CLI: send --tlsrpt-store records a success and a certificate-not-trusted; tlsrpt show and status print them")
  void sendRecordsAndShowPrints() {
    Path store = dir.resolve("tlsrpt.db");
    assertThat(send(store, "bob@" + GOOD).exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(send(store, "bob@" + NOMATCH).exitCode()).isEqualTo(ExitCodes.DEFERRED);
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    Clock tomorrow = Clock.fixed(today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(600),
        ZoneOffset.UTC);

    CliRun show = CliRun.at(tomorrow, "tlsrpt", "--store", store.toString(), "show", "--domain", NOMATCH, "--json");
    assertThat(show.err()).isEmpty();
    assertThat(show.exitCode()).isZero();
    @SuppressWarnings("unchecked")
    Map<String, Object> report = (Map<String, Object>) MiniJson.parse(show.out().strip());
    assertThat(report).containsEntry("organization-name", "dane4j");
    @SuppressWarnings("unchecked")
    Map<String, Object> policy = (Map<String, Object>) ((Map<String, Object>) ((List<Object>) report.get("policies"))
        .get(0)).get("policy");
    assertThat(policy).containsEntry("policy-type", "tlsa").containsEntry("policy-domain", NOMATCH)
        .containsEntry("mx-host", List.of("mx." + NOMATCH));
    assertThat(show.out()).contains("\"result-type\":\"certificate-not-trusted\"", "\"total-failure-session-count\":1");

    CliRun text = CliRun.at(tomorrow, "tlsrpt", "--store", store.toString(), "show");
    assertThat(text.out()).contains(GOOD, "1 successful, 0 failed", NOMATCH, "1 x certificate-not-trusted");

    CliRun status = CliRun.at(tomorrow, "tlsrpt", "--store", store.toString(), "status");
    assertThat(status.out()).contains(today + "  " + GOOD + "  1 successful, 0 failed  not sent")
        .contains(today + "  " + NOMATCH + "  0 successful, 1 failed  not sent");
  }

  @Test
  @DisplayName("RPT-CLI: tlsrpt send mails the day's report with DANE to the rua mailbox, marks it sent, and sends it once")
  void sendMailsTheReportOnce() throws Exception {
    Path store = dir.resolve("send.db");
    assertThat(send(store, "carol@" + NOMATCH).exitCode()).isEqualTo(ExitCodes.DEFERRED);
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    String[] args = {"tlsrpt", "--store", store.toString(), "send", "--day", today.toString(), "--resolver",
        "127.0.0.1:" + lab.dns().address().getPort(), "--trust-anchor", anchor.toString(), "--timeout", "2",
        "--mx-port", Integer.toString(lab.port()), "--from", "tlsrpt@sender." + DemoLab.SIGNED, "--submitter",
        "sender." + DemoLab.SIGNED};
    CliRun run = CliRun.of(args);
    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains(NOMATCH + "  sent  " + today + "T00:00:00Z_" + NOMATCH + "@sender." + DemoLab.SIGNED);
    good.awaitConnectionsClosed(java.time.Duration.ofSeconds(5));
    assertThat(good.messages()).anySatisfy(m -> {
      assertThat(m.tls()).isTrue();
      assertThat(m.text()).contains("TLS-Report-Domain: " + NOMATCH, "TLS-Required: No",
          "report-type=\"tlsrpt\"", ".json.gz");
    });
    assertThat(CliRun.of(args).out()).contains(NOMATCH + "  already-sent");
    CliRun status = CliRun.of("tlsrpt", "--store", store.toString(), "status");
    assertThat(status.out()).contains(NOMATCH + "  0 successful, 1 failed  sent " + today);
  }

  @Test
  @DisplayName("RPT-CLI: a missing store file and a bad --day are explained, with their exit codes")
  void badInput() {
    CliRun missing = CliRun.of("tlsrpt", "--store", dir.resolve("none.db").toString(), "status");
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(missing.err()).contains("no such file");
    CliRun day = CliRun.of("tlsrpt", "--store", dir.resolve("none.db").toString(), "show", "--day", "31.12.2026");
    assertThat(day.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(day.err()).contains("YYYY-MM-DD");
  }
}
