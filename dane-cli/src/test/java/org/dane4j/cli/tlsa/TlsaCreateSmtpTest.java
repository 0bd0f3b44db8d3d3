package org.dane4j.cli.tlsa;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.dane4j.cli.CliRun;
import org.dane4j.cli.ExitCodes;
import org.dane4j.testkit.CertificateMinter;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.Pem;
import org.dane4j.tlsa.CertUsage;
import org.dane4j.tlsa.MatchingType;
import org.dane4j.tlsa.Selector;
import org.dane4j.tlsa.TlsaRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dane4j tlsa create --smtp}: the NCSC FS-2017-01 pair ({@code 3 1 1} of the leaf, {@code 2 1 1} of
 * the issuing CA) in one run, the key in service with {@code --current}, and usage 2 refused for a
 * certificate that is not a CA (issue #16).
 */
class TlsaCreateSmtpTest {
  private static final String OWNER = "_25._tcp.mx.example.nl.";

  @TempDir
  static Path dir;
  private static MintedCertificate issuing;
  private static MintedCertificate leaf;
  private static MintedCertificate oldLeaf;
  private static Path fullchain;
  private static Path leafOnly;

  @BeforeAll
  static void mint() throws IOException {
    MintedCertificate root = CertificateMinter.certificate().subject("CN=Example Root CA, O=Example").ca().mint();
    issuing = CertificateMinter.certificate().subject("CN=Example Issuing CA, O=Example").ca(0).issuer(root).mint();
    leaf = CertificateMinter.certificate().commonName("mx.example.nl").dnsNames("mx.example.nl").issuer(issuing)
        .mint();
    oldLeaf = CertificateMinter.certificate().commonName("mx.example.nl").dnsNames("mx.example.nl")
        .issuer(issuing).mint();
    fullchain = pem("fullchain.pem", leaf.chain());
    leafOnly = pem("cert.pem", List.of(leaf.certificate()));
  }

  private static Path pem(String name, List<X509Certificate> chain) throws IOException {
    StringBuilder s = new StringBuilder();
    chain.forEach(c -> s.append(Pem.encode(c)));
    return Files.writeString(dir.resolve(name), s.toString());
  }

  private static String hex(MintedCertificate c, CertUsage usage) {
    return TlsaRecord.of(c.certificate(), usage, Selector.SPKI, MatchingType.SHA2_256).dataHex();
  }

  @Test
  void smtpPrintsTheNcscPairAtPort25InZoneFileForm() {
    CliRun run = CliRun.of("tlsa", "create", "--smtp", "--certificate", fullchain.toString(), "mx.example.nl");

    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).isEqualTo(
        "; DANE for SMTP (RFC 7672), as NCSC FS-2017-01 asks: publish both records\n"
            + "; 3 1 1: the server's key, Subject: /CN=mx.example.nl\n"
            + OWNER + " IN TLSA 3 1 1 " + hex(leaf, CertUsage.DANE_EE) + "\n"
            + "; 2 1 1: the issuing CA's key, Subject: /CN=Example Issuing CA/O=Example\n"
            + OWNER + " IN TLSA 2 1 1 " + hex(issuing, CertUsage.DANE_TA) + "\n");
  }

  @Test
  void smtpWithCurrentAlsoPrintsTheKeyInServiceToKeepDuringTheRollover() throws IOException {
    Path current = pem("current.pem", oldLeaf.chain());

    CliRun run = CliRun.of("tlsa", "create", "--smtp", "--current", current.toString(), "--certificate",
        fullchain.toString(), "mx.example.nl");

    assertThat(run.exitCode()).isZero();
    List<String> lines = run.out().lines().toList();
    assertThat(lines).hasSize(8);
    assertThat(lines.get(5)).startsWith("; rollover: keep this 3 1 1 of the key in service");
    assertThat(lines.get(6)).startsWith("; until the new certificate is deployed and one TTL");
    assertThat(lines.get(7)).isEqualTo(OWNER + " IN TLSA 3 1 1 " + hex(oldLeaf, CertUsage.DANE_EE));
    assertThat(lines).filteredOn(l -> !l.startsWith(";")).allMatch(l -> l.startsWith(OWNER + " IN TLSA "));
  }

  @Test
  void smtpWithCurrentOfTheSameKeyAddsNoRecord() {
    CliRun run = CliRun.of("tlsa", "create", "--smtp", "--current", leafOnly.toString(), "--certificate",
        fullchain.toString(), "mx.example.nl");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out().lines().filter(l -> l.startsWith(OWNER))).hasSize(2);
    assertThat(run.out()).contains("; rollover: the certificate in service (Subject: /CN=mx.example.nl) has the"
        + " same key");
  }

  @Test
  void smtpOnALeafOnlyFileSaysTheChainFileMustHoldTheIssuingCa() {
    CliRun run = CliRun.of("tlsa", "create", "--smtp", "--certificate", leafOnly.toString(), "mx.example.nl");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).startsWith("dane4j tlsa create: " + leafOnly + " holds only the certificate of the server,"
        + " but --smtp needs the chain file").contains("the issuing CA").hasLineCount(1);
  }

  @Test
  void smtpRefusesAChainWhoseSecondCertificateDidNotIssueTheLeaf() throws IOException {
    MintedCertificate stranger = CertificateMinter.certificate().commonName("Another CA").ca().mint();
    Path wrong = pem("wrong.pem", List.of(leaf.certificate(), stranger.certificate()));

    CliRun run = CliRun.of("tlsa", "create", "--smtp", "--certificate", wrong.toString(), "mx.example.nl");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(run.err()).contains("certificate 1 (/CN=Another CA) did not issue the certificate of the server, 0")
        .hasLineCount(1);
  }

  @Test
  void smtpRefusesTheRecordChoicesItMakesItself() {
    CliRun usage = CliRun.of("tlsa", "create", "--smtp", "-u", "2", "--certificate", fullchain.toString(),
        "mx.example.nl");
    CliRun currentAlone = CliRun.of("tlsa", "create", "--current", leafOnly.toString(), "--certificate",
        fullchain.toString(), "mx.example.nl");

    assertThat(usage.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(usage.err()).startsWith("dane4j tlsa create: --smtp publishes '3 1 1' and '2 1 1' at port 25 over"
        + " tcp; drop --usage").hasLineCount(1);
    assertThat(currentAlone.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(currentAlone.err()).contains("--current applies to --smtp only");
  }

  @Test
  @DisplayName("usage 2 of a leaf-only file is refused, exit 64, saying why it never authenticates")
  void usageTwoOfACertificateThatIsNotACaIsRefused() {
    CliRun run = CliRun.of("tlsa", "create", "--port", "25", "-u", "2", "-s", "1", "--certificate",
        leafOnly.toString(), "mx.example.nl");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).startsWith("dane4j tlsa create: usage 2 (DANE-TA) publishes the key of a CA, but certificate"
        + " 0 (/CN=mx.example.nl) is not a CA (basicConstraints cA=false or absent): such a record never"
        + " authenticates").contains("use --force").hasLineCount(1);
  }

  @Test
  void smtpRefusesAnIssuerThatIsNotACa() throws IOException {
    MintedCertificate notCa = CertificateMinter.certificate().commonName("Not A CA").mint();
    MintedCertificate under = CertificateMinter.certificate().commonName("mx.example.nl").issuer(notCa).mint();
    Path odd = pem("odd.pem", List.of(under.certificate(), notCa.certificate()));

    CliRun refused = CliRun.of("tlsa", "create", "--smtp", "--certificate", odd.toString(), "mx.example.nl");
    CliRun forced = CliRun.of("tlsa", "create", "--smtp", "--force", "--certificate", odd.toString(),
        "mx.example.nl");

    assertThat(refused.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(refused.err()).contains("certificate 1 (/CN=Not A CA) is not a CA");
    assertThat(forced.exitCode()).isZero();
    assertThat(forced.out()).contains(OWNER + " IN TLSA 2 1 1 " + hex(notCa, CertUsage.DANE_TA));
    assertThat(forced.err()).startsWith("dane4j tlsa create: warning: usage 2 (DANE-TA)");
  }

  @Test
  void forcePrintsTheHashSlingerOutputAndWarnsOnStderr() {
    CliRun run = CliRun.of("tlsa", "create", "--force", "--port", "25", "-u", "2", "-s", "1", "--certificate",
        leafOnly.toString(), "mx.example.nl");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).isEqualTo("Using certificate with the following Subject:\n\t/CN=mx.example.nl\n\n"
        + OWNER + " IN TLSA 2 1 1 " + hex(leaf, CertUsage.DANE_TA) + "\n");
    assertThat(run.err()).startsWith("dane4j tlsa create: warning: usage 2 (DANE-TA) publishes the key of a CA")
        .hasLineCount(1);
  }
}
