package org.dane4j.cli.check;

import org.dane4j.testkit.MiniJson;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dane4j.cli.CliRun;
import org.dane4j.cli.ExitCodes;
import org.dane4j.cli.demo.DemoLab;
import org.dane4j.testkit.CertificateMinter;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.dns.DnsFault;
import org.dane4j.testkit.smtp.SmtpFault;
import org.dane4j.testkit.smtp.SmtpTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Type;

/** {@code dane4j check} against the loopback lab: verdicts, chain digests, matched records, exit codes. */
class CheckCommandTest {
  private static final String GOOD = "good." + DemoLab.SIGNED;
  private static final String NOMATCH = "nomatch." + DemoLab.SIGNED;
  private static final String STRIPPED = "stripped." + DemoLab.SIGNED;
  private static final String UNSIGNED = "plain." + DemoLab.UNSIGNED;
  private static final String STALE = "stale." + DemoLab.SIGNED;
  private static final String NAMED = "named." + DemoLab.SIGNED;
  private static final String WILD = "wild." + DemoLab.SIGNED;
  private static final String DELEGATED = "delegated." + DemoLab.SIGNED;
  private static final String DELEGATED_MX = "mx.delegated." + DemoLab.UNSIGNED;
  private static final String SILENT_TLSA = "silent-tlsa." + DemoLab.SIGNED;
  private static final String EXPIRING = "expiring." + DemoLab.SIGNED;
  private static final String EXPIRED = "expired." + DemoLab.SIGNED;
  private static final String FLOOD = "flood." + DemoLab.SIGNED;
  private static final String SLOWLORIS = "slowloris." + DemoLab.SIGNED;
  private static final String WRONG_NAME = "wrong-name." + DemoLab.SIGNED;
  private static final String STALLED = "stalled." + DemoLab.SIGNED;

  private static DemoLab lab;
  private static MintedCertificate goodLeaf;
  private static MintedCertificate nomatchLeaf;
  private static MintedCertificate staleLeaf;
  private static MintedCertificate namedLeaf;
  private static SmtpTestServer good;
  @TempDir
  static Path dir;
  private static Path anchor;

  @BeforeAll
  static void startLab() throws IOException {
    lab = new DemoLab();
    goodLeaf = lab.leaf("mx." + GOOD);
    good = lab.mx(GOOD, "mx." + GOOD, goodLeaf, b -> b);
    lab.tlsa("mx." + GOOD, DemoLab.ee311(goodLeaf).toString(), DemoLab.ta211(lab.issuer()).toString());
    nomatchLeaf = lab.leaf("mx." + NOMATCH);
    lab.mx(NOMATCH, "mx." + NOMATCH, nomatchLeaf, b -> b);
    lab.tlsa("mx." + NOMATCH, DemoLab.ee311(lab.leaf("mx." + NOMATCH)).toString());
    MintedCertificate strippedLeaf = lab.leaf("mx." + STRIPPED);
    lab.mx(STRIPPED, "mx." + STRIPPED, strippedLeaf, b -> b.fault(SmtpFault.NO_STARTTLS));
    lab.tlsa("mx." + STRIPPED, DemoLab.ee311(strippedLeaf).toString());
    lab.mx(UNSIGNED, "mx." + UNSIGNED, lab.leaf("mx." + UNSIGNED), b -> b);
    // a rollover left behind: the 3 1 1 is of the old key, the 2 1 1 still authenticates the new one
    staleLeaf = lab.leaf("mx." + STALE);
    lab.mx(STALE, "mx." + STALE, staleLeaf, b -> b);
    lab.tlsa("mx." + STALE, DemoLab.ee311(lab.leaf("mx." + STALE)).toString(), DemoLab.ta211(lab.issuer()).toString());
    // DANE-TA with a certificate for another name: works today through the 3 1 1 only
    namedLeaf = lab.leaf("mx.elsewhere.example");
    lab.mx(NAMED, "mx." + NAMED, namedLeaf, b -> b);
    lab.tlsa("mx." + NAMED, DemoLab.ee311(namedLeaf).toString(), DemoLab.ta211(lab.issuer()).toString());
    // a wildcard certificate covering the MX host: no name warning
    MintedCertificate wildLeaf = lab.leaf("*." + WILD);
    lab.mx(WILD, "mx." + WILD, wildLeaf, b -> b);
    lab.tlsa("mx." + WILD, DemoLab.ee311(wildLeaf).toString(), DemoLab.ta211(lab.issuer()).toString());
    // a signed domain whose MX host lives in an unsigned zone (insecure delegation)
    lab.mx(DELEGATED, DELEGATED_MX, lab.leaf(DELEGATED_MX), b -> b);
    // 10 days left; and expired 2 days ago (DANE-EE ignores dates: still delivered to)
    for (String domain : List.of(EXPIRING, EXPIRED)) {
      Instant notAfter = Instant.now().plus(Duration.ofDays(domain.equals(EXPIRING) ? 10 : -2));
      MintedCertificate leaf = CertificateMinter.certificate().dnsNames("mx." + domain).issuer(lab.issuer())
          .validity(notAfter.minus(Duration.ofDays(90)), notAfter).mint();
      lab.mx(domain, "mx." + domain, leaf, b -> b);
      lab.tlsa("mx." + domain, DemoLab.ee311(leaf).toString(), DemoLab.ta211(lab.issuer()).toString());
    }
    // the lab's DNS server never answers the TLSA question of this host
    MintedCertificate silentLeaf = lab.leaf("mx." + SILENT_TLSA);
    lab.mx(SILENT_TLSA, "mx." + SILENT_TLSA, silentLeaf, b -> b);
    lab.tlsa("mx." + SILENT_TLSA, DemoLab.ee311(silentLeaf).toString());
    lab.world().fault(lab.tlsaOwner("mx." + SILENT_TLSA), Type.TLSA, DnsFault.TIMEOUT);
    // hostile servers (TLS-7): an endless multi-line greeting; an endless greeting trickled 1 byte / 200 ms
    lab.mx(FLOOD, "mx." + FLOOD, lab.leaf("mx." + FLOOD), b -> b.fault(SmtpFault.ENDLESS_REPLY));
    lab.mx(SLOWLORIS, "mx." + SLOWLORIS, lab.leaf("mx." + SLOWLORIS),
        b -> b.faults(SmtpFault.TRICKLE_REPLIES, SmtpFault.ENDLESS_REPLY));
    // DANE-TA only, and a certificate for another name: fails with a long reason
    lab.mx(WRONG_NAME, "mx." + WRONG_NAME, lab.leaf("mx.some-other-name.example"), b -> b);
    lab.tlsa("mx." + WRONG_NAME, DemoLab.ta211(lab.issuer()).toString());
    // a server that answers STARTTLS with 220 and then never answers the ClientHello
    MintedCertificate stalledLeaf = lab.leaf("mx." + STALLED);
    lab.mx(STALLED, "mx." + STALLED, stalledLeaf, b -> b.fault(SmtpFault.STALL_HANDSHAKE));
    lab.tlsa("mx." + STALLED, DemoLab.ee311(stalledLeaf).toString());
    anchor = Files.writeString(dir.resolve("root.ds"), lab.trustAnchor());
  }

  @AfterAll
  static void stopLab() {
    lab.close();
  }

  @Test
  @DisplayName("#12: check judges certificates at the command line's injected clock, not the JVM's")
  void checkReadsTheInjectedClock() {
    List<String> args = new ArrayList<>(List.of("check", "--resolver",
        "127.0.0.1:" + lab.dns().address().getPort(), "--trust-anchor", anchor.toString(), "--timeout", "2",
        "--port", Integer.toString(lab.port()), "--json", GOOD));
    assertThat(codes(CliRun.of(args.toArray(String[]::new)))).doesNotContain("CERT_EXPIRING", "CERT_EXPIRED");
    java.time.Clock inTwoYears = java.time.Clock.offset(java.time.Clock.systemUTC(), java.time.Duration.ofDays(730));
    assertThat(codes(CliRun.at(inTwoYears, args.toArray(String[]::new)))).contains("CERT_EXPIRED");
  }

  private static CliRun check(String... extra) {
    List<String> args = new ArrayList<>(List.of("check", "--resolver",
        "127.0.0.1:" + lab.dns().address().getPort(), "--trust-anchor", anchor.toString(), "--timeout", "2",
        "--port", Integer.toString(lab.port())));
    args.addAll(List.of(extra));
    return CliRun.of(args.toArray(new String[0]));
  }

  /** The warnings of the only host, each as one line: message, " Fix: ", fix. */
  private static List<String> warnings(CliRun run) {
    return codedWarnings(run).stream().map(CheckWarnings::line).toList();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> codedWarnings(CliRun run) {
    return (List<Map<String, Object>>) onlyHost(run).get("warnings");
  }

  private static List<Object> codes(CliRun run) {
    return codedWarnings(run).stream().map(w -> w.get("code")).toList();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> onlyHost(CliRun run) {
    Map<String, Object> doc = (Map<String, Object>) MiniJson.parse(run.out());
    List<Map<String, Object>> hosts = (List<Map<String, Object>>) doc.get("hosts");
    assertThat(hosts).hasSize(1);
    return hosts.get(0);
  }

  @Test
  void goodDomainIsVerifiedWithTheChainDigestsAndTheMatchedRecord() {
    CliRun run = check(GOOD, "--json");

    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    @SuppressWarnings("unchecked")
    Map<String, Object> doc = (Map<String, Object>) MiniJson.parse(run.out());
    assertThat(doc).containsEntry("verdict", "verified")
        .containsEntry("mx_dnssec", "secure").containsEntry("exit_code", 0L).containsEntry("warn_days", 21L);
    Map<String, Object> h = onlyHost(run);
    assertThat(h).containsEntry("mx_host", "mx." + GOOD).containsEntry("requirement", "dane")
        .containsEntry("tlsa_dnssec", "secure").containsEntry("address_dnssec", "secure")
        .containsEntry("starttls", true).containsEntry("verdict", "verified")
        .containsEntry("tlsa_match", DemoLab.ee311(goodLeaf).toString()).containsEntry("match_depth", 0L)
        .containsEntry("failure_type", null);
    assertThat((List<?>) h.get("tlsa")).hasSize(2);
    assertThat((List<?>) h.get("warnings")).isEmpty();
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> chain = (List<Map<String, Object>>) h.get("chain");
    assertThat(chain).hasSize(2);
    assertThat(chain.get(0).get("sha256_spki")).isEqualTo(DemoLab.ee311(goodLeaf).dataHex());
    assertThat(good.messages()).isEmpty();
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hang fails, not blocks
  void tls7_anEndlessReplyEndsTheProbeNamingMaxReplyLines() {
    CliRun run = check(FLOOD, "--json");

    assertThat(onlyHost(run)).containsEntry("verdict", "failed");
    assertThat((String) onlyHost(run).get("detail")).contains("limit maxReplyLines 100");
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hang fails, not blocks
  void tls7_aSlowlorisServerEndsTheProbeAtTheReplyDeadline() {
    // --timeout 1: each read and each reply 6 s; the server sends a byte every 200 ms for ever
    CliRun run = CliRun.of("check", "--resolver", "127.0.0.1:" + lab.dns().address().getPort(), "--trust-anchor",
        anchor.toString(), "--timeout", "1", "--port", Integer.toString(lab.port()), SLOWLORIS, "--json");

    assertThat(onlyHost(run)).containsEntry("verdict", "failed");
    assertThat((String) onlyHost(run).get("detail")).contains("limit replyTimeout 6 s");
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hang fails, not blocks
  @DisplayName("TLS-7: the probe's handshake has the deadline 6 x --timeout, named when crossed")
  void tls7_aStalledHandshakeEndsAtSixTimesTheTimeout() {
    CliRun run = CliRun.of("check", "--resolver", "127.0.0.1:" + lab.dns().address().getPort(), "--trust-anchor",
        anchor.toString(), "--timeout", "1", "--port", Integer.toString(lab.port()), STALLED, "--json");

    assertThat(onlyHost(run)).containsEntry("verdict", "failed").containsEntry("starttls", true)
        .containsEntry("failure_type", "validation-failure");
    assertThat((String) onlyHost(run).get("detail")).contains("limit handshakeTimeout 6 s");
  }

  @Test
  @DisplayName("#12: the probe is the sending session: EHLO again under TLS, then QUIT, never MAIL")
  void theProbeRunsTheSendingSession() throws Exception {
    int before = good.connections().size();
    CliRun run = check(GOOD, "--json");

    assertThat(run.exitCode()).isZero();
    good.awaitConnectionsClosed(before + 1, Duration.ofSeconds(10));
    assertThat(good.connections().get(before).commandsInTls()).containsExactly("EHLO dane4j-check.invalid", "QUIT");
    assertThat(good.connections().get(before).commands()).noneMatch(c -> c.startsWith("MAIL"));
  }

  @Test
  @DisplayName("#12: an --ehlo that is no host name is a usage error, before any connection")
  void badEhloIsAUsageError() {
    CliRun run = check(GOOD, "--ehlo", "not a name");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).startsWith("dane4j check: --ehlo: 'not a name'").hasLineCount(1);
  }

  @Test
  void goodDomainAsText() {
    CliRun run = check(GOOD);

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("MX RRset of " + GOOD + " (port " + lab.port() + "): secure")
        .contains("SHA-256 SPKI ")
        .containsPattern("mx\\.good\\.dane4j\\.test +127\\.0\\.0\\.\\d+ +secure \\(2\\) +dane +TLSv1\\.\\d +verified")
        .endsWith("Domain verdict: verified" + System.lineSeparator());
  }

  @Test
  void mismatchAndStrippingAreFailingExitTwo() {
    CliRun nomatch = check(NOMATCH, "--json");
    CliRun stripped = check(STRIPPED, "--json");

    assertThat(nomatch.exitCode()).isEqualTo(2);
    assertThat(onlyHost(nomatch)).containsEntry("verdict", "failed")
        .containsEntry("failure_type", "certificate-not-trusted");
    assertThat(warnings(nomatch)).hasSize(2);
    assertThat(warnings(nomatch).get(0)).startsWith("only one TLSA record")
        .endsWith("Fix: add a 2 1 1 for the issuing CA " + DemoLab.ta211(lab.issuer()).dataHex());
    assertThat(warnings(nomatch).get(1)).contains("matches no key the server presented")
        .endsWith("Fix: publish 3 1 1 " + DemoLab.ee311(nomatchLeaf).dataHex() + ", then remove the stale record");
    assertThat(warnings(stripped)).anySatisfy(w -> assertThat(w)
        .startsWith("TLSA records are published but the host does not offer STARTTLS")
        .contains("Fix: enable STARTTLS"));
    assertThat(stripped.exitCode()).isEqualTo(2);
    assertThat(onlyHost(stripped)).containsEntry("verdict", "failed").containsEntry("starttls", false)
        .containsEntry("failure_type", "starttls-not-supported");
  }

  @Test
  void staleThreeOneOneAfterARolloverIsFlaggedWithTheCurrentKeyDigest() {
    CliRun run = check(STALE, "--json");

    assertThat(run.exitCode()).as(run.out()).isZero();
    assertThat(onlyHost(run)).containsEntry("verdict", "verified")
        .containsEntry("tlsa_match", DemoLab.ta211(lab.issuer()).toString());
    assertThat(warnings(run)).singleElement().asString()
        .startsWith("3 1 1 ").contains("matches no key the server presented (an old key left after a rollover?)")
        .endsWith("Fix: publish 3 1 1 " + DemoLab.ee311(staleLeaf).dataHex() + ", then remove the stale record");
  }

  @Test
  void daneTaWithACertificateForAnotherNameIsFlagged() {
    CliRun run = check(NAMED, "--json");

    assertThat(run.exitCode()).isZero();
    assertThat(onlyHost(run)).containsEntry("verdict", "verified")
        .containsEntry("tlsa_match", DemoLab.ee311(namedLeaf).toString());
    assertThat(warnings(run)).singleElement().asString()
        .startsWith("DANE-TA (2 x x) records make senders check the certificate's name, but it names"
            + " mx.elsewhere.example, not mx." + NAMED)
        .contains("Fix: get a certificate whose subjectAltName includes mx." + NAMED)
        .endsWith("or publish 3 1 1 " + DemoLab.ee311(namedLeaf).dataHex() + " so that the name is not checked");
  }

  @Test
  void aWildcardCertificateForTheMxHostIsFine() {
    CliRun run = check(WILD, "--json");

    assertThat(run.exitCode()).isZero();
    assertThat(onlyHost(run)).containsEntry("verdict", "verified");
    assertThat(warnings(run)).isEmpty();
  }

  @Test
  void mxHostInAnUnsignedZoneIsAnInsecureDelegation() {
    CliRun run = check(DELEGATED, "--json");

    assertThat(run.exitCode()).isZero();
    assertThat(onlyHost(run)).containsEntry("mx_host", DELEGATED_MX).containsEntry("address_dnssec", "insecure")
        .containsEntry("tlsa_dnssec", "insecure");
    assertThat(onlyHost(run).get("requirement")).isNotEqualTo("dane");
    assertThat(warnings(run)).singleElement().asString()
        .startsWith("the MX host's zone is not signed (address lookup insecure, TLSA lookup insecure)")
        .contains("Fix: sign the zone of " + DELEGATED_MX + " and publish its DS record in the parent zone");
  }

  @Test
  void warningsAndFixesAsText() {
    CliRun run = check(STALE);

    assertThat(run.err()).isEmpty();
    assertThat(run.out()).containsPattern("\\n    warning: 3 1 1 [0-9a-f]{12}\\.\\.\\. matches no key the server presented"
        + " \\(an old key left after a rollover\\?\\)\\.\\R      fix: publish 3 1 1 " + DemoLab.ee311(staleLeaf).dataHex());
  }

  @Test
  void unsignedDomainIsOpportunistic() {
    CliRun run = check(UNSIGNED, "--json");

    assertThat(run.exitCode()).isZero();
    assertThat(onlyHost(run)).containsEntry("requirement", "opportunistic").containsEntry("verdict", "opportunistic")
        .containsEntry("tlsa_dnssec", "insecure");
  }

  @Test
  @Timeout(120)
  void tlsaLookupTimingOutIsFailingNeverNoTlsa() {
    CliRun run = check(SILENT_TLSA, "--json");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(onlyHost(run)).containsEntry("requirement", "unusable").containsEntry("verdict", "failed")
        .containsEntry("tlsa_dnssec", "indeterminate");
    assertThat(run.out()).doesNotContain("opportunistic").doesNotContain("insecure");
    assertThat(run.err()).isEqualTo("dane4j check: DNS lookups failed (not \"no records\"): the resolver 127.0.0.1:"
        + lab.dns().address().getPort() + " did not answer within 2 s (--timeout)" + System.lineSeparator());
  }

  @Test
  void certificateExpiringWithinWarnDaysIsAWarningWithAFix() {
    CliRun byDefault = check(EXPIRING, "--json");
    CliRun relaxed = check(EXPIRING, "--json", "--warn-days", "5");
    CliRun expired = check(EXPIRED, "--json", "--warn-days", "0");

    assertThat(byDefault.exitCode()).isZero();
    assertThat(warnings(byDefault)).singleElement().asString()
        .matches("the server's certificate expires in (9|10) days \\(\\S+\\)\\. Fix: renew it, .*");
    assertThat(relaxed.exitCode()).isZero();
    assertThat(warnings(relaxed)).isEmpty();
    assertThat(onlyHost(expired)).containsEntry("verdict", "verified");
    assertThat(warnings(expired)).singleElement().asString().startsWith("the server's certificate expired on ")
        .contains(" Fix: renew it");
  }

  @Test
  void warnDaysOutOfRangeIsAUsageError() {
    CliRun negative = check(GOOD, "--warn-days", "-1");
    CliRun word = check(GOOD, "--warn-days", "soon");

    for (CliRun run : List.of(negative, word)) {
      assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(run.err()).startsWith("dane4j check: ").contains("--warn-days").hasLineCount(1);
      assertThat(run.out()).isEmpty();
    }
    assertThat(negative.err()).isEqualTo("dane4j check: --warn-days must be 0..3650, got -1" + System.lineSeparator());
  }

  @Test
  @DisplayName("#16: check --json has a schema_version and a stable code, message and fix per warning")
  void jsonHasASchemaVersionAndAStableCodePerWarning() {
    CliRun nomatch = check(NOMATCH, "--json");

    assertThat(((Map<?, ?>) MiniJson.parse(nomatch.out())).entrySet().iterator().next())
        .satisfies(first -> assertThat(first.getKey()).isEqualTo("schema_version"))
        .satisfies(first -> assertThat(first.getValue()).isEqualTo(1L));
    assertThat(codedWarnings(nomatch)).allSatisfy(w -> assertThat(w).containsOnlyKeys("code", "message", "fix"));
    assertThat(codes(nomatch)).containsExactly("TLSA_SINGLE_RECORD", "STALE_EE");
    assertThat(codes(check(STRIPPED, "--json"))).contains("NO_STARTTLS_WITH_TLSA");
    assertThat(codes(check(NAMED, "--json"))).containsExactly("TA_NAME_MISMATCH");
    assertThat(codes(check(DELEGATED, "--json"))).containsExactly("INSECURE_DELEGATION");
    assertThat(codes(check(EXPIRING, "--json"))).containsExactly("CERT_EXPIRING");
    assertThat(codes(check(EXPIRED, "--json", "--warn-days", "0"))).containsExactly("CERT_EXPIRED");
    assertThat(codes(check(STALE, "--json"))).containsExactly("STALE_EE");
  }

  @Test
  @DisplayName("#16: one TLSA record is \"1 record\", not \"1 records\"")
  void oneRecordIsSingular() {
    assertThat((String) onlyHost(check(NOMATCH, "--json")).get("requirement_reason")).endsWith("(1 record)");
    assertThat((String) onlyHost(check(GOOD, "--json")).get("requirement_reason")).endsWith("(2 records)");
  }

  @Test
  @DisplayName("#16: the why line of check is shortened between words, never inside one")
  void theWhyLineNeverCutsAWord() {
    CliRun run = check(WRONG_NAME);
    String detail = (String) onlyHost(check(WRONG_NAME, "--json")).get("detail");

    String why = run.out().lines().filter(l -> l.startsWith("    why: ")).findFirst().orElseThrow()
        .substring("    why: ".length()).replaceFirst(" \\[[a-z-]+]$", "");
    assertThat(why).as("the detail is long enough to be shortened").endsWith(" ...");
    String kept = why.substring(0, why.length() - " ...".length());
    String[] words = kept.split(" ");
    String last = words[words.length - 1];
    assertThat(detail).as("the last word kept is whole: %s", why).containsPattern("(^| )"
        + java.util.regex.Pattern.quote(last) + " ");
  }

  @Test
  void invalidDomainIsAUsageError() {
    CliRun run = CliRun.of("check", "--resolver", "127.0.0.1", "bad..domain");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).startsWith("dane4j check: not a mail domain: 'bad..domain'").hasLineCount(1);
  }
}
