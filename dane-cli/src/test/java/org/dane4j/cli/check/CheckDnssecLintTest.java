package org.dane4j.cli.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dane4j.cli.CliRun;
import org.dane4j.cli.demo.DemoLab;
import org.dane4j.cli.dnssec.LintText;
import org.dane4j.testkit.MiniJson;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.dns.DnsZone;
import org.dane4j.testkit.dns.ZoneSigning;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DNSSEC;

/** {@code dane4j check} with the DNSSEC lint (#16) on a zone signed the old way: JSON codes and text. */
class CheckDnssecLintTest {
  private static final String WEAK = "weak.test";
  private static final String GOOD = "good." + DemoLab.SIGNED;

  private static DemoLab lab;
  @TempDir
  static Path dir;
  private static Path anchor;

  @BeforeAll
  static void startLab() throws IOException {
    lab = new DemoLab();
    DnsZone weak = lab.world().zone(WEAK + ".", ZoneSigning.defaults().algorithm(DNSSEC.Algorithm.RSASHA1)
        .dsDigests(DNSSEC.Digest.SHA1).nsec3(10, "aabbccdd"));
    MintedCertificate weakLeaf = lab.leaf("mx." + WEAK);
    lab.mx(weak, "mx." + WEAK, 200, weakLeaf, b -> b);
    lab.mxRecord(weak, WEAK, 10, "mx." + WEAK);
    lab.tlsa(weak, "mx." + WEAK, DemoLab.ee311(weakLeaf).toString(), DemoLab.ta211(lab.issuer()).toString());
    MintedCertificate goodLeaf = lab.leaf("mx." + GOOD);
    lab.mx(GOOD, "mx." + GOOD, goodLeaf, b -> b);
    lab.tlsa("mx." + GOOD, DemoLab.ee311(goodLeaf).toString(), DemoLab.ta211(lab.issuer()).toString());
    anchor = Files.writeString(dir.resolve("root.ds"), lab.trustAnchor());
  }

  @AfterAll
  static void stopLab() {
    lab.close();
  }

  private static CliRun check(String... extra) {
    List<String> args = new ArrayList<>(List.of("check", "--resolver",
        "127.0.0.1:" + lab.dns().address().getPort(), "--trust-anchor", anchor.toString(), "--timeout", "2",
        "--port", Integer.toString(lab.port())));
    args.addAll(List.of(extra));
    return CliRun.of(args.toArray(new String[0]));
  }

  @SuppressWarnings("unchecked")
  private static List<String> lintCodes(CliRun run) {
    Map<String, Object> doc = (Map<String, Object>) MiniJson.parse(run.out());
    Map<String, Object> lint = (Map<String, Object>) doc.get("dnssec_lint");
    return ((List<Map<String, Object>>) lint.get("warnings")).stream().map(w -> (String) w.get("code")).toList();
  }

  @Test
  @DisplayName("#16: check --json lists the DNSSEC findings with stable codes; the verdict and exit code stay")
  void json() {
    CliRun run = check(WEAK, "--json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(lintCodes(run)).contains("DNSSEC_ALGORITHM_NOT_RECOMMENDED", "DS_DIGEST_MUST_NOT", "NSEC3_ITERATIONS",
        "NSEC3_SALT");
    @SuppressWarnings("unchecked")
    Map<String, Object> doc = (Map<String, Object>) MiniJson.parse(run.out());
    assertThat(doc).containsEntry("verdict", "verified");
    assertThat(((Number) doc.get("schema_version")).intValue()).isEqualTo(1);
  }

  @Test
  @DisplayName("#16: a well-signed domain has an empty lint; --no-dnssec-lint leaves the key out")
  void clean() {
    assertThat(lintCodes(check(GOOD, "--json"))).isEmpty();
    assertThat(check(GOOD, "--json", "--no-dnssec-lint").out()).doesNotContain("dnssec_lint");
  }

  @Test
  @DisplayName("#16: the text section names each zone and finding, wrapped without cutting a word")
  void text() {
    CliRun run = check(WEAK);
    assertThat(run.out()).contains("DNSSEC from the root to the TLSA names").contains("weak.test. secure")
        .contains("[NSEC3_ITERATIONS, RFC 9276 §3.1]").contains("fix: re-sign with NSEC3 iterations 0");
    String section = run.out().substring(run.out().indexOf("DNSSEC from the root"));
    for (String line : section.split("\n")) {
      assertThat(line.length()).as(line).isLessThanOrEqualTo(LintText.WIDTH);
    }
  }

  @Test
  @DisplayName("#16: --warn-signature-days is checked (0..90)")
  void signatureDaysChecked() {
    CliRun run = check(GOOD, "--warn-signature-days", "91");
    assertThat(run.exitCode()).isEqualTo(64);
    assertThat(run.err()).contains("--warn-signature-days must be 0..90");
  }
}
