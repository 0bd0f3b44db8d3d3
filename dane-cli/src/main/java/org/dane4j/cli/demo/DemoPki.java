package org.dane4j.cli.demo;

import org.dane4j.testkit.CertificateMinter;
import org.dane4j.testkit.MintedCertificate;

/**
 * The demo's certificates, minted fresh on every run: a root CA, an issuing CA under it, the server's
 * certificate for {@value #HOST} under that, and the certificate of the server's previous key, whose
 * {@code 3 1 1} record an administrator forgot to replace.
 *
 * @param root the self-signed root CA, which the server does not send
 * @param issuingCa the intermediate CA that issued the server's certificates
 * @param leaf the server's current certificate
 * @param previousLeaf the certificate of the server's previous key
 */
record DemoPki(MintedCertificate root, MintedCertificate issuingCa, MintedCertificate leaf,
    MintedCertificate previousLeaf) {
  /** The MX host of the demo, in the reserved {@code .test} TLD (RFC 6761). */
  static final String HOST = "mx.demo.dane4j.test";

  static DemoPki mint() {
    MintedCertificate root = CertificateMinter.certificate().commonName("dane4j demo root CA").ca().mint();
    MintedCertificate issuingCa = CertificateMinter.certificate().commonName("dane4j demo issuing CA").ca(0)
        .issuer(root).mint();
    MintedCertificate leaf = CertificateMinter.certificate().dnsNames(HOST).issuer(issuingCa).mint();
    MintedCertificate previousLeaf = CertificateMinter.certificate().dnsNames(HOST).issuer(issuingCa).mint();
    return new DemoPki(root, issuingCa, leaf, previousLeaf);
  }
}
