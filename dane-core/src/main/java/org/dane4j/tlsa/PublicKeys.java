package org.dane4j.tlsa;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.List;

/** Parses a DER SubjectPublicKeyInfo of any algorithm the JDK knows (for {@code 2 1 0} / {@code 3 1 0}). */
final class PublicKeys {
  private static final List<String> ALGORITHMS =
      List.of("EC", "RSA", "Ed25519", "Ed448", "RSASSA-PSS", "DSA", "X25519", "X448");

  private PublicKeys() {}

  static PublicKey parse(byte[] spki) {
    X509EncodedKeySpec spec = new X509EncodedKeySpec(spki);
    for (String algorithm : ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePublic(spec);
      } catch (GeneralSecurityException | RuntimeException e) {
        // not this algorithm; try the next one
      }
    }
    throw new IllegalArgumentException("not a SubjectPublicKeyInfo of a supported key algorithm ("
        + spki.length + " bytes)");
  }
}
