package org.dane4j.smtp;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLParameters;

/**
 * The key types a mail server may hold certificates for, so that a checker can ask for each in turn: a server
 * with an RSA and an ECDSA certificate picks one per handshake from what the client offers, and a TLSA RRset
 * that covers only one of them fails every sender that gets the other (RFC 7671 §5.1 asks for records that
 * match every certificate a server may present; danecheck's README names the "neglected ECDSA record").
 *
 * <p>How a handshake is restricted ({@link TlsRecipe#restrictedTo}), honestly per JDK:
 * <ul>
 *   <li>Java 19 and newer: the client offers only this family's signature schemes
 *       ({@code SSLParameters.setSignatureSchemes}, per connection) over TLS 1.3 and 1.2, and for TLS 1.2
 *       only the family's cipher suites; RSA, ECDSA and Ed25519 are told apart.</li>
 *   <li>Java 17 and 18 have no per-connection signature schemes (the {@code jdk.tls.client.SignatureSchemes}
 *       system property is JVM-wide, and dane4j sets no system property), and TLS 1.3 cipher suites do not
 *       name a key type; so the restricted handshake is TLS 1.2 only, with {@code ECDHE_RSA}/{@code DHE_RSA}/
 *       {@code RSA} suites for RSA and {@code ECDHE_ECDSA} suites for ECDSA. Ed25519 certificates use the
 *       {@code ECDHE_ECDSA} suites too, so {@link #ECDSA} then means "an EC key, ECDSA or Ed25519, as the
 *       server picks" and {@link #ED25519} is not probed ({@link #probeable()}). A server that speaks TLS 1.3
 *       only cannot be probed per key type there.</li>
 * </ul>
 * A restricted handshake is for probes only (no mail is sent over it): it is not the sender's TLS recipe.
 */
public enum ServerKeyType {
  /** RSA keys (rsaEncryption SPKI). */
  RSA(List.of("rsa_pss_rsae_sha256", "rsa_pss_rsae_sha384", "rsa_pss_rsae_sha512", "rsa_pss_pss_sha256",
      "rsa_pss_pss_sha384", "rsa_pss_pss_sha512", "rsa_pkcs1_sha256", "rsa_pkcs1_sha384", "rsa_pkcs1_sha512"),
      List.of("_ECDHE_RSA_", "_DHE_RSA_", "TLS_RSA_")),
  /** ECDSA keys on the NIST curves (id-ecPublicKey SPKI). */
  ECDSA(List.of("ecdsa_secp256r1_sha256", "ecdsa_secp384r1_sha384", "ecdsa_secp521r1_sha512"),
      List.of("_ECDHE_ECDSA_")),
  /** Ed25519 keys (RFC 8410, RFC 8422); told apart from ECDSA on Java 19 and newer only. */
  ED25519(List.of("ed25519"), List.of("_ECDHE_ECDSA_"));

  /** {@code SSLParameters.setSignatureSchemes(String[])}, Java 19+; null on older JDKs. */
  private static final Method SET_SIGNATURE_SCHEMES = setSignatureSchemes();

  private final List<String> signatureSchemes;
  private final List<String> tls12Suites;

  ServerKeyType(List<String> signatureSchemes, List<String> tls12Suites) {
    this.signatureSchemes = signatureSchemes;
    this.tls12Suites = tls12Suites;
  }

  /** Whether this JDK restricts the client's signature schemes per handshake (Java 19 and newer). */
  public static boolean perHandshakeSignatureSchemes() {
    return SET_SIGNATURE_SCHEMES != null;
  }

  /**
   * The key types this JDK can ask for one at a time: RSA, ECDSA and Ed25519 on Java 19+; RSA and ECDSA (an EC
   * key of either kind) on Java 17 and 18.
   */
  public static List<ServerKeyType> probeable() {
    return perHandshakeSignatureSchemes() ? List.of(RSA, ECDSA, ED25519) : List.of(RSA, ECDSA);
  }

  /** The key type of a certificate's public key, if it is one of these. */
  public static Optional<ServerKeyType> of(PublicKey key) {
    String algorithm = key.getAlgorithm().toUpperCase(Locale.ROOT);
    return switch (algorithm) {
      case "RSA", "RSASSA-PSS" -> Optional.of(RSA);
      case "EC", "ECDSA" -> Optional.of(ECDSA);
      case "ED25519", "EDDSA" -> Optional.of(ED25519);
      default -> Optional.empty();
    };
  }

  /**
   * Whether a probe restricted to this type would also present {@code presented}: on Java 17/18 an ECDSA
   * probe covers Ed25519 keys as well.
   */
  public boolean covers(ServerKeyType presented) {
    return presented == this || this == ECDSA && presented == ED25519 && !perHandshakeSignatureSchemes();
  }

  /**
   * Restricts {@code parameters} (protocols already set by the recipe) to handshakes in which the server can
   * only present a certificate of this key type; see the class comment for what each JDK allows.
   *
   * @throws IllegalStateException for {@link #ED25519} on a JDK without per-handshake signature schemes
   */
  SSLParameters restrict(SSLParameters parameters) {
    List<String> protocols = new ArrayList<>(List.of(parameters.getProtocols()));
    if (SET_SIGNATURE_SCHEMES != null) {
      try {
        SET_SIGNATURE_SCHEMES.invoke(parameters, (Object) signatureSchemes.toArray(new String[0]));
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new IllegalStateException("cannot restrict the signature schemes to " + this, e);
      }
    } else {
      if (this == ED25519) {
        throw new IllegalStateException("Ed25519 is not told apart from ECDSA on Java "
            + Runtime.version().feature() + " (no per-handshake signature schemes before Java 19)");
      }
      protocols.remove("TLSv1.3");
      parameters.setProtocols(protocols.toArray(new String[0]));
    }
    String[] suites = parameters.getCipherSuites() != null ? parameters.getCipherSuites() : defaultSuites();
    List<String> kept = new ArrayList<>();
    for (String suite : suites) {
      boolean tls13Suite = !suite.contains("_WITH_") && !suite.endsWith("_SCSV");
      if (tls13Suite ? protocols.contains("TLSv1.3") : tls12Suites.stream().anyMatch(suite::contains)) {
        kept.add(suite);
      }
    }
    parameters.setCipherSuites(kept.toArray(new String[0]));
    return parameters;
  }

  private static String[] defaultSuites() {
    try {
      return javax.net.ssl.SSLContext.getDefault().getDefaultSSLParameters().getCipherSuites();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("no default TLS context", e);
    }
  }

  private static Method setSignatureSchemes() {
    try {
      return SSLParameters.class.getMethod("setSignatureSchemes", String[].class);
    } catch (NoSuchMethodException e) {
      return null;
    }
  }
}
