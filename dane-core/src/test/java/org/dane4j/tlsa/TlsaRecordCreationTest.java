package org.dane4j.tlsa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.dane4j.testkit.CertificateMinter;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.Pem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link TlsaRecord#of} gives the bytes other tools give: checked against data computed on independent
 * paths — OpenSSL's own reference digests in danetest.in, BouncyCastle's ASN.1 and digests, and the
 * {@code openssl} command-line pipeline when the machine has it.
 */
class TlsaRecordCreationTest {
  private static final Pattern REFERENCE = Pattern.compile("^# ([23]) ([01]) ([012]) ([0-9A-F]+)$");

  /** danetest.in's preamble lists, per certificate of the example.com chain, OpenSSL-computed TLSA data. */
  @Test
  void matchesOpenSslReferenceDataOfDanetest() throws IOException {
    String text;
    try (InputStream in = getClass().getResourceAsStream("/conformance/openssl/danetest.in")) {
      text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
    List<X509Certificate> chain = OpenSslDaneCase.load("danetest.in", "example.com").get(8).chain();
    assertThat(chain).hasSize(3); // case 9: example.com <- Issuer CA <- Root CA
    int certificate = -1;
    int checked = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith("# subject=")) {
        certificate++;
      }
      Matcher m = REFERENCE.matcher(line);
      if (certificate >= 0 && m.matches()) {
        TlsaRecord ours = TestChains.record(chain.get(certificate), Integer.parseInt(m.group(1)),
            Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
        assertThat(ours.dataHex()).as(line).isEqualTo(m.group(4).toLowerCase(Locale.ROOT));
        checked++;
      }
      if (line.startsWith("# Renumber")) {
        break;
      }
    }
    assertThat(checked).isEqualTo(18); // 3 certificates x 2 selectors x 3 matching types
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"EC P-256", "RSA 2048"})
  void matchesBouncyCastleOnMintedCertificates(String keyType) throws Exception {
    CertificateMinter.Builder builder = CertificateMinter.certificate().dnsNames("mx.example.com");
    MintedCertificate c = (keyType.startsWith("RSA") ? builder.rsa(2048) : builder).mint();
    X509CertificateHolder holder = new X509CertificateHolder(c.certificate().getEncoded());
    byte[] spki = holder.getSubjectPublicKeyInfo().getEncoded();
    byte[] cert = holder.getEncoded();

    assertThat(TestChains.record(c.certificate(), 3, 1, 0).data()).isEqualTo(spki);
    assertThat(TestChains.record(c.certificate(), 3, 1, 1).data()).isEqualTo(bc(new SHA256Digest(), spki));
    assertThat(TestChains.record(c.certificate(), 3, 1, 2).data()).isEqualTo(bc(new SHA512Digest(), spki));
    assertThat(TestChains.record(c.certificate(), 2, 0, 0).data()).isEqualTo(cert);
    assertThat(TestChains.record(c.certificate(), 2, 0, 1).data()).isEqualTo(bc(new SHA256Digest(), cert));
    assertThat(TestChains.record(c.certificate(), 2, 0, 2).data()).isEqualTo(bc(new SHA512Digest(), cert));
  }

  /** The pipeline the issue names, run for real when openssl is installed (Debian has it). */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"EC P-256", "RSA 2048"})
  void matchesTheOpenSslPipeline(String keyType, @TempDir Path dir) throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed");
    CertificateMinter.Builder builder = CertificateMinter.certificate().dnsNames("mx.example.com");
    MintedCertificate c = (keyType.startsWith("RSA") ? builder.rsa(2048) : builder).mint();
    Path pem = dir.resolve("cert.pem");
    Files.writeString(pem, Pem.encode(c.certificate()));
    String pipeline = "openssl x509 -in '" + pem + "' -noout -pubkey | openssl pkey -pubin -outform DER"
        + " | openssl dgst -sha256 -r";
    Process p = new ProcessBuilder("sh", "-c", pipeline).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out.split(" ")[0].strip()).isEqualTo(TestChains.ee311(c).dataHex());
  }

  private static byte[] bc(Digest digest, byte[] input) {
    digest.update(input, 0, input.length);
    byte[] out = new byte[digest.getDigestSize()];
    digest.doFinal(out, 0);
    return out;
  }
}
