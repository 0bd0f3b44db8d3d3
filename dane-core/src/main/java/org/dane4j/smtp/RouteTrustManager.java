package org.dane4j.smtp;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;
import org.dane4j.tlsa.DaneCertificateException;
import org.dane4j.tlsa.DaneTrustManager;
import org.dane4j.tlsa.DaneVerification;

/**
 * The trust manager of one TLS session on a planned route, the one piece every adapter puts into its TLS
 * stack (Jakarta Mail, Netty, the CLI). Inside the handshake it refuses TLS older than 1.2 (RFC 7672 §8.1;
 * checklist TLS-5), then: on a DANE route, authenticates the server with a {@link DaneTrustManager} and
 * fails the handshake on a mismatch (TLS-2); on an ENCRYPT or OPPORTUNISTIC route, accepts the server
 * without authentication, as RFC 7672 §3.1.3 (no usable TLSA record) and RFC 7435 (opportunistic security)
 * prescribe; on an STS route ({@link TlsRequirement#STS}, MTA-STS {@code enforce}: RFC 8461 §4.2), validates the
 * chain by PKIX against the WebPKI trust and checks it is valid for the MX host name, failing the handshake
 * with an {@link StsCertificateException} that carries the RFC 8460 type. On an OPPORTUNISTIC route under an
 * MTA-STS {@code testing} policy it runs the same check but accepts the server anyway, keeping the failure for the
 * report ({@link #stsFailure()}: what {@code enforce} would have refused). It keeps the presented chain and the
 * DANE verification for the delivery report (OUT-1).
 *
 * <p><b>Warning:</b> it exists only for routes the planner made usable ({@link MxRoute#trustManager()});
 * an ENCRYPT/OPPORTUNISTIC one accepts any server chain by design, so never use it where DANE applies.
 * Use one instance per connection. It never authenticates clients.
 */
public final class RouteTrustManager extends X509ExtendedTrustManager {
  /** The TLS protocol versions a session may use (TLS-5). */
  public static final Set<String> TLS_PROTOCOLS = Set.copyOf(TlsRecipe.PROTOCOLS);
  private static final X509Certificate[] NONE = new X509Certificate[0];

  private final DaneTrustManager dane;
  private final StsCertificateCheck sts;
  private final boolean stsEnforce;
  private volatile StsCertificateException stsFailure;
  private volatile boolean stsVerified;
  private volatile List<X509Certificate> presented = List.of();
  private volatile DaneVerification verification;
  private volatile boolean accepted;

  RouteTrustManager(DaneTrustManager dane) {
    this(dane, null, false);
  }

  /**
   * @param sts the MTA-STS check of an STS route or of an opportunistic route under a testing policy, or null
   * @param stsEnforce whether a failed STS check fails the handshake (STS routes)
   */
  RouteTrustManager(DaneTrustManager dane, StsCertificateCheck sts, boolean stsEnforce) {
    if (dane != null && sts != null) {
      throw new IllegalArgumentException("DANE and MTA-STS never both apply to one route (RFC 8461 §2)");
    }
    this.dane = dane;
    this.sts = sts;
    this.stsEnforce = stsEnforce;
  }

  /** The DANE trust manager of a DANE route; empty for ENCRYPT and OPPORTUNISTIC routes. */
  public Optional<DaneTrustManager> dane() {
    return Optional.ofNullable(dane);
  }

  /** The DANE verification of the latest handshake (DANE routes). */
  public Optional<DaneVerification> verification() {
    return Optional.ofNullable(verification);
  }

  /** Whether the server's chain was accepted in the latest handshake. */
  public boolean accepted() {
    return accepted;
  }

  /**
   * Whether the server was authenticated in the latest handshake: by TLSA on a DANE route, by WebPKI and the MX
   * host name on an STS route (MTA-STS {@code enforce}).
   */
  public boolean authenticated() {
    if (sts != null) {
      return accepted && stsEnforce && stsVerified;
    }
    DaneVerification v = verification;
    return accepted && v != null && v.verified();
  }

  /**
   * The MTA-STS certificate check's failure in the latest handshake: on an STS route the reason the handshake
   * failed; on an opportunistic route under a {@code testing} policy what {@code enforce} would have refused.
   * Empty when the check passed or does not apply.
   */
  public Optional<StsCertificateException> stsFailure() {
    return Optional.ofNullable(stsFailure);
  }

  /** The chain the server presented in the latest handshake. */
  public List<X509Certificate> presentedChain() {
    return presented;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    if (socket instanceof SSLSocket ssl) {
      checkProtocol(ssl.getHandshakeSession());
    }
    decide(chain, authType, () -> dane.checkServerTrusted(chain, authType, socket));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    if (engine != null) {
      checkProtocol(engine.getHandshakeSession());
    }
    decide(chain, authType, () -> dane.checkServerTrusted(chain, authType, engine));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    decide(chain, authType, () -> dane.checkServerTrusted(chain, authType));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw refuseClient();
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw refuseClient();
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw refuseClient();
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return NONE;
  }

  private interface DaneCheck {
    void run() throws CertificateException;
  }

  private void decide(X509Certificate[] chain, String authType, DaneCheck check) throws CertificateException {
    presented = chain == null ? List.of() : List.of(chain.clone());
    if (sts != null) {
      try {
        sts.check(chain, authType);
        stsVerified = true;
        stsFailure = null;
      } catch (StsCertificateException e) {
        stsVerified = false;
        stsFailure = e;
        if (stsEnforce) {
          throw e;
        }
      }
      accepted = true;
      return;
    }
    if (dane == null) {
      accepted = true; // ENCRYPT / OPPORTUNISTIC: encryption without authentication
      return;
    }
    try {
      check.run();
      verification = dane.lastVerification().orElse(null);
      accepted = true;
    } catch (DaneCertificateException e) {
      verification = e.verification();
      throw e;
    }
  }

  static void checkProtocol(SSLSession handshake) throws CertificateException {
    if (handshake != null && !TLS_PROTOCOLS.contains(handshake.getProtocol())) {
      throw new CertificateException("TLS protocol " + handshake.getProtocol()
          + " refused: TLS 1.2 or newer is required (RFC 7672 §8.1)");
    }
  }

  private static CertificateException refuseClient() {
    return new CertificateException("an SMTP client's trust manager trusts no client");
  }
}
