package org.dane4j.cli.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.dane4j.cli.CliRun;
import org.dane4j.cli.WarningCode;
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
 * {@code dane4j monitor} with MTA-STS (RFC 8461 beside RFC 7672, checklist POL-3, STS-1, STS-2): the
 * {@code mta_sts} section per domain, per host the policy that applies, and the {@code STS_*} problems with
 * their Nagios state ({@link MonitorCommand#stsState}).
 */
class MonitorStsTest {
  private static final String DANE_COVERED = "m-sts-ok." + DemoLab.SIGNED;
  private static final String DANE_UNCOVERED = "m-sts-dane." + DemoLab.SIGNED;
  private static final String BADCERT = "m-sts-badcert." + DemoLab.SIGNED;
  private static final String STS_ONLY = "m-sts-only." + DemoLab.SIGNED;
  private static final String NOT_FOUND = "m-sts-404." + DemoLab.SIGNED;

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
    daneHost(DANE_COVERED);
    policy(DANE_COVERED, "enforce", "mx." + DANE_COVERED);
    daneHost(DANE_UNCOVERED);
    policy(DANE_UNCOVERED, "enforce", "mx.elsewhere.example");
    MintedCertificate stranger = CertificateMinter.certificate().commonName("stranger CA").ca().mint();
    lab.mx(BADCERT, "mx." + BADCERT, CertificateMinter.certificate().dnsNames("mx." + BADCERT).issuer(stranger)
        .mint(), b -> b);
    policy(BADCERT, "enforce", "mx." + BADCERT);
    lab.mx(STS_ONLY, "mx." + STS_ONLY, lab.leaf("mx." + STS_ONLY), b -> b);
    policy(STS_ONLY, "enforce", "mx." + STS_ONLY);
    daneHost(NOT_FOUND);
    policy(NOT_FOUND, "enforce", "mx." + NOT_FOUND).fault(StsFault.NOT_FOUND);
    anchor = Files.writeString(dir.resolve("root.ds"), lab.trustAnchor());
    ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(
            lab.root().certificate().getEncoded().clone()) + "\n-----END CERTIFICATE-----\n");
  }

  private static void daneHost(String domain) {
    MintedCertificate leaf = lab.leaf("mx." + domain);
    lab.mx(domain, "mx." + domain, leaf, b -> b);
    lab.tlsa("mx." + domain, DemoLab.ee311(leaf).toString(), DemoLab.ta211(lab.issuer()).toString());
  }

  private static StsPolicyServer policy(String domain, String mode, String... mx) {
    StsPolicyServer.Builder b = StsPolicyServer.builder(domain).issuer(lab.issuer())
        .address("127.0.0." + (210 + policyServers.size())).policy(StsPolicyServer.policyText(mode, 86400, mx));
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

  private static CliRun monitor(String... extra) {
    List<String> args = new ArrayList<>(List.of("monitor", "--resolver",
        "127.0.0.1:" + lab.dns().address().getPort(), "--trust-anchor", anchor.toString(), "--timeout", "2",
        "--port", Integer.toString(lab.port()), "--sts-ca", ca.toString(), "--sts-policy-port",
        Integer.toString(policyPort), "--no-dnssec-lint"));
    args.addAll(List.of(extra));
    return CliRun.of(args.toArray(new String[0]));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> domain(CliRun run) {
    Map<String, Object> doc = (Map<String, Object>) MiniJson.parse(run.out());
    return (Map<String, Object>) ((List<Object>) doc.get("domains")).get(0);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> onlyHost(CliRun run) {
    List<Map<String, Object>> hosts = (List<Map<String, Object>>) domain(run).get("hosts");
    assertThat(hosts).hasSize(1);
    return hosts.get(0);
  }

  @SuppressWarnings("unchecked")
  private static List<String> codes(Object problems) {
    return ((List<Map<String, Object>>) problems).stream().map(p -> p.get("code") + " " + p.get("state")).toList();
  }

  @Test
  @DisplayName("POL-3: a DANE host covered by an enforce policy: DANE applies, the policy is shown, DANE OK")
  void pol3_daneHostUnderEnforceIsOk() {
    CliRun run = monitor(DANE_COVERED, "--json");
    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    @SuppressWarnings("unchecked")
    Map<String, Object> sts = (Map<String, Object>) domain(run).get("mta_sts");
    assertThat(sts).containsEntry("enabled", true).containsEntry("status", "policy").containsEntry("mode", "enforce");
    assertThat(onlyHost(run)).containsEntry("policy_type", "tlsa").containsEntry("sts_mode", null)
        .containsEntry("sts_mx_match", true).containsEntry("state", "OK");
    assertThat(monitor(DANE_COVERED).out()).startsWith("DANE OK - ");
  }

  @Test
  @DisplayName("POL-3: a DANE host the enforce policy does not cover: STS_DANE_NOT_COVERED is a WARNING")
  void pol3_daneHostNotCoveredWarns() {
    CliRun run = monitor(DANE_UNCOVERED, "--json");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(codes(onlyHost(run).get("problems"))).containsExactly("STS_DANE_NOT_COVERED WARNING");
  }

  @Test
  @DisplayName("STS-2: under enforce a certificate that fails WebPKI: STS_WEBPKI_INVALID is CRITICAL")
  void sts2_webPkiInvalidIsCritical() {
    CliRun run = monitor(BADCERT, "--json");
    assertThat(run.exitCode()).isEqualTo(2);
    Map<String, Object> host = onlyHost(run);
    assertThat(host).containsEntry("requirement", "sts").containsEntry("policy_type", "sts")
        .containsEntry("sts_mode", "enforce");
    assertThat(codes(host.get("problems"))).contains("STS_WEBPKI_INVALID CRITICAL", "NO_DANE CRITICAL");
  }

  @Test
  @DisplayName("STS-2: a host under enforce without DANE is probed (verified) and stays NO_DANE in a DANE monitor")
  void sts2_stsOnlyHostVerifiedButNoDane() {
    CliRun run = monitor(STS_ONLY, "--json");
    Map<String, Object> host = onlyHost(run);
    assertThat(codes(host.get("problems"))).containsExactly("NO_DANE CRITICAL");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> addresses = (List<Map<String, Object>>) host.get("addresses");
    assertThat(addresses).extracting(a -> a.get("verdict")).containsOnly("verified");
  }

  @Test
  @DisplayName("STS-1: a policy that cannot be fetched is a domain WARNING (STS_POLICY_FETCH_ERROR); DANE stays OK")
  void sts1_fetchErrorWarns() {
    CliRun run = monitor(NOT_FOUND, "--json");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(codes(domain(run).get("problems"))).containsExactly("STS_POLICY_FETCH_ERROR WARNING");
    assertThat(onlyHost(run)).containsEntry("state", "OK").containsEntry("policy_type", "tlsa");
  }

  @Test
  @DisplayName("STS-2: --no-mta-sts monitors DANE alone: the uncovered DANE host is OK")
  void sts2_offSwitch() {
    CliRun run = CliRun.of("monitor", "--resolver", "127.0.0.1:" + lab.dns().address().getPort(),
        "--trust-anchor", anchor.toString(), "--timeout", "2", "--port", Integer.toString(lab.port()),
        "--no-dnssec-lint", "--no-mta-sts", "--json", DANE_UNCOVERED);
    assertThat(run.exitCode()).as(run.out()).isZero();
    @SuppressWarnings("unchecked")
    Map<String, Object> sts = (Map<String, Object>) domain(run).get("mta_sts");
    assertThat(sts).containsEntry("enabled", false);
    CliRun wrong = CliRun.of("monitor", "--no-mta-sts", "--sts-ca", ca.toString(), DANE_UNCOVERED);
    assertThat(wrong.exitCode()).isEqualTo(MonitorCommand.UNKNOWN);
  }

  @Test
  @DisplayName("STS-2: the Nagios state of each STS finding: enforce failures CRITICAL, lookups UNKNOWN, rest WARNING")
  void sts2_states() {
    assertThat(MonitorCommand.stsState(WarningCode.STS_WEBPKI_INVALID, true)).isEqualTo(MonitorCommand.State.CRITICAL);
    assertThat(MonitorCommand.stsState(WarningCode.STS_MX_NOT_COVERED, true)).isEqualTo(MonitorCommand.State.CRITICAL);
    assertThat(MonitorCommand.stsState(WarningCode.STS_WEBPKI_INVALID, false)).isEqualTo(MonitorCommand.State.WARNING);
    assertThat(MonitorCommand.stsState(WarningCode.STS_MX_NOT_COVERED, false)).isEqualTo(MonitorCommand.State.WARNING);
    assertThat(MonitorCommand.stsState(WarningCode.STS_LOOKUP_FAILED, true)).isEqualTo(MonitorCommand.State.UNKNOWN);
    assertThat(MonitorCommand.stsState(WarningCode.STS_POLICY_FETCH_ERROR, true)).isEqualTo(MonitorCommand.State.WARNING);
    assertThat(MonitorCommand.stsState(WarningCode.STS_DANE_NOT_COVERED, true)).isEqualTo(MonitorCommand.State.WARNING);
    assertThat(MonitorCommand.stsState(WarningCode.STS_DANE_MISMATCH, true)).isEqualTo(MonitorCommand.State.WARNING);
  }
}
