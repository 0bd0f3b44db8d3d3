package org.dane4j.testkit;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Mints X.509 certificates for tests and tools: CAs, intermediates and leaves, RSA or EC, with any names
 * and validity period, including the broken kinds a DANE verifier must handle (expired, not yet valid,
 * wrong names, no SAN, self-signed leaves).
 *
 * <pre>{@code
 * MintedCertificate root = CertificateMinter.certificate().commonName("Root CA").ca().mint();
 * MintedCertificate leaf = CertificateMinter.certificate().dnsNames("mx.example.com")
 *     .issuer(root).mint();
 * }</pre>
 *
 * <p>Uses BouncyCastle only to build and sign the certificate; the result is a plain JDK
 * {@link X509Certificate}.
 */
public final class CertificateMinter {
  private static final AtomicLong SERIALS = new AtomicLong(System.nanoTime() & 0xffffffffL);
  private static final SecureRandom RANDOM = new SecureRandom();

  private CertificateMinter() {}

  /** Starts a new certificate: by default an EC P-256 leaf, self-signed, valid from one day ago for a year. */
  public static Builder certificate() {
    return new Builder();
  }

  /** Generates an EC P-256 key pair. */
  public static KeyPair ecKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("EC P-256 is not available", e);
    }
  }

  /** Generates an RSA key pair of the given size in bits. */
  public static KeyPair rsaKeyPair(int bits) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(bits, RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA is not available", e);
    }
  }

  /** Settings of one certificate to mint. Every setter returns this builder. */
  public static final class Builder {
    private String subject;
    private final List<String> dnsNames = new ArrayList<>();
    private KeyPair keyPair;
    private MintedCertificate issuer;
    private boolean ca;
    private Integer pathLength;
    private List<String> permittedDnsNames = List.of();
    private Instant notBefore = Instant.now().minus(Duration.ofDays(1));
    private Instant notAfter = Instant.now().plus(Duration.ofDays(365));

    private Builder() {}

    /** The subject as an X.500 name, e.g. {@code "CN=mx.example.com, O=Example"}. */
    public Builder subject(String x500Name) {
      this.subject = Objects.requireNonNull(x500Name, "x500Name");
      return this;
    }

    /** The subject as a single common name. */
    public Builder commonName(String commonName) {
      return subject("CN=" + Objects.requireNonNull(commonName, "commonName"));
    }

    /** DNS-ID subject alternative names; none by default. */
    public Builder dnsNames(String... names) {
      dnsNames.addAll(List.of(names));
      return this;
    }

    /** Use this key pair (e.g. to keep the key across a certificate renewal); a fresh EC key by default. */
    public Builder keyPair(KeyPair keyPair) {
      this.keyPair = Objects.requireNonNull(keyPair, "keyPair");
      return this;
    }

    /** Use a fresh RSA key of this many bits instead of EC P-256. */
    public Builder rsa(int bits) {
      return keyPair(rsaKeyPair(bits));
    }

    /** Signed by this certificate's key; self-signed when not set. */
    public Builder issuer(MintedCertificate issuer) {
      this.issuer = Objects.requireNonNull(issuer, "issuer");
      return this;
    }

    /** A CA certificate (basicConstraints cA=true, keyCertSign) with no path length limit. */
    public Builder ca() {
      this.ca = true;
      return this;
    }

    /** A CA certificate with this path length constraint. */
    public Builder ca(int pathLength) {
      this.ca = true;
      this.pathLength = pathLength;
      return this;
    }

    /** A CA certificate whose name constraints permit only these DNS subtrees (RFC 5280 §4.2.1.10). */
    public Builder permittedDnsNames(String... subtrees) {
      this.permittedDnsNames = List.of(subtrees);
      return this;
    }

    /** The validity period. */
    public Builder validity(Instant notBefore, Instant notAfter) {
      this.notBefore = Objects.requireNonNull(notBefore, "notBefore");
      this.notAfter = Objects.requireNonNull(notAfter, "notAfter");
      return this;
    }

    /** Mints the certificate. */
    public MintedCertificate mint() {
      KeyPair keys = keyPair != null ? keyPair : ecKeyPair();
      String subjectName = subject != null ? subject
          : dnsNames.isEmpty() ? "CN=dane4j test" : "CN=" + dnsNames.get(0);
      X500Name subjectX500 = new X500Name(subjectName);
      X500Name issuerX500 = issuer == null ? subjectX500
          : X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
      KeyPair signer = issuer == null ? keys : issuer.keyPair();
      try {
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerX500,
            BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(notBefore), Date.from(notAfter),
            subjectX500, keys.getPublic());
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.subjectKeyIdentifier, false,
            extensions.createSubjectKeyIdentifier(keys.getPublic()));
        builder.addExtension(Extension.authorityKeyIdentifier, false,
            extensions.createAuthorityKeyIdentifier(signer.getPublic()));
        if (ca) {
          builder.addExtension(Extension.basicConstraints, true,
              pathLength == null ? new BasicConstraints(true) : new BasicConstraints(pathLength));
          builder.addExtension(Extension.keyUsage, true,
              new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
        } else {
          builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
          builder.addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        }
        if (!permittedDnsNames.isEmpty()) {
          GeneralSubtree[] permitted = permittedDnsNames.stream()
              .map(n -> new GeneralSubtree(new GeneralName(GeneralName.dNSName, n)))
              .toArray(GeneralSubtree[]::new);
          builder.addExtension(Extension.nameConstraints, true, new NameConstraints(permitted, null));
        }
        if (!dnsNames.isEmpty()) {
          GeneralName[] names = dnsNames.stream()
              .map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new);
          builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        }
        ContentSigner contentSigner = new JcaContentSignerBuilder(signatureAlgorithm(signer))
            .build(signer.getPrivate());
        X509Certificate certificate = new JcaX509CertificateConverter()
            .getCertificate(builder.build(contentSigner));
        return new MintedCertificate(certificate, keys, issuer);
      } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
        throw new IllegalStateException("cannot mint certificate " + subjectName, e);
      }
    }

    private static String signatureAlgorithm(KeyPair signer) {
      return "RSA".equals(signer.getPublic().getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA";
    }
  }
}
