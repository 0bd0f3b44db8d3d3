package org.dane4j.testkit;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A certificate minted by {@link CertificateMinter} together with its key pair and the certificate that
 * issued it, so that a test can build chains, sign further certificates and serve the chain over TLS.
 */
public final class MintedCertificate {
  private final X509Certificate certificate;
  private final KeyPair keyPair;
  private final MintedCertificate issuer;

  MintedCertificate(X509Certificate certificate, KeyPair keyPair, MintedCertificate issuer) {
    this.certificate = Objects.requireNonNull(certificate, "certificate");
    this.keyPair = Objects.requireNonNull(keyPair, "keyPair");
    this.issuer = issuer;
  }

  /** The certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The certificate's key pair. */
  public KeyPair keyPair() {
    return keyPair;
  }

  /** The certificate's private key. */
  public PrivateKey privateKey() {
    return keyPair.getPrivate();
  }

  /** The certificate that signed this one; {@code null} for a self-signed certificate. */
  public MintedCertificate issuer() {
    return issuer;
  }

  /**
   * This certificate followed by its issuers, up to and including the self-signed root: the chain
   * {@code [leaf, intermediate, ..., root]} as a server would send it with its root.
   */
  public List<X509Certificate> chainWithRoot() {
    List<X509Certificate> chain = new ArrayList<>();
    for (MintedCertificate c = this; c != null; c = c.issuer) {
      chain.add(c.certificate);
    }
    return Collections.unmodifiableList(chain);
  }

  /** As {@link #chainWithRoot()} but without the self-signed root, the way most servers send it. */
  public List<X509Certificate> chain() {
    List<X509Certificate> all = chainWithRoot();
    return all.size() > 1 ? all.subList(0, all.size() - 1) : all;
  }

  @Override
  public String toString() {
    return "MintedCertificate[" + certificate.getSubjectX500Principal().getName() + "]";
  }
}
