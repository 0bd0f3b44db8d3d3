package org.dane4j.cli.monitor;

import org.dane4j.testkit.MiniJson;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dane4j.cli.CliRun;
import org.dane4j.cli.demo.DemoLab;
import org.dane4j.testkit.CertificateMinter;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.Pem;
import org.dane4j.testkit.dns.DnsFault;
import org.dane4j.testkit.smtp.SmtpTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Type;

/** {@code dane4j monitor} against the loopback lab: Nagios states, exit codes, first line and JSON. */
class MonitorCommandTest {
  private static final String GOOD = "good." + DemoLab.SIGNED;
  private static final String STALE = "stale." + DemoLab.SIGNED;
  private static final String NOMATCH = "nomatch." + DemoLab.SIGNED;
  private static final String EXPIRING = "expiring." + DemoLab.SIGNED;
  private static final String BOGUS = "bogus." + DemoLab.SIGNED;
  private static final String SERVFAIL = "servfail." + DemoLab.SIGNED;
  private static final String UNSIGNED = "plain." + DemoLab.UNSIGNED;
  private static final String PKIX_ONLY = "pkix." + DemoLab.SIGNED;
  private static final String TLSA_SERVFAIL = "tlsa-servfail." + DemoLab.SIGNED;
  private static final String NO_TLSA = "no-tlsa." + DemoLab.SIGNED;

  private static DemoLab lab;
  private static MintedCertificate goodLeaf;
  private static SmtpTestServer good;
  @TempDir
  static Path dir;
  private static Path anchor;
  private static Path sameCaNewKey;
  private static Path otherCaNewKey;
  private static Path sameKey;
  private static MintedCertificate sameCaNewLeaf;

  @BeforeAll
  static void startLab() throws IOException {
    lab = new DemoLab();
    goodLeaf = lab.leaf("mx." + GOOD);
    good = lab.mx(GOOD, "mx." + GOOD, goodLeaf, b -> b);
    lab.tlsa("mx." + GOOD, DemoLab.ee311(goodLeaf).toString(), DemoLab.ta211(lab.issuer()).toString());

    // the server has a new key, the 3 1 1 still names the old one; the 2 1 1 of the CA carries delivery
    MintedCertificate oldLeaf = lab.leaf("mx." + STALE);
    lab.mx(STALE, "mx." + STALE, lab.leaf("mx." + STALE), b -> b);
    lab.tlsa("mx." + STALE, DemoLab.ee311(oldLeaf).toString(), DemoLab.ta211(lab.issuer()).toString());

    lab.mx(NOMATCH, "mx." + NOMATCH, lab.leaf("mx." + NOMATCH), b -> b);
    lab.tlsa("mx." + NOMATCH, DemoLab.ee311(lab.leaf("mx." + NOMATCH)).toString());

    MintedCertificate soon = CertificateMinter.certificate().dnsNames("mx." + EXPIRING).issuer(lab.issuer())
        .validity(Instant.now().minus(Duration.ofDays(80)), Instant.now().plus(Duration.ofDays(10))).mint();
    lab.mx(EXPIRING, "mx." + EXPIRING, soon, b -> b);
    lab.tlsa("mx." + EXPIRING, DemoLab.ee311(soon).toString(), DemoLab.ta211(lab.issuer()).toString());

    MintedCertificate bogusLeaf = lab.leaf("mx." + BOGUS);
    lab.mx(BOGUS, "mx." + BOGUS, bogusLeaf, b -> b);
    lab.tlsa("mx." + BOGUS, DemoLab.ee311(bogusLeaf).toString(), DemoLab.ta211(lab.issuer()).toString());
    lab.world().fault(BOGUS + ".", Type.MX, DnsFault.CORRUPT_RRSIG);

    MintedCertificate servfailLeaf = lab.leaf("mx." + SERVFAIL);
    lab.mx(SERVFAIL, "mx." + SERVFAIL, servfailLeaf, b -> b);
    lab.tlsa("mx." + SERVFAIL, DemoLab.ee311(servfailLeaf).toString());
    lab.world().fault(SERVFAIL + ".", Type.MX, DnsFault.SERVFAIL);

    lab.mx(UNSIGNED, "mx." + UNSIGNED, lab.leaf("mx." + UNSIGNED), b -> b);

    MintedCertificate pkixLeaf = lab.leaf("mx." + PKIX_ONLY);
    lab.mx(PKIX_ONLY, "mx." + PKIX_ONLY, pkixLeaf, b -> b);
    lab.tlsa("mx." + PKIX_ONLY, "1 1 1 " + DemoLab.ee311(pkixLeaf).dataHex());

    MintedCertificate tlsaServfailLeaf = lab.leaf("mx." + TLSA_SERVFAIL);
    lab.mx(TLSA_SERVFAIL, "mx." + TLSA_SERVFAIL, tlsaServfailLeaf, b -> b);
    lab.tlsa("mx." + TLSA_SERVFAIL, DemoLab.ee311(tlsaServfailLeaf).toString());
    lab.world().fault(lab.tlsaOwner("mx." + TLSA_SERVFAIL), Type.TLSA, DnsFault.SERVFAIL);

    // a signed domain whose MX host has no TLSA RRset (secure denial): DANE not yet set up
    lab.mx(NO_TLSA, "mx." + NO_TLSA, lab.leaf("mx." + NO_TLSA), b -> b);

    anchor = Files.writeString(dir.resolve("root.ds"), lab.trustAnchor());
    sameCaNewLeaf = lab.leaf("mx." + GOOD);
    sameCaNewKey = pem("same-ca.pem", sameCaNewLeaf.chain());
    sameKey = pem("same-key.pem", CertificateMinter.certificate().dnsNames("mx." + GOOD).keyPair(goodLeaf.keyPair())
        .issuer(lab.issuer()).mint().chain());
    MintedCertificate otherCa = CertificateMinter.certificate().commonName("another CA").ca().mint();
    otherCaNewKey = pem("other-ca.pem",
        CertificateMinter.certificate().dnsNames("mx." + GOOD).issuer(otherCa).mint().chainWithRoot());
  }

  private static Path pem(String name, List<X509Certificate> chain) throws IOException {
    StringBuilder s = new StringBuilder();
    chain.forEach(c -> s.append(Pem.encode(c)));
    return Files.writeString(dir.resolve(name), s.toString());
  }

  @AfterAll
  static void stopLab() {
    lab.close();
  }

  private static CliRun monitor(String... extra) {
    List<String> args = new ArrayList<>(List.of("monitor", "--resolver",
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
    List<Map<String, Object>> domains = (List<Map<String, Object>>) doc(run).get("domains");
    assertThat(domains).hasSize(1);
    List<Map<String, Object>> hosts = (List<Map<String, Object>>) domains.get(0).get("hosts");
    assertThat(hosts).hasSize(1);
    List<Map<String, Object>> addresses = (List<Map<String, Object>>) hosts.get(0).get("addresses");
    assertThat(addresses).hasSize(1);
    return addresses.get(0);
  }

  @Test
  void goodPairIsOk() {
    CliRun run = monitor(GOOD);

    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isEqualTo(MonitorCommand.OK);
    assertThat(run.out().lines().findFirst()).hasValueSatisfying(first -> assertThat(first)
        .startsWith("DANE OK - " + GOOD + ": 1 host verified, 3 1 1 and 2 1 1 valid, certificates valid for")
        .containsPattern("\\| days_left=\\d+;21$"));
    assertThat(run.out()).contains("TLSA 3 1 1 " + DemoLab.ee311(goodLeaf).dataHex().substring(0, 12)
        + "...  valid (matches at depth 0)").contains("valid (matches at depth 1)");
    assertThat(good.messages()).isEmpty();
  }

  @Test
  void goodPairAsJson() {
    CliRun run = monitor(GOOD, "--json");

    assertThat(run.exitCode()).isZero();
    assertThat(doc(run)).containsEntry("state", "OK").containsEntry("exit_code", 0L)
        .containsEntry("warn_days", 21L);
    Map<String, Object> a = onlyAddress(run);
    assertThat(a).containsEntry("verdict", "verified").containsEntry("ee_valid", true)
        .containsEntry("ta_valid", true).containsEntry("tlsa_match", DemoLab.ee311(goodLeaf).toString());
    assertThat((List<?>) a.get("records")).hasSize(2);
  }

  @Test
  void staleEeBesideAGoodTaIsAWarning() {
    CliRun run = monitor(STALE, "--json");

    assertThat(run.exitCode()).isEqualTo(MonitorCommand.WARNING);
    assertThat(doc(run)).containsEntry("state", "WARNING");
    assertThat((String) doc(run).get("summary")).contains("only a DANE-TA (2 1 1) record is valid")
        .contains("no DANE-EE (3 1 1) record matches (3 1 1 ");
    Map<String, Object> a = onlyAddress(run);
    assertThat(a).containsEntry("verdict", "verified").containsEntry("ee_valid", false)
        .containsEntry("ta_valid", true);

    CliRun text = monitor(STALE);
    assertThat(text.exitCode()).isEqualTo(MonitorCommand.WARNING);
    assertThat(text.out()).startsWith("DANE WARNING - mx." + STALE + "[127.0.0.").contains("NOT valid");
  }

  @Test
  void mismatchIsCritical() {
    CliRun run = monitor(NOMATCH);

    assertThat(run.exitCode()).isEqualTo(MonitorCommand.CRITICAL);
    assertThat(run.out()).startsWith("DANE CRITICAL - mx." + NOMATCH + "[127.0.0.")
        .contains("DANE fails: ").contains("[certificate-not-trusted]");
  }

  @Test
  void bogusDnsIsCriticalAndAFailedLookupUnknown() {
    CliRun bogus = monitor(BOGUS);
    CliRun servfail = monitor(SERVFAIL);

    assertThat(bogus.exitCode()).isEqualTo(MonitorCommand.CRITICAL);
    assertThat(bogus.out()).startsWith("DANE CRITICAL - " + BOGUS + ": MX lookup failed");
    assertThat(servfail.exitCode()).isEqualTo(MonitorCommand.UNKNOWN);
    assertThat(servfail.out()).startsWith("DANE UNKNOWN - " + SERVFAIL + ": MX lookup failed");
  }

  @Test
  void worstStateOfSeveralDomainsWins() {
    CliRun run = monitor(GOOD, STALE, NOMATCH, "--json");

    assertThat(run.exitCode()).isEqualTo(MonitorCommand.CRITICAL);
    assertThat((String) doc(run).get("summary")).startsWith("mx." + NOMATCH).endsWith("(and 1 more: see below)");
  }

  @Test
  void unsignedDomainHasNoDaneAndIsCritical() {
    CliRun run = monitor(UNSIGNED);

    assertThat(run.exitCode()).isEqualTo(MonitorCommand.CRITICAL);
    assertThat(run.out()).startsWith("DANE CRITICAL - mx." + UNSIGNED + ": no DANE: ");
  }

  @Test
  void onlyUnusableRecordsIsCriticalAndAFailedTlsaLookupUnknown() {
    CliRun pkix = monitor(PKIX_ONLY);
    CliRun servfail = monitor(TLSA_SERVFAIL);

    assertThat(pkix.exitCode()).isEqualTo(MonitorCommand.CRITICAL);
    assertThat(pkix.out()).startsWith("DANE CRITICAL - mx." + PKIX_ONLY + ": no usable TLSA record: ");
    assertThat(servfail.exitCode()).isEqualTo(MonitorCommand.UNKNOWN);
    assertThat(servfail.out()).startsWith("DANE UNKNOWN - mx." + TLSA_SERVFAIL + ": TLSA lookup failed");
  }

  @Test
  void nextCertificateIsCheckedForTheHostsItNames() throws IOException {
    Path forStale = pem("for-stale.pem", CertificateMinter.certificate().dnsNames("mx." + STALE)
        .issuer(CertificateMinter.certificate().commonName("a third CA").ca().mint()).mint().chain());

    CliRun run = monitor(GOOD, STALE, "--next-certificate", forStale.toString(), "--json");

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> domains = (List<Map<String, Object>>) doc(run).get("domains");
    assertThat(domains).extracting(d -> ((List<?>) ((Map<?, ?>) ((List<?>) d.get("hosts")).get(0))
        .get("next_certificates")).size()).containsExactly(0, 1);
    assertThat(run.exitCode()).isEqualTo(MonitorCommand.WARNING);
  }

  @Test
  void certificateExpiringWithinWarnDaysIsAWarning() {
    CliRun run = monitor(EXPIRING);
    CliRun relaxed = monitor(EXPIRING, "--warn-days", "5");

    assertThat(run.exitCode()).isEqualTo(MonitorCommand.WARNING);
    assertThat(run.out()).containsPattern("^DANE WARNING - mx\\.expiring\\.dane4j\\.test\\[127\\.0\\.0\\.\\d+\\]:"
        + " the certificate expires in (9|10) days");
    assertThat(relaxed.exitCode()).isEqualTo(MonitorCommand.OK);
  }

  @Test
  void nextCertificateWithANewKeyNotPublishedIsAWarning() {
    CliRun run = monitor(GOOD, "--next-certificate", otherCaNewKey.toString(), "--json");

    assertThat(run.exitCode()).isEqualTo(MonitorCommand.WARNING);
    assertThat((String) doc(run).get("summary")).startsWith("mx." + GOOD + ": next certificate "
        + otherCaNewKey + " is not covered by the published TLSA records");
    @SuppressWarnings("unchecked")
    Map<String, Object> host = ((List<Map<String, Object>>) ((List<Map<String, Object>>) doc(run)
        .get("domains")).get(0).get("hosts")).get(0);
    assertThat((List<?>) host.get("next_certificates")).singleElement()
        .satisfies(n -> assertThat(((Map<?, ?>) n).get("covered")).isEqualTo(false));
  }

  @Test
  @DisplayName("#16: a next key covered only by the 2 1 1 is a WARNING naming the 3 1 1 to publish, one TTL ahead")
  void nextKeyCoveredOnlyByTheTwoOneOneIsAWarningNamingTheRecordToPublish() {
    CliRun run = monitor(GOOD, "--next-certificate", sameCaNewKey.toString());
    CliRun json = monitor(GOOD, "--next-certificate", sameCaNewKey.toString(), "--json");

    String publish = "_" + lab.port() + "._tcp.mx." + GOOD + ". IN TLSA " + DemoLab.ee311(sameCaNewLeaf);
    assertThat(run.exitCode()).isEqualTo(MonitorCommand.WARNING);
    assertThat(run.out()).startsWith("DANE WARNING - mx." + GOOD + ": next certificate " + sameCaNewKey
        + " is covered only by 2 1 1 ").contains("publish it at least one TTL of the TLSA RRset (300 s) before"
        + " deploying the certificate | days_left=")
        .contains("next certificate " + sameCaNewKey + ": covered by 2 1 1 ")
        .contains("\n      publish: " + publish + "\n".replace("\n", System.lineSeparator()))
        .contains("      when: publish the record now, wait at least one TTL of the TLSA RRset (300 s), then deploy");
    Map<String, Object> next = onlyNext(json);
    assertThat(next).containsEntry("covered", true).containsEntry("ee_covered", false)
        .containsEntry("publish", publish).containsEntry("tlsa_ttl", 300L).containsEntry("tlsa_ttl_kind", "rrset");
    assertThat((String) next.get("advice")).startsWith("publish the record now, wait at least one TTL");
    assertThat(problemCodes(json)).containsExactly("NEXT_KEY_NOT_COVERED");
    // the deadline: the expiry of the certificate in service less the TTL
    java.time.Instant notAfter = goodLeaf.certificate().getNotAfter().toInstant();
    assertThat(next).containsEntry("publish_by", notAfter.minusSeconds(300).toString());
    assertThat((String) next.get("advice")).endsWith(" The certificate in service expires " + notAfter
        + ": publish by " + notAfter.minusSeconds(300) + " at the latest.");
  }

  @Test
  @DisplayName("#16: a [host] target is shown as the host as named, not as an MX 0 of a domain")
  void hostTargetSaysNoMxLookup() {
    CliRun run = monitor("[mx." + GOOD + "]", "--no-dnssec-lint");
    CliRun json = monitor("[mx." + GOOD + "]", "--no-dnssec-lint", "--json");

    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(MonitorCommand.OK);
    assertThat(run.out()).contains("\n[mx." + GOOD + "] (no MX lookup, the host as named)\n".replace("\n",
        System.lineSeparator())).contains("  host mx." + GOOD + ": dane, OK").doesNotContain("MX 0");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> domains = (List<Map<String, Object>>) doc(json).get("domains");
    assertThat(domains.get(0)).containsEntry("mx_lookup", false);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> plain = (List<Map<String, Object>>) doc(monitor(GOOD, "--json")).get("domains");
    assertThat(plain.get(0)).containsEntry("mx_lookup", true);
  }

  @Test
  @DisplayName("#16 RFC 7671 §8.1: when the certificate in service expires within the TTL, the advice says it is too late")
  void nextKeyAdviceOnceTheDeadlineHasPassed() {
    java.time.Instant notAfter = goodLeaf.certificate().getNotAfter().toInstant();
    List<String> args = new ArrayList<>(List.of("monitor", "--resolver", "127.0.0.1:" + lab.dns().address().getPort(),
        "--trust-anchor", anchor.toString(), "--timeout", "2", "--port", Integer.toString(lab.port()),
        "--no-dnssec-lint", "--next-certificate", sameCaNewKey.toString(), "--json", GOOD));
    CliRun json = CliRun.at(java.time.Clock.fixed(notAfter.minusSeconds(60), java.time.ZoneOffset.UTC),
        args.toArray(new String[0]));

    Map<String, Object> next = onlyNext(json);
    assertThat(next).containsEntry("publish_by", notAfter.minusSeconds(300).toString());
    assertThat((String) next.get("advice")).contains("The certificate in service expires " + notAfter
        + ", sooner than that wait").contains("[TLSA_TTL_EXCEEDS_CERT_LIFETIME]");
  }

  @Test
  void nextCertificateWithTheKeyOfThePublishedThreeOneOneIsOk() {
    CliRun run = monitor(GOOD, "--next-certificate", sameKey.toString(), "--json");

    assertThat(run.exitCode()).isEqualTo(MonitorCommand.OK);
    assertThat(onlyNext(run)).containsEntry("covered", true).containsEntry("ee_covered", true)
        .containsEntry("publish", null).containsEntry("advice", null)
        .containsEntry("tlsa_match", DemoLab.ee311(goodLeaf).toString());
    assertThat((String) doc(run).get("summary")).endsWith(", next certificate covered");
  }

  @Test
  @DisplayName("#16: without a TLSA RRset the next record is timed by the TTL of the negative answer")
  void withoutATlsaRrsetTheAdviceUsesTheNegativeAnswerTtl() throws IOException {
    Path next = pem("no-tlsa-next.pem", lab.leaf("mx." + NO_TLSA).chain());

    CliRun run = monitor(NO_TLSA, "--next-certificate", next.toString(), "--json");

    assertThat(run.exitCode()).isEqualTo(MonitorCommand.CRITICAL); // no DANE at all
    Map<String, Object> n = onlyNext(run);
    assertThat(n).containsEntry("covered", false).containsEntry("tlsa_ttl_kind", "negative");
    long ttl = (Long) n.get("tlsa_ttl");
    assertThat(ttl).isPositive();
    assertThat((String) n.get("publish")).startsWith("_" + lab.port() + "._tcp.mx." + NO_TLSA + ". IN TLSA 3 1 1 ");
    assertThat((String) n.get("advice")).contains("there is no TLSA RRset yet: wait at least the TTL of the negative"
        + " answer that denies it (" + ttl + " s");
    assertThat(problemCodes(run)).containsExactly("NO_DANE", "NEXT_CERT_NOT_COVERED");
  }

  @Test
  @DisplayName("#16: monitor --json has a schema_version and a stable code per problem")
  void jsonHasASchemaVersionAndAStableCodePerProblem() {
    CliRun stale = monitor(STALE, "--json");

    assertThat(doc(stale).keySet().iterator().next()).isEqualTo("schema_version");
    assertThat(doc(stale)).containsEntry("schema_version", 1L);
    assertThat(problemCodes(stale)).containsExactly("STALE_EE");
    assertThat(problemCodes(monitor(GOOD, "--json"))).isEmpty();
    assertThat(problemCodes(monitor(NOMATCH, "--json"))).containsExactly("DANE_FAILED");
    assertThat(problemCodes(monitor(EXPIRING, "--json"))).containsExactly("CERT_EXPIRING");
    assertThat(problemCodes(monitor(UNSIGNED, "--json"))).containsExactly("NO_DANE");
    assertThat(problemCodes(monitor(PKIX_ONLY, "--json"))).containsExactly("NO_USABLE_TLSA");
    assertThat(problemCodes(monitor(BOGUS, "--json"))).containsExactly("DNSSEC_BOGUS");
    assertThat(problemCodes(monitor(SERVFAIL, "--json"))).containsExactly("DNS_LOOKUP_FAILED");
    assertThat(problemCodes(monitor(TLSA_SERVFAIL, "--json"))).containsExactly("DNS_LOOKUP_FAILED");
    assertThat(problemCodes(monitor(GOOD, "--next-certificate", otherCaNewKey.toString(), "--json")))
        .containsExactly("NEXT_CERT_NOT_COVERED");
  }

  /** The codes of every problem of the document (general, domain, host), in order. */
  @SuppressWarnings("unchecked")
  private static List<Object> problemCodes(CliRun run) {
    List<Object> codes = new ArrayList<>();
    Map<String, Object> d = doc(run);
    ((List<Map<String, Object>>) d.get("problems")).forEach(p -> codes.add(p.get("code")));
    for (Map<String, Object> domain : (List<Map<String, Object>>) d.get("domains")) {
      ((List<Map<String, Object>>) domain.get("problems")).forEach(p -> codes.add(p.get("code")));
      for (Map<String, Object> host : (List<Map<String, Object>>) domain.get("hosts")) {
        ((List<Map<String, Object>>) host.get("problems")).forEach(p -> codes.add(p.get("code")));
      }
    }
    return codes;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> onlyNext(CliRun run) {
    List<Map<String, Object>> domains = (List<Map<String, Object>>) doc(run).get("domains");
    List<Map<String, Object>> hosts = (List<Map<String, Object>>) domains.get(0).get("hosts");
    List<Map<String, Object>> next = (List<Map<String, Object>>) hosts.get(0).get("next_certificates");
    assertThat(next).hasSize(1);
    return next.get(0);
  }

  @Test
  void badInputIsUnknown() throws IOException {
    CliRun domain = monitor("bad..domain");
    CliRun missing = monitor(GOOD, "--next-certificate", dir.resolve("nope.pem").toString());
    CliRun notPem = monitor(GOOD, "--next-certificate", Files.writeString(dir.resolve("x.txt"), "hello").toString());
    CliRun noDomain = CliRun.of("monitor", "--resolver", "127.0.0.1");
    CliRun wrongOption = CliRun.of("monitor", "--warn-days", "soon", GOOD);

    CliRun jsonMissing = monitor(GOOD, "--json", "--next-certificate", dir.resolve("nope.pem").toString());

    for (CliRun run : List.of(domain, missing, notPem, noDomain, wrongOption, jsonMissing)) {
      assertThat(run.exitCode()).isEqualTo(MonitorCommand.UNKNOWN);
      assertThat(run.err()).startsWith("dane4j monitor: ").hasLineCount(1).doesNotContain("Exception");
    }
    // a wrong command line is refused before the command runs: stderr only
    assertThat(noDomain.out()).isEmpty();
    assertThat(wrongOption.out()).isEmpty();
    assertThat(jsonMissing.out()).isEmpty();
    // bad input found while running: also the Nagios status line on stdout
    assertThat(domain.out()).isEqualTo("DANE UNKNOWN - not a mail domain: 'bad..domain': "
        + domain.err().substring(domain.err().indexOf("': ") + 3));
    assertThat(missing.out()).startsWith("DANE UNKNOWN - --next-certificate: cannot read ").hasLineCount(1);
    assertThat(domain.err()).contains("not a mail domain: 'bad..domain'");
    assertThat(missing.err()).contains("nope.pem: no such file");
    assertThat(notPem.err()).contains("holds no PEM certificate");
  }
}
