package org.dane4j.cli.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dane4j.cli.CaWatchlist;
import org.dane4j.cli.CliRun;
import org.dane4j.cli.Finding;
import org.dane4j.cli.WarningCode;
import org.dane4j.cli.demo.DemoLab;
import org.dane4j.testkit.CertificateMinter;
import org.dane4j.testkit.MiniJson;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.tlsa.CertUsage;
import org.dane4j.tlsa.MatchingType;
import org.dane4j.tlsa.Selector;
import org.dane4j.tlsa.TlsaRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #16: the CA-pin watchlist. A 2 x x record that pins one intermediate of a CA that issues from
 * several is flagged (TA_PINS_ONE_INTERMEDIATE) unless the other issuing intermediates are published too.
 */
class CaWatchlistCheckTest {
  private static final String PINNED = "pinned." + DemoLab.SIGNED;
  private static final String ALL = "all-pinned." + DemoLab.SIGNED;
  private static final String BY_CERT = "by-cert." + DemoLab.SIGNED;

  private static DemoLab lab;
  private static MintedCertificate sibling;
  @TempDir
  static Path dir;
  private static Path anchor;
  private static Path watchlist;
  private static Path subjectOnly;

  @BeforeAll
  static void startLab() throws IOException {
    lab = new DemoLab();
    MintedCertificate root = CertificateMinter.certificate().commonName("Lab Root").ca().mint();
    sibling = CertificateMinter.certificate().commonName("Lab Sibling CA").issuer(root).ca(0).mint();
    for (String domain : List.of(PINNED, ALL, BY_CERT)) {
      MintedCertificate leaf = lab.leaf("mx." + domain);
      lab.mx(domain, "mx." + domain, leaf, b -> b);
      List<String> records = new ArrayList<>(List.of(DemoLab.ee311(leaf).toString()));
      records.add(domain.equals(BY_CERT) ? TlsaRecord.of(lab.issuer().certificate(), CertUsage.DANE_TA,
          Selector.CERT, MatchingType.SHA2_256).toString() : DemoLab.ta211(lab.issuer()).toString());
      if (domain.equals(ALL)) {
        records.add(DemoLab.ta211(sibling).toString());
      }
      lab.tlsa("mx." + domain, records.toArray(String[]::new));
    }
    anchor = Files.writeString(dir.resolve("root.ds"), lab.trustAnchor());
    String issuerSubject = lab.issuer().certificate().getSubjectX500Principal().getName();
    watchlist = Files.writeString(dir.resolve("watchlist.txt"), "# the lab's CA\nas-of: 2026-12-01 test\n"
        + "Lab CA | I1 | active | ECDSA | " + issuerSubject + " | " + DemoLab.ta211(lab.issuer()).dataHex() + "\n"
        + "Lab CA | I2 | backup | ECDSA | " + sibling.certificate().getSubjectX500Principal().getName() + " | "
        + DemoLab.ta211(sibling).dataHex() + "\n"
        + "Lab CA | I0 | retired | ECDSA | CN=Lab Old CA | -\n");
    subjectOnly = Files.writeString(dir.resolve("subject-only.txt"),
        "Lab CA | I1 | active | ECDSA | " + issuerSubject + " | -\n"
        + "Lab CA | I2 | active | ECDSA | CN=Lab Sibling CA | -\n");
  }

  @AfterAll
  static void stopLab() {
    lab.close();
  }

  private static CliRun run(String command, String... extra) {
    List<String> args = new ArrayList<>(List.of(command, "--resolver", "127.0.0.1:" + lab.dns().address().getPort(),
        "--trust-anchor", anchor.toString(), "--timeout", "2", "--port", Integer.toString(lab.port())));
    args.addAll(List.of(extra));
    return CliRun.of(args.toArray(new String[0]));
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> warnings(CliRun run) {
    Map<String, Object> doc = (Map<String, Object>) MiniJson.parse(run.out());
    List<Map<String, Object>> hosts = (List<Map<String, Object>>) doc.get("hosts");
    return (List<Map<String, Object>>) hosts.get(0).get("warnings");
  }

  @Test
  @DisplayName("#16: a 2 1 1 pinning one of two issuing intermediates is flagged, the fix names the other")
  void pinOfOneIntermediateIsFlagged() {
    CliRun run = run("check", "--json", "--ca-watchlist", watchlist.toString(), PINNED);

    assertThat(warnings(run)).anySatisfy(w -> {
      assertThat(w).containsEntry("code", "TA_PINS_ONE_INTERMEDIATE");
      assertThat((String) w.get("message")).contains("Lab CA's 2 1 1 ").contains("I1 (active)")
          .contains("I2 (backup)").contains("as of 2026-12-01").doesNotContain("I0");
      assertThat((String) w.get("fix")).contains("2 1 1 " + DemoLab.ta211(sibling).dataHex() + " (I2)");
    });
  }

  @Test
  @DisplayName("#16: every issuing intermediate published: no pin warning")
  void allIntermediatesPublishedIsQuiet() {
    CliRun run = run("check", "--json", "--ca-watchlist", watchlist.toString(), ALL);

    assertThat(warnings(run)).noneSatisfy(w -> assertThat(w).containsEntry("code", "TA_PINS_ONE_INTERMEDIATE"));
    assertThat(run.exitCode()).isZero();
  }

  @Test
  @DisplayName("#16: without digests in the list, a 2 0 1 is recognised by the subject of the CA it matches")
  void subjectOnlyEntriesMatchThroughTheChain() {
    CliRun run = run("check", "--json", "--ca-watchlist", subjectOnly.toString(), BY_CERT);

    assertThat(warnings(run)).anySatisfy(w -> {
      assertThat(w).containsEntry("code", "TA_PINS_ONE_INTERMEDIATE");
      assertThat((String) w.get("message")).contains("2 0 1 ").contains("I1 (active)").contains("I2 (active)");
      assertThat((String) w.get("fix")).contains("a 2 1 1 for I2 (CN=Lab Sibling CA)");
    });
  }

  @Test
  @DisplayName("#16: monitor says WARNING with the code")
  void monitorWarns() {
    CliRun run = run("monitor", "--ca-watchlist", watchlist.toString(), PINNED);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).startsWith("DANE WARNING - ").contains("DANE-TA pins Lab CA's");
    CliRun json = run("monitor", "--json", "--ca-watchlist", watchlist.toString(), PINNED);
    assertThat(json.out()).as(json.err()).contains("TA_PINS_ONE_INTERMEDIATE");
  }

  @Test
  @DisplayName("#16: a bad watchlist file names the line and what is wrong (check 66, monitor UNKNOWN)")
  void badWatchlistFile() throws IOException {
    Path bad = Files.writeString(dir.resolve("bad.txt"), "# ok\nLab CA | I1 | issuing | RSA | CN=x | -\n");

    CliRun check = run("check", "--ca-watchlist", bad.toString(), PINNED);
    assertThat(check.exitCode()).isEqualTo(66);
    assertThat(check.err()).contains("line 2: status must be active, backup or retired, got 'issuing'");
    assertThat(run("monitor", "--ca-watchlist", bad.toString(), PINNED).exitCode()).isEqualTo(3);
    assertThat(run("check", "--ca-watchlist", dir.resolve("missing.txt").toString(), PINNED).err())
        .contains("no such file");
  }

  @Test
  @DisplayName("#16: the bundled list holds Let's Encrypt's intermediates with their 2 1 1 data")
  void bundledLetsEncrypt() {
    CaWatchlist bundled = CaWatchlist.bundled();
    assertThat(bundled.entries()).extracting(CaWatchlist.Entry::name)
        .contains("YE1", "YE2", "YE3", "YR1", "YR2", "YR3", "E5", "E6", "R10", "R11");
    assertThat(bundled.entries()).allSatisfy(e -> assertThat(e.spkiSha256()).hasSize(64));

    // a zone that still pins the retired R10 alone: the fix lists the YR intermediates' records
    TlsaRecord r10 = TlsaRecord.parse("2 1 1 2bbad93ab5c79279ec121507f272cbe0c6647a3aae52e22f388afab426b4adba");
    List<Finding> f = bundled.findings(List.of(r10), List.of());
    assertThat(f).singleElement().satisfies(x -> {
      assertThat(x.code()).isEqualTo(WarningCode.TA_PINS_ONE_INTERMEDIATE);
      assertThat(x.message()).contains("R10 (retired)").contains("no longer issues from")
          .contains("YR1 (active), YR2 (active), YR3 (backup)").doesNotContain("YE1");
      assertThat(x.fix()).contains("2 1 1 2e8307068b6db620e4a39d068b5dee5d6ef5788cbb2c0b6d23ead84fcc17178c (YR1)");
    });
    // the ECDSA side published in full: quiet
    List<TlsaRecord> allYe = bundled.entries().stream().filter(e -> e.name().startsWith("YE"))
        .map(e -> TlsaRecord.parse("2 1 1 " + e.spkiSha256())).toList();
    assertThat(bundled.findings(allYe, List.of())).isEmpty();
  }

  @Test
  @DisplayName("#16: the watchlist parser refuses malformed lines, naming them")
  void parserNamesBadLines() {
    assertThatThrownBy(() -> CaWatchlist.parse("a | b | active\n", "x")).hasMessageContaining("x line 1: expected 6");
    assertThatThrownBy(() -> CaWatchlist.parse("\nA | B | active | DSA | CN=x | -\n", "x"))
        .hasMessageContaining("line 2: key type must be RSA or ECDSA");
    assertThatThrownBy(() -> CaWatchlist.parse("A | B | active | RSA | CN=x | abcd\n", "x"))
        .hasMessageContaining("64 hex digits");
    assertThatThrownBy(() -> CaWatchlist.parse("A | B | active | RSA | not a name | -\n", "x"))
        .hasMessageContaining("not a subject name");
  }
}
