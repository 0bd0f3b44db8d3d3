package org.dane4j.smtp;

import java.util.List;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;

/**
 * The TLS side of one connection on a planned route, the same for every adapter (RFC 7672 §2.2, §3, §8.1;
 * checklist TLS-2, TLS-4, TLS-5), made by {@link MxRoute#tlsRecipe()}:
 *
 * <ul>
 *   <li>{@link #sniName()}: the TLSA base domain without a trailing dot (TLSA-4, TLS-4; on an STS route the MX
 *       host name, RFC 8461 §4.2), or none when the
 *       route's name is an IP address literal (RFC 6066 §3 allows no literal in SNI);</li>
 *   <li>{@link #protocols()}: TLSv1.3 and TLSv1.2 only (TLS-5; the trust manager refuses older ones inside
 *       the handshake as well);</li>
 *   <li>{@link #sslParameters()}: SNI, protocols, and no endpoint identification of the TLS stack itself,
 *       since the DANE trust manager does the name checks RFC 7672 asks for (DANE-TA only) and a host-name
 *       check would reject valid DANE-EE servers (TLS-4);</li>
 *   <li>{@link #trustManager()}: this connection's {@link RouteTrustManager} (DANE on a DANE route,
 *       unauthenticated on ENCRYPT and OPPORTUNISTIC), which records the verification for the report.</li>
 * </ul>
 *
 * <p>Use one recipe per connection (its trust manager records one handshake), and never resume a TLS session
 * from another connection unless both have the same {@link MxRoute#reuseKey reuse key} (TLS-6).
 */
public final class TlsRecipe {
  /** The TLS protocol versions a session may use, newest first (TLS-5). */
  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  private final String sniName;
  private final RouteTrustManager trustManager;
  private final ServerKeyType keyType;

  private TlsRecipe(String sniName, RouteTrustManager trustManager, ServerKeyType keyType) {
    this.sniName = sniName;
    this.trustManager = trustManager;
    this.keyType = keyType;
  }

  private TlsRecipe(MxRoute route) {
    // an STS route's certificate is checked against the MX host name (RFC 8461 §4.2): ask for that one
    String base = route.requirement() == TlsRequirement.STS ? route.mxHost() : route.tlsaBaseDomain();
    if (base.endsWith(".")) {
      base = base.substring(0, base.length() - 1);
    }
    this.sniName = isAddressLiteral(base) ? null : base;
    this.trustManager = route.trustManager();
    this.keyType = null;
  }

  /**
   * This recipe for a probe that asks the server for a certificate of one key type only
   * ({@link ServerKeyType}: per-handshake signature schemes on Java 19+, TLS 1.2 cipher suites on Java 17).
   * For probes (a checker judging every certificate a server holds), never for sending mail: the sender's
   * recipe offers every key type.
   *
   * @throws IllegalArgumentException when this JDK cannot ask for {@code keyType} alone
   *     ({@link ServerKeyType#probeable()})
   */
  public TlsRecipe restrictedTo(ServerKeyType keyType) {
    if (!ServerKeyType.probeable().contains(keyType)) {
      throw new IllegalArgumentException(keyType + " cannot be asked for alone on Java "
          + Runtime.version().feature() + "; probeable: " + ServerKeyType.probeable());
    }
    return new TlsRecipe(sniName, trustManager, keyType);
  }

  /** The key type a probe asks for ({@link #restrictedTo}); empty for the sender's recipe. */
  public Optional<ServerKeyType> keyType() {
    return Optional.ofNullable(keyType);
  }

  /** The recipe of one connection on {@code route} (see {@link MxRoute#tlsRecipe()}). */
  static TlsRecipe of(MxRoute route) {
    return new TlsRecipe(route);
  }

  /** The SNI name: the TLSA base domain without a trailing dot; empty for an IP address literal. */
  public Optional<String> sniName() {
    return Optional.ofNullable(sniName);
  }

  /** The protocols to enable, {@link #PROTOCOLS}. */
  public List<String> protocols() {
    return PROTOCOLS;
  }

  /** This connection's trust manager; put it, and nothing else, into the TLS stack. */
  public RouteTrustManager trustManager() {
    return trustManager;
  }

  /** New parameters with the recipe applied: SNI, protocols, endpoint identification off. */
  public SSLParameters sslParameters() {
    return applyTo(new SSLParameters());
  }

  /**
   * Applies the recipe to an engine's or socket's own parameters (so its cipher suites and other defaults
   * stay): SNI (or none), protocols, endpoint identification off; for a probe {@link #restrictedTo} a key
   * type, the signature schemes or cipher suites of that type.
   *
   * @return {@code parameters}
   */
  public SSLParameters applyTo(SSLParameters parameters) {
    parameters.setServerNames(sniName == null ? List.of() : List.of(new SNIHostName(sniName)));
    parameters.setProtocols(PROTOCOLS.toArray(new String[0]));
    parameters.setEndpointIdentificationAlgorithm(null);
    return keyType == null ? parameters : keyType.restrict(parameters);
  }

  private static boolean isAddressLiteral(String name) {
    return name.indexOf(':') >= 0 || name.startsWith("[") || name.chars().allMatch(c -> c == '.' || (c >= '0'
        && c <= '9'));
  }
}
