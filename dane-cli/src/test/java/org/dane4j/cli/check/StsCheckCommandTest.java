package org.dane4j.cli.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.dane4j.cli.CliRun;
import org.dane4j.cli.demo.DemoLab;
import org.dane4j.testkit.CertificateMinter;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.MiniJson;
import org.dane4j.testkit.sts.StsFault;
import org.dane4j.testkit.sts.StsPolicyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dane4j check} with MTA-STS beside DANE (RFC 8461, checklist POL-3, STS-2): the record and policy in the
 * {@code mta_sts} section, per host the policy that applies, and the {@code STS_*} warning codes. Policy hosts
 * on 127.0.0.20x share one port (given with the hidden {@code --sts-policy-port}); the lab's root CA is the
 * {@code --sts-ca}.
 */
class StsCheckCommandTest {
  private static final String GOOD = "sts-good." + DemoLab.SIGNED;
  private static final String BADCERT = "sts-badcert." + DemoLab.SIGNED;
  private static final String UNCOVERED = "sts-uncovered." + DemoLab.SIGNED;
  private static final String DANE_UNCOVERED = "sts-dane." + DemoLab.SIGNED;
  private static final String DANE_MISMATCH = "sts-dane-bad." + DemoLab.SIGNED;
  private static final String NOT_FOUND = "sts-404." + DemoLab.SIGNED;

  private static DemoLab lab;
  private static final List<StsPolicyServer> policyServers = new ArrayList<>();
  private static int policyPort;
  @TempDir
  static Path dir;
  private static Path anchor;
  private static Path ca;

  @BeforeAll
  static void startLab() throws Exception {
    lab = new DemoLab();
    lab.mx(GOOD, "mx." + GOOD, lab.leaf("mx." + GOOD), b -> b);
    policy(GOOD, "enforce", "mx." + GOOD);
    MintedCertificate stranger = CertificateMinter.certificate().commonName("stranger CA").ca().mint();
    lab.mx(BADCERT, "mx." + BADCERT, CertificateMinter.certificate().dnsNames("mx." + BADCERT).issuer(stranger)
        .mint(), b -> b);
    policy(BADCERT, "enforce", "mx." + BADCERT);
    lab.mx(UNCOVERED, "mx." + UNCOVERED, lab.leaf("mx." + UNCOVERED), b -> b);
    policy(UNCOVERED, "enforce", "mx.elsewhere.example");
    MintedCertificate daneLeaf = lab.leaf("mx." + DANE_UNCOVERED);
    lab.mx(DANE_UNCOVERED, "mx." + DANE_UNCOVERED, daneLeaf, b -> b);
    lab.tlsa("mx." + DANE_UNCOVERED, DemoLab.ee311(daneLeaf).toString(), DemoLab.ta211(lab.issuer()).toString());
    policy(DANE_UNCOVERED, "enforce", "mx.elsewhere.example");
    lab.mx(DANE_MISMATCH, "mx." + DANE_MISMATCH, lab.leaf("mx." + DANE_MISMATCH), b -> b);
    lab.tlsa("mx." + DANE_MISMATCH, DemoLab.ee311(lab.leaf("old." + DANE_MISMATCH)).toString());
    policy(DANE_MISMATCH, "enforce", "mx." + DANE_MISMATCH);
    lab.mx(NOT_FOUND, "mx." + NOT_FOUND, lab.leaf("mx." + NOT_FOUND), b -> b);
    policy(NOT_FOUND, "enforce", "mx." + NOT_FOUND).fault(StsFault.NOT_FOUND);
    anchor = Files.writeString(dir.resolve("root.ds"), lab.trustAnchor());
    ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(
            lab.root().certificate().getEncoded().clone()) + "\n-----END CERTIFICATE-----\n");
  }

  private static StsPolicyServer policy(String domain, String mode, String... mx) {
    StsPolicyServer.Builder b = StsPolicyServer.builder(domain).issuer(lab.issuer())
        .address("127.0.0." + (200 + policyServers.size())).policy(StsPolicyServer.policyText(mode, 86400, mx));
    if (policyPort != 0) {
      b.port(policyPort);
    }
    StsPolicyServer s = b.start();
    policyPort = s.port();
    s.publish(lab.zoneOf(domain), "id1");
    policyServers.add(s);
    return s;
  }

  @AfterAll
  static void stopLab() {
    policyServers.forEach(StsPolicyServer::close);
    lab.close();
  }

  private static CliRun check(String... extra) {
    List<String> args = new ArrayList<>(List.of("check", "--resolver",
        "127.0.0.1:" + lab.dns().address().getPort(), "--trust-anchor", anchor.toString(), "--timeout", "2",
        "--port", Integer.toString(lab.port()), "--sts-ca", ca.toString(), "--sts-policy-port",
        Integer.toString(policyPort)));
    args.addAll(List.of(extra));
    return CliRun.of(args.toArray(new String[0]));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> doc(CliRun run) {
    return (Map<String, Object>) MiniJson.parse(run.out());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> onlyHost(CliRun run) {
    List<Map<String, Object>> hosts = (List<Map<String, Object>>) doc(run).get("hosts");
    assertThat(hosts).hasSize(1);
    return hosts.get(0);
  }

  @SuppressWarnings("unchecked")
  private static List<Object> hostCodes(CliRun run) {
    return ((List<Map<String, Object>>) onlyHost(run).get("warnings")).stream().map(w -> w.get("code")).toList();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> sts(CliRun run) {
    return (Map<String, Object>) doc(run).get("mta_sts");
  }

  @Test
  @DisplayName("STS-2: an enforce policy and a WebPKI-valid certificate: record, policy, requirement sts, verified")
  void sts2_enforceVerified() {
    CliRun run = check(GOOD, "--json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    Map<String, Object> sts = sts(run);
    assertThat(sts).containsEntry("enabled", true).containsEntry("status", "policy").containsEntry("mode", "enforce")
        .containsEntry("id", "id1").containsEntry("max_age", 86400L);
    assertThat(sts.get("txt")).asList().containsExactly("v=STSv1; id=id1;");
    assertThat(sts.get("mx")).asList().containsExactly("mx." + GOOD);
    assertThat(sts.get("warnings")).asList().isEmpty();
    assertThat(onlyHost(run)).containsEntry("requirement", "sts").containsEntry("verdict", "verified")
        .containsEntry("policy_type", "sts").containsEntry("sts_mode", "enforce").containsEntry("sts_mx_match", true);
    assertThat(hostCodes(run)).noneMatch(c -> String.valueOf(c).startsWith("STS_"));

    CliRun text = check(GOOD);
    assertThat(text.out()).contains("MTA-STS record _mta-sts." + GOOD, "v=STSv1; id=id1;",
        "MTA-STS policy id id1: mode enforce, max_age 86400 s");
  }

  @Test
  @DisplayName("STS-2: under enforce a certificate that fails WebPKI fails the host: STS_WEBPKI_INVALID, exit 2")
  void sts2_webPkiInvalid() {
    CliRun run = check(BADCERT, "--json");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(onlyHost(run)).containsEntry("verdict", "failed")
        .containsEntry("failure_type", "certificate-not-trusted");
    assertThat(hostCodes(run)).contains("STS_WEBPKI_INVALID");
  }

  @Test
  @DisplayName("STS-2: an MX host no mx pattern covers: STS_MX_NOT_COVERED, not contacted, exit 2")
  void sts2_mxNotCovered() {
    CliRun run = check(UNCOVERED, "--json");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(onlyHost(run)).containsEntry("sts_mx_match", false).containsEntry("verdict", "failed");
    assertThat(hostCodes(run)).contains("STS_MX_NOT_COVERED");
  }

  @Test
  @DisplayName("POL-3: a DANE host the STS policy does not cover: DANE applies and delivers, STS_DANE_NOT_COVERED")
  void pol3_daneHostNotCovered() {
    CliRun run = check(DANE_UNCOVERED, "--json");
    assertThat(run.exitCode()).isZero();
    assertThat(onlyHost(run)).containsEntry("requirement", "dane").containsEntry("policy_type", "tlsa")
        .containsEntry("verdict", "verified");
    assertThat(hostCodes(run)).contains("STS_DANE_NOT_COVERED");
  }

  @Test
  @DisplayName("POL-3: TLSA mismatch under an enforce policy that covers the host: DANE fails, STS_DANE_MISMATCH")
  void pol3_daneMismatchUnderEnforce() {
    CliRun run = check(DANE_MISMATCH, "--json");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(onlyHost(run)).containsEntry("requirement", "dane").containsEntry("verdict", "failed");
    assertThat(hostCodes(run)).contains("STS_DANE_MISMATCH");
  }

  @Test
  @DisplayName("STS-1: a TXT record whose policy cannot be fetched: STS_POLICY_FETCH_ERROR in the mta_sts section")
  void sts1_policyFetchError() {
    CliRun run = check(NOT_FOUND, "--json");
    Map<String, Object> sts = sts(run);
    assertThat(sts).containsEntry("status", "no-policy").containsEntry("failure", "sts-policy-fetch-error");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> warnings = (List<Map<String, Object>>) sts.get("warnings");
    assertThat(warnings).extracting(w -> w.get("code")).containsExactly("STS_POLICY_FETCH_ERROR");
    assertThat(onlyHost(run)).containsEntry("policy_type", "no-policy-found");
  }

  private static List<String> cachedDomains(String url) throws Exception {
    List<String> domains = new ArrayList<>();
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
        java.sql.ResultSet r = c.createStatement().executeQuery("SELECT domain FROM dane4j_sts_policy")) {
      while (r.next()) {
        domains.add(r.getString(1));
      }
    }
    return domains;
  }

  @Test
  @DisplayName("STS-3: --sts-cache jdbc:URL keeps the fetched policy in the shared database (H2 in PostgreSQL mode)")
  void sts3_jdbcCacheFromTheCommandLine() throws Exception {
    String url = "jdbc:h2:mem:cli-sts-" + UUID.randomUUID() + ";MODE=PostgreSQL;DB_CLOSE_DELAY=-1";
    CliRun run = check(GOOD, "--json", "--sts-cache", url);
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(onlyHost(run)).containsEntry("requirement", "sts").containsEntry("verdict", "verified");
    assertThat(cachedDomains(url)).containsExactly(GOOD);
  }

  @Test
  @DisplayName("STS-3: a jdbc: --sts-cache with user and password file (never on the command line)")
  void sts3_jdbcCacheUserAndPasswordFile() throws Exception {
    String url = "jdbc:h2:mem:cli-sts-" + UUID.randomUUID() + ";MODE=PostgreSQL;DB_CLOSE_DELAY=-1";
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(url)) {
      c.createStatement().execute("CREATE USER mailer PASSWORD 's3cret' ADMIN");
    }
    Path pw = Files.writeString(dir.resolve("pw"), "s3cret\n");
    CliRun run = check(GOOD, "--json", "--sts-cache", url, "--sts-cache-user", "mailer",
        "--sts-cache-password-file", pw.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(cachedDomains(url)).containsExactly(GOOD);

    Path wrong = Files.writeString(dir.resolve("pw-wrong"), "guess\n");
    CliRun denied = check(GOOD, "--sts-cache", url, "--sts-cache-user", "mailer",
        "--sts-cache-password-file", wrong.toString());
    assertThat(denied.exitCode()).isEqualTo(66);
    assertThat(denied.err()).contains("--sts-cache: jdbc:h2:mem:cli-sts-").doesNotContain("guess");
  }

  @Test
  @DisplayName("STS-3: a jdbc: --sts-cache without a driver, or an unreachable one, fails at once with 66")
  void sts3_jdbcCacheWrongUrl() {
    CliRun noDriver = check(GOOD, "--sts-cache", "jdbc:nosuchdb://host/db?password=hidden");
    assertThat(noDriver.exitCode()).isEqualTo(66);
    assertThat(noDriver.err()).contains("no JDBC driver for this URL").contains("password=***")
        .doesNotContain("hidden");
    CliRun unreachable = check(GOOD, "--sts-cache", "jdbc:postgresql://127.0.0.1:1/mail?connectTimeout=2");
    assertThat(unreachable.exitCode()).isEqualTo(66);
    CliRun userWithoutJdbc = check(GOOD, "--sts-cache-user", "mailer");
    assertThat(userWithoutJdbc.exitCode()).isEqualTo(64);
  }

  @Test
  @DisplayName("STS-2: --no-mta-sts shows DANE alone: the host is opportunistic, the section says disabled")
  void sts2_offSwitch() {
    CliRun run = CliRun.of("check", "--resolver", "127.0.0.1:" + lab.dns().address().getPort(), "--trust-anchor",
        anchor.toString(), "--timeout", "2", "--port", Integer.toString(lab.port()), "--no-mta-sts", "--json", GOOD);
    assertThat(sts(run)).containsEntry("enabled", false);
    assertThat(onlyHost(run)).containsEntry("requirement", "opportunistic");
    CliRun both = CliRun.of("check", "--no-mta-sts", "--sts-ca", ca.toString(), GOOD);
    assertThat(both.exitCode()).isEqualTo(64);
  }
}
