package org.dane4j.cli.tlsa;

import org.dane4j.testkit.MiniJson;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dane4j.cli.CliRun;
import org.dane4j.cli.ExitCodes;
import org.dane4j.cli.demo.DemoLab;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.dns.DnsFault;
import org.dane4j.testkit.smtp.SmtpTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Type;

/** {@code dane4j tlsa verify} against the loopback lab: the record × depth matrix, results, exit codes. */
class TlsaVerifyCommandTest {
  private static final String GOOD = "mx.good." + DemoLab.SIGNED;
  private static final String STALE = "mx.stale." + DemoLab.SIGNED;
  private static final String NOMATCH = "mx.nomatch." + DemoLab.SIGNED;
  private static final String BOGUS = "mx.bogus." + DemoLab.SIGNED;
  private static final String SERVFAIL = "mx.servfail." + DemoLab.SIGNED;
  private static final String UNSIGNED = "mx.plain." + DemoLab.UNSIGNED;
  private static final String PKIX_ONLY = "mx.pkix." + DemoLab.SIGNED;

  private static DemoLab lab;
  private static MintedCertificate goodLeaf;
  private static MintedCertificate staleLeaf;
  private static MintedCertificate nomatchLeaf;
  private static SmtpTestServer good;
  @TempDir
  static Path dir;
  private static Path anchor;

  @BeforeAll
  static void startLab() throws IOException {
    lab = new DemoLab();
    goodLeaf = lab.leaf(GOOD);
    good = lab.mx("good." + DemoLab.SIGNED, GOOD, goodLeaf, b -> b);
    lab.tlsa(GOOD, DemoLab.ee311(goodLeaf).toString(), DemoLab.ta211(lab.issuer()).toString());
    staleLeaf = lab.leaf(STALE);
    lab.mx("stale." + DemoLab.SIGNED, STALE, lab.leaf(STALE), b -> b);
    lab.tlsa(STALE, DemoLab.ee311(staleLeaf).toString(), DemoLab.ta211(lab.issuer()).toString());
    nomatchLeaf = lab.leaf(NOMATCH);
    lab.mx("nomatch." + DemoLab.SIGNED, NOMATCH, nomatchLeaf, b -> b);
    // another key's 3 1 1, and a 2 1 1 of the leaf itself: it matches, but a DANE-TA record on the leaf
    // does not count
    lab.tlsa(NOMATCH, DemoLab.ee311(lab.leaf(NOMATCH)).toString(), DemoLab.ta211(nomatchLeaf).toString());
    MintedCertificate bogusLeaf = lab.leaf(BOGUS);
    lab.mx("bogus." + DemoLab.SIGNED, BOGUS, bogusLeaf, b -> b);
    lab.tlsa(BOGUS, DemoLab.ee311(bogusLeaf).toString());
    MintedCertificate servfailLeaf = lab.leaf(SERVFAIL);
    lab.mx("servfail." + DemoLab.SIGNED, SERVFAIL, servfailLeaf, b -> b);
    lab.tlsa(SERVFAIL, DemoLab.ee311(servfailLeaf).toString());
    lab.mx("plain." + DemoLab.UNSIGNED, UNSIGNED, lab.leaf(UNSIGNED), b -> b);
    MintedCertificate pkixLeaf = lab.leaf(PKIX_ONLY);
    lab.mx("pkix." + DemoLab.SIGNED, PKIX_ONLY, pkixLeaf, b -> b);
    lab.tlsa(PKIX_ONLY, "1 1 1 " + DemoLab.ee311(pkixLeaf).dataHex());
    lab.world().fault(lab.tlsaOwner(BOGUS), Type.TLSA, DnsFault.CORRUPT_RRSIG);
    lab.world().fault(lab.tlsaOwner(SERVFAIL), Type.TLSA, DnsFault.SERVFAIL);
    anchor = Files.writeString(dir.resolve("root.ds"), lab.trustAnchor());
  }

  @AfterAll
  static void stopLab() {
    lab.close();
  }

  private static CliRun verify(String... extra) {
    List<String> args = new ArrayList<>(List.of("tlsa", "verify", "--resolver",
        "127.0.0.1:" + lab.dns().address().getPort(), "--trust-anchor", anchor.toString(), "--timeout", "2",
        "--port", Integer.toString(lab.port())));
    args.addAll(List.of(extra));
    return CliRun.of(args.toArray(new String[0]));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> doc(CliRun run) {
    return (Map<String, Object>) MiniJson.parse(run.out());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> onlyAddress(CliRun run) {
    List<Map<String, Object>> addresses = (List<Map<String, Object>>) doc(run).get("addresses");
    assertThat(addresses).hasSize(1);
    return addresses.get(0);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> records(CliRun run) {
    return (List<Map<String, Object>>) onlyAddress(run).get("records");
  }

  /** The entry of one record (DNS returns the RRset in canonical order, not as published). */
  private static Map<String, Object> record(CliRun run, String record) {
    return records(run).stream().filter(r -> record.equals(r.get("record"))).findFirst().orElseThrow();
  }

  @SuppressWarnings("unchecked")
  private static List<Boolean> matches(Map<String, Object> record) {
    return ((List<Map<String, Object>>) record.get("depths")).stream().map(d -> (Boolean) d.get("match")).toList();
  }

  @Test
  void goodPairMatchesLeafAndIssuer() {
    CliRun run = verify(GOOD, "--json");

    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    assertThat(doc(run)).containsEntry("result", "verified").containsEntry("requirement", "dane")
        .containsEntry("tlsa_owner", "_" + lab.port() + "._tcp." + GOOD).containsEntry("exit_code", 0L);
    assertThat(onlyAddress(run)).containsEntry("verified", true).containsEntry("starttls", true)
        .containsEntry("tlsa_match", DemoLab.ee311(goodLeaf).toString()).containsEntry("match_depth", 0L);
    List<Map<String, Object>> records = records(run);
    assertThat(records).hasSize(2);
    assertThat(matches(record(run, DemoLab.ee311(goodLeaf).toString()))).containsExactly(true, false);
    assertThat(matches(record(run, DemoLab.ta211(lab.issuer()).toString()))).containsExactly(false, true);
    assertThat(records).allSatisfy(r -> assertThat(r).containsEntry("authenticates", true));
    assertThat(good.messages()).isEmpty();
  }

  @Test
  void goodPairAsText() {
    CliRun run = verify(GOOD);

    assertThat(run.exitCode()).isZero();
    String ee = DemoLab.ee311(goodLeaf).dataHex().substring(0, 12);
    assertThat(run.out()).startsWith("TLSA _" + lab.port() + "._tcp." + GOOD + ": dane")
        .contains("TLSA RECORD", "DEPTH 0", "DEPTH 1", "ALONE")
        .containsPattern("3 1 1 " + ee + "\\.\\.\\. +match +no +authenticates")
        .containsPattern("2 1 1 [0-9a-f]{12}\\.\\.\\. +no +match +authenticates")
        .contains("SHA-256 SPKI " + DemoLab.ee311(goodLeaf).dataHex())
        .endsWith("Result: verified - 1 of 1 address authenticated by a TLSA record" + System.lineSeparator());
  }

  @Test
  void staleEeRecordIsShownFailingWhileTheTaRecordAuthenticates() {
    CliRun run = verify(STALE, "--json");

    assertThat(run.exitCode()).isZero();
    Map<String, Object> stale = record(run, DemoLab.ee311(staleLeaf).toString());
    assertThat(stale).containsEntry("authenticates", false);
    assertThat(matches(stale)).containsExactly(false, false);
    assertThat(record(run, DemoLab.ta211(lab.issuer()).toString())).containsEntry("authenticates", true);
  }

  @Test
  void mismatchIsNotAuthenticatedExitTwo() {
    CliRun json = verify(NOMATCH, "--json");
    CliRun text = verify(NOMATCH);

    assertThat(json.exitCode()).isEqualTo(2);
    assertThat(doc(json)).containsEntry("result", "failed");
    assertThat(onlyAddress(json)).containsEntry("verified", false)
        .containsEntry("failure_type", "certificate-not-trusted");
    Map<String, Object> taOnLeaf = record(json, DemoLab.ta211(nomatchLeaf).toString());
    assertThat(matches(taOnLeaf)).containsExactly(true, false);
    assertThat(taOnLeaf).containsEntry("authenticates", false);
    assertThat(text.exitCode()).isEqualTo(2);
    assertThat(text.out()).containsPattern("2 1 1 [0-9a-f]{12}\\.\\.\\. +match\\* +no +fails")
        .contains("* matches, but does not count there")
        .contains("NOT authenticated: ").endsWith("Result: failed - 0 of 1 address authenticated by a TLSA record"
            + System.lineSeparator());
  }

  @Test
  void bogusTlsaIsExitTwoAndAFailedLookupExitThree() {
    CliRun bogus = verify(BOGUS, "--json");
    CliRun servfail = verify(SERVFAIL);

    assertThat(bogus.exitCode()).isEqualTo(2);
    assertThat(doc(bogus)).containsEntry("result", "bogus").containsEntry("requirement", "unusable");
    assertThat((List<?>) doc(bogus).get("addresses")).isEmpty();
    assertThat(servfail.exitCode()).isEqualTo(3);
    assertThat(servfail.out()).contains("Result: lookup-failed - TLSA lookup failed");
  }

  @Test
  void pkixRecordMatchesButIsUnusable() {
    CliRun run = verify(PKIX_ONLY);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).startsWith("TLSA _" + lab.port() + "._tcp." + PKIX_ONLY + ": encrypt")
        .containsPattern("1 1 1 [0-9a-f]{12}\\.\\.\\. +match\\* +no +unusable")
        .contains("Result: failed - no usable TLSA record: ");
  }

  @Test
  void hostWithoutDaneIsExitTwo() {
    CliRun run = verify(UNSIGNED);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).contains("Result: no-dane - no DANE for " + UNSIGNED);
  }

  @Test
  void badHostNameIsAUsageError() {
    CliRun run = CliRun.of("tlsa", "verify", "--resolver", "127.0.0.1", "bad..host");
    CliRun port = CliRun.of("tlsa", "verify", "--port", "smtp", GOOD);

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).startsWith("dane4j tlsa verify: not a host name: 'bad..host'").hasLineCount(1);
    assertThat(port.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(port.err()).startsWith("dane4j tlsa verify: ").hasLineCount(1);
  }
}
