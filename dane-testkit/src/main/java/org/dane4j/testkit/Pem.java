package org.dane4j.testkit;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PEM text of certificates (RFC 7468 §5), to write minted certificates and read test vectors. */
public final class Pem {
  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]+?)-----END CERTIFICATE-----");

  private Pem() {}

  /** The PEM text of one certificate, with 64-character lines. */
  public static String encode(X509Certificate certificate) {
    try {
      String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
          .encodeToString(certificate.getEncoded());
      return "-----BEGIN CERTIFICATE-----\n" + base64 + "\n-----END CERTIFICATE-----\n";
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("certificate cannot be encoded", e);
    }
  }

  /** Every certificate in {@code text}, in order; text outside the PEM blocks is skipped. */
  public static List<X509Certificate> certificates(String text) {
    List<X509Certificate> certificates = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      while (m.find()) {
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
      }
    } catch (CertificateException e) {
      throw new IllegalArgumentException("not a certificate: " + e.getMessage(), e);
    }
    return certificates;
  }
}
