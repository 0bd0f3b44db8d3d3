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
import org.dane4j.smtp.ServerKeyType;
import org.dane4j.testkit.CertificateMinter;
import org.dane4j.testkit.MiniJson;
import org.dane4j.testkit.MintedCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #16: {@code check} and {@code monitor} probe every key type a DANE host holds (an RSA and an ECDSA
 * certificate) and judge each against the TLSA RRset: danecheck's "neglected ECDSA record".
 */
class KeyTypesCheckTest {
  private static final String EC_ONLY_TLSA = "ec-only-tlsa." + DemoLab.SIGNED;
  private static final String RSA_ONLY_TLSA = "rsa-only-tlsa." + DemoLab.SIGNED;
  private static final String BOTH = "both-tlsa." + DemoLab.SIGNED;
  private static final String ONE_CERT = "one-cert." + DemoLab.SIGNED;

  private static DemoLab lab;
  @TempDir
  static Path dir;
  private static Path anchor;

  @BeforeAll
  static void startLab() throws IOException {
    lab = new DemoLab();
    for (String domain : List.of(EC_ONLY_TLSA, RSA_ONLY_TLSA, BOTH)) {
      String host = "mx." + domain;
      MintedCertificate ec = lab.leaf(host);
      MintedCertificate rsa = CertificateMinter.certificate().dnsNames(host).issuer(lab.issuer()).rsa(2048).mint();
      lab.mx(domain, host, rsa, b -> b.additionalCertificate(ec));
      List<String> records = new ArrayList<>();
      if (!domain.equals(RSA_ONLY_TLSA)) {
        records.add(DemoLab.ee311(ec).toString());
      }
      if (!domain.equals(EC_ONLY_TLSA)) {
        records.add(DemoLab.ee311(rsa).toString());
      }
      lab.tlsa(host, records.toArray(String[]::new));
    }
    MintedCertificate one = lab.leaf("mx." + ONE_CERT);
    lab.mx(ONE_CERT, "mx." + ONE_CERT, one, b -> b);
    lab.tlsa("mx." + ONE_CERT, DemoLab.ee311(one).toString());
    anchor = Files.writeString(dir.resolve("root.ds"), lab.trustAnchor());
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
  private static Map<String, Object> onlyHost(CliRun run) {
    Map<String, Object> doc = (Map<String, Object>) MiniJson.parse(run.out());
    List<Map<String, Object>> hosts = (List<Map<String, Object>>) doc.get("hosts");
    assertThat(hosts).hasSize(1);
    return hosts.get(0);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> keyTypes(Map<String, Object> host) {
    return (List<Map<String, Object>>) host.get("key_types");
  }

  /** The key types the server offered (on Java 19+ an Ed25519 probe is "not offered" here). */
  private static List<Map<String, Object>> offered(Map<String, Object> host) {
    return keyTypes(host).stream().filter(k -> Boolean.TRUE.equals(k.get("offered"))).toList();
  }

  @SuppressWarnings("unchecked")
  private static List<Object> codes(Map<String, Object> host) {
    return ((List<Map<String, Object>>) host.get("warnings")).stream().map(w -> w.get("code")).toList();
  }

  @Test
  @DisplayName("#16: an RSA certificate beside a covered ECDSA one, with no TLSA record of its own, is flagged")
  void rsaCertificateNotCoveredIsFlagged() {
    CliRun run = run("check", "--json", EC_ONLY_TLSA);

    Map<String, Object> h = onlyHost(run);
    assertThat(h).containsEntry("verdict", "verified"); // the default handshake gets the covered ECDSA one
    assertThat(offered(h)).extracting(k -> k.get("key_type"), k -> k.get("offered"), k -> k.get("verified"))
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("ECDSA", true, true),
            org.assertj.core.groups.Tuple.tuple("RSA", true, false));
    assertThat(codes(h)).contains("KEY_TYPE_NOT_COVERED");
    assertThat(run.out()).contains("publish 3 1 1 ");
  }

  @Test
  @DisplayName("#16: the neglected ECDSA record: an uncovered ECDSA certificate is flagged, the host fails")
  void ecdsaCertificateNotCoveredIsFlagged() {
    CliRun run = run("check", "--json", RSA_ONLY_TLSA);

    Map<String, Object> h = onlyHost(run);
    assertThat(keyTypes(h)).anySatisfy(k -> assertThat(k).containsEntry("key_type", "ECDSA")
        .containsEntry("offered", true).containsEntry("verified", false));
    assertThat(keyTypes(h)).anySatisfy(k -> assertThat(k).containsEntry("key_type", "RSA")
        .containsEntry("verified", true));
    assertThat(codes(h)).contains("KEY_TYPE_NOT_COVERED");
  }

  @Test
  @DisplayName("#16: both certificates covered: both verified, no key-type warning")
  void bothCoveredNoWarning() {
    CliRun run = run("check", "--json", BOTH);

    Map<String, Object> h = onlyHost(run);
    assertThat(offered(h)).hasSize(2).allSatisfy(k -> assertThat(k).containsEntry("verified", true));
    assertThat(codes(h)).doesNotContain("KEY_TYPE_NOT_COVERED");
    assertThat(run.exitCode()).isZero();
  }

  @Test
  @DisplayName("#16: a server with one certificate: the other key type is 'not offered', no warning")
  void oneCertificateOtherTypeNotOffered() {
    CliRun run = run("check", "--json", ONE_CERT);

    Map<String, Object> h = onlyHost(run);
    assertThat(keyTypes(h)).anySatisfy(k -> assertThat(k).containsEntry("key_type", "RSA")
        .containsEntry("offered", false));
    assertThat(keyTypes(h)).hasSize(ServerKeyType.probeable().size());
    assertThat(codes(h)).doesNotContain("KEY_TYPE_NOT_COVERED");
  }

  @Test
  @DisplayName("#16: monitor turns CRITICAL with KEY_TYPE_NOT_COVERED for an uncovered RSA certificate")
  void monitorFlagsUncoveredKeyType() {
    CliRun text = run("monitor", EC_ONLY_TLSA);
    CliRun json = run("monitor", "--json", EC_ONLY_TLSA);

    assertThat(text.exitCode()).isEqualTo(2);
    assertThat(text.out()).startsWith("DANE CRITICAL - ").contains("key RSA: NOT covered")
        .contains("key ECDSA: verified");
    assertThat(json.out()).contains("KEY_TYPE_NOT_COVERED");
  }

  @Test
  @DisplayName("POL-2, #16: check [host]:port probes that host without an MX lookup")
  void pol2_checkBracketedHostWithPort() {
    List<String> args = new ArrayList<>(List.of("check", "--resolver", "127.0.0.1:" + lab.dns().address().getPort(),
        "--trust-anchor", anchor.toString(), "--timeout", "2", "--json", "[mx." + BOTH + "]:" + lab.port()));
    CliRun run = CliRun.of(args.toArray(new String[0]));

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(onlyHost(run)).containsEntry("mx_host", "mx." + BOTH).containsEntry("verdict", "verified")
        .containsEntry("port", (long) lab.port());
    List<String> text = new ArrayList<>(args);
    text.remove("--json");
    assertThat(CliRun.of(text.toArray(new String[0])).out())
        .startsWith("Host [mx." + BOTH + "]:" + lab.port() + ": no MX lookup, the host is checked as named");
    CliRun literal = CliRun.of("check", "[127.0.0.2]:" + lab.port());
    assertThat(literal.exitCode()).isEqualTo(64);
    assertThat(literal.err()).contains("is an IP address: TLSA records are published under a host name");
  }
}
