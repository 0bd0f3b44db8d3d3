package org.dane4j.tlsa;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.util.Properties;
import org.dane4j.testkit.Pem;

/**
 * One case of OpenSSL's DANE test files (test/danetest.in, test/dane-cross.in; see
 * conformance/openssl/SOURCE.md), read the way OpenSSL's harness reads it: a header of five numbers, as
 * many TLSA lines as the header says, then as many PEM certificates, skipping any text before each.
 */
record OpenSslDaneCase(String file, int number, List<TlsaRecord> records, List<X509Certificate> chain,
    boolean noNameChecks, int wantResult, int wantDepth, String referenceName) {

  static final int X509_V_OK = 0;
  static final int X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY = 20;
  static final int X509_V_ERR_HOSTNAME_MISMATCH = 62;
  static final int X509_V_ERR_DANE_NO_MATCH = 65;

  private static final String ALLOW_EMPTY_ISSUER = "org.bouncycastle.x509.allow_empty_issuer_cert";
  private static final Pattern HEADER = Pattern.compile("^(\\d+) (\\d+) (\\d+) (-?\\d+) (-?\\d+)\\s*$");
  private static final Pattern CERTIFICATE = Pattern.compile(
      "-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", Pattern.DOTALL);

  static List<OpenSslDaneCase> load(String file, String referenceName) {
    String text;
    try (InputStream in = OpenSslDaneCase.class.getResourceAsStream("/conformance/openssl/" + file)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource conformance/openssl/" + file);
      }
      text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<OpenSslDaneCase> cases = new ArrayList<>();
    String[] lines = text.split("\n");
    for (int i = 0; i < lines.length; i++) {
      Matcher header = HEADER.matcher(lines[i]);
      if (!header.matches()) {
        continue;
      }
      int tlsaCount = Integer.parseInt(header.group(1));
      int certCount = Integer.parseInt(header.group(2));
      List<TlsaRecord> records = new ArrayList<>();
      for (int r = 0; r < tlsaCount; r++) {
        records.add(TlsaRecord.parse(lines[++i]));
      }
      // The certificates: the next certCount PEM blocks; any other text before them is skipped.
      StringBuilder rest = new StringBuilder();
      int found = 0;
      while (found < certCount && ++i < lines.length) {
        rest.append(lines[i]).append('\n');
        if (lines[i].startsWith("-----END CERTIFICATE-----")) {
          found++;
        }
      }
      Matcher pem = CERTIFICATE.matcher(rest);
      List<X509Certificate> chain = new ArrayList<>();
      while (pem.find()) {
        chain.add(parse(pem.group()));
      }
      if (chain.size() != certCount) {
        throw new IllegalStateException(file + " case " + (cases.size() + 1) + ": expected " + certCount
            + " certificates, read " + chain.size());
      }
      cases.add(new OpenSslDaneCase(file, cases.size() + 1, List.copyOf(records), List.copyOf(chain),
          "1".equals(header.group(3)), Integer.parseInt(header.group(4)), Integer.parseInt(header.group(5)),
          referenceName));
    }
    return cases;
  }

  /**
   * The JDK refuses the anonymous leaf of cases 1–8 ("Empty issuer DN not allowed"), so a JSSE client
   * could never receive it. BouncyCastle's provider parses it when its
   * {@code allow_empty_issuer_cert} override is set (for this thread only), and the verifier must work
   * on any {@link X509Certificate}, so such certificates are read with BouncyCastle.
   */
  private static X509Certificate parse(String pem) {
    try {
      return Pem.certificates(pem).get(0);
    } catch (IllegalArgumentException jdkRefused) {
      boolean wasSet = Properties.setThreadOverride(ALLOW_EMPTY_ISSUER, true);
      try {
        return (X509Certificate) CertificateFactory.getInstance("X.509", new BouncyCastleProvider())
            .generateCertificate(new ByteArrayInputStream(Base64.getMimeDecoder().decode(
                pem.replaceAll("-----[A-Z ]+-----", ""))));
      } catch (CertificateException e) {
        throw new IllegalStateException("neither the JDK nor BouncyCastle parse " + pem, e);
      } finally {
        Properties.setThreadOverride(ALLOW_EMPTY_ISSUER, wasSet);
      }
    }
  }

  boolean onlyPkixUsages() {
    return records.stream().noneMatch(r -> r.usage().usableForSmtp());
  }

  boolean allDaneEe() {
    return records.stream().allMatch(r -> r.usage().equals(CertUsage.DANE_EE));
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(file).append(" #").append(number).append(" [");
    records.forEach(r -> s.append(r.usage().value()).append(' ').append(r.selector().value()).append(' ')
        .append(r.matchingType().value()).append(", "));
    s.setLength(s.length() - 2);
    return s.append("] ").append(chain.size()).append(" certs, openssl wants ").append(wantResult)
        .append(" at depth ").append(wantDepth).toString();
  }
}
