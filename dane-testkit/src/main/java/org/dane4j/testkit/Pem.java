package org.dane4j.testkit;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * PEM text of certificates (RFC 7468 §5) and private keys (RFC 7468 §10, RFC 5958), to write minted
 * certificates, read test vectors, and load an application's own certificate and key into the testkit's
 * servers.
 */
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

  /** Every certificate in the PEM file {@code file}, in order; an {@link UncheckedIOException} if unreadable. */
  public static List<X509Certificate> certificates(Path file) {
    List<X509Certificate> certificates = certificates(read(file));
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("no PEM certificate (BEGIN CERTIFICATE) in " + file);
    }
    return certificates;
  }

  /**
   * The private key in {@code text}: the first unencrypted key block, PKCS#8 ({@code BEGIN PRIVATE KEY}) or
   * the older {@code BEGIN RSA PRIVATE KEY} / {@code BEGIN EC PRIVATE KEY}; RSA, EC or Ed25519. An encrypted key
   * or text without a key is an {@link IllegalArgumentException}.
   */
  public static PrivateKey privateKey(String text) {
    try (PEMParser parser = new PEMParser(new StringReader(text))) {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
        if (o instanceof PEMKeyPair pair) {
          return converter.getPrivateKey(pair.getPrivateKeyInfo());
        }
        if (o instanceof PKCS8EncryptedPrivateKeyInfo || o instanceof PEMEncryptedKeyPair) {
          throw new IllegalArgumentException("the private key is encrypted; decrypt it first, e.g. with"
              + " 'openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pem'");
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("not a PEM private key: " + e.getMessage(), e);
    }
    throw new IllegalArgumentException("no PEM private key (BEGIN PRIVATE KEY) found");
  }

  /**
   * The first certificate of the PEM file {@code chainPem} with the private key of the PEM file
   * {@code keyPem} (see {@link #privateKey(String)}), checked to belong together by a test signature; as a
   * {@link MintedCertificate} without issuer, for the testkit's servers.
   */
  public static MintedCertificate certificateAndKey(Path chainPem, Path keyPem) {
    X509Certificate leaf = certificates(chainPem).get(0);
    PrivateKey key;
    try {
      key = privateKey(read(keyPem));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(keyPem + ": " + e.getMessage(), e);
    }
    if (!belongTogether(leaf, key)) {
      throw new IllegalArgumentException("the private key in " + keyPem + " does not belong to the first"
          + " certificate in " + chainPem + " (" + leaf.getSubjectX500Principal().getName() + ")");
    }
    return new MintedCertificate(leaf, new KeyPair(leaf.getPublicKey(), key), null);
  }

  private static boolean belongTogether(X509Certificate certificate, PrivateKey key) {
    String algorithm;
    switch (key.getAlgorithm()) {
      case "RSA":
        algorithm = "SHA256withRSA";
        break;
      case "EC":
      case "ECDSA":
        algorithm = "SHA256withECDSA";
        break;
      case "Ed25519":
      case "EdDSA":
        algorithm = "Ed25519";
        break;
      default:
        throw new IllegalArgumentException("unsupported key type " + key.getAlgorithm() + " (RSA, EC or Ed25519)");
    }
    byte[] probe = "dane4j testkit key check".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false; // e.g. an RSA key for an EC certificate
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
