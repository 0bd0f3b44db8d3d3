package org.dane4j.cli.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.dane4j.cli.CliRun;
import org.dane4j.cli.demo.DemoLab;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.dns.DnsZone;
import org.dane4j.testkit.dns.ZoneSigning;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dane4j monitor} turns WARNING on the DNSSEC lint's findings (#16), with their stable codes. */
class MonitorDnssecLintTest {
  private static final String SOON = "soon.test";
  private static final String GOOD = "good." + DemoLab.SIGNED;

  private static DemoLab lab;
  @TempDir
  static Path dir;
  private static Path anchor;
  private static MintedCertificate goodLeaf;

  @BeforeAll
  static void startLab() throws IOException {
    lab = new DemoLab();
    DnsZone soon = lab.world().zone(SOON + ".", ZoneSigning.defaults().nsec3(0, "").nsec3OptOut()
        .signatureLifetime(Duration.ofHours(10)));
    MintedCertificate leaf = lab.leaf("mx." + SOON);
    lab.mx(soon, "mx." + SOON, 201, leaf, b -> b);
    lab.mxRecord(soon, SOON, 10, "mx." + SOON);
    lab.tlsa(soon, "mx." + SOON, DemoLab.ee311(leaf).toString(), DemoLab.ta211(lab.issuer()).toString());
    goodLeaf = lab.leaf("mx." + GOOD);
    lab.mx(GOOD, "mx." + GOOD, goodLeaf, b -> b);
    lab.tlsa("mx." + GOOD, DemoLab.ee311(goodLeaf).toString(), DemoLab.ta211(lab.issuer()).toString());
    anchor = Files.writeString(dir.resolve("root.ds"), lab.trustAnchor());
  }

  @AfterAll
  static void stopLab() {
    lab.close();
  }

  private static CliRun monitor(String... extra) {
    return monitorAt(null, extra);
  }

  private static CliRun monitorAt(java.time.Clock clock, String... extra) {
    List<String> args = new ArrayList<>(List.of("monitor", "--resolver",
        "127.0.0.1:" + lab.dns().address().getPort(), "--trust-anchor", anchor.toString(), "--timeout", "2",
        "--port", Integer.toString(lab.port())));
    args.addAll(List.of(extra));
    return clock == null ? CliRun.of(args.toArray(new String[0])) : CliRun.at(clock, args.toArray(new String[0]));
  }

  @Test
  @DisplayName("#16: expiring signatures and opt-out make monitor WARNING (exit 1) with their codes in --json")
  void warning() {
    CliRun run = monitor(SOON, "--json");
    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
    assertThat(run.out()).contains("\"code\": \"RRSIG_EXPIRING\"").contains("\"code\": \"NSEC3_OPT_OUT\"")
        .contains("\"dnssec_lint\"");
    CliRun text = monitor(SOON);
    assertThat(text.out()).startsWith("DANE WARNING - ").contains("WARNING: soon.test.: signatures of the zone soon.test.");
  }

  @Test
  @DisplayName("#16: a well-signed domain stays OK; --no-dnssec-lint skips the lint")
  void ok() {
    assertThat(monitor(GOOD).exitCode()).isZero();
    CliRun skipped = monitor(SOON, "--no-dnssec-lint", "--json");
    assertThat(skipped.exitCode()).isZero();
    assertThat(skipped.out()).doesNotContain("dnssec_lint");
  }

  @Test
  @DisplayName("#16 RFC 7671 §8: monitor passes the presented certificate to the lint: TLSA_TTL_EXCEEDS_CERT_LIFETIME")
  void ttlAgainstThePresentedCertificate() {
    java.time.Instant notAfter = goodLeaf.certificate().getNotAfter().toInstant();
    CliRun soon = monitorAt(java.time.Clock.fixed(notAfter.minusSeconds(120), java.time.ZoneOffset.UTC), GOOD,
        "--json");
    assertThat(soon.exitCode()).as(soon.out() + soon.err()).isEqualTo(1);
    assertThat(soon.out()).contains("\"code\": \"TLSA_TTL_EXCEEDS_CERT_LIFETIME\"");
    CliRun later = monitor(GOOD, "--json");
    assertThat(later.out()).as(later.out()).doesNotContain("TLSA_TTL_EXCEEDS_CERT_LIFETIME");
  }
}
