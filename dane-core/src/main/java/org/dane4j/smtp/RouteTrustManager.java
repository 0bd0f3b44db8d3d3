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
 * prescribe. It keeps the presented chain and the DANE verification for the delivery report (OUT-1).
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
  private volatile List<X509Certificate> presented = List.of();
  private volatile DaneVerification verification;
  private volatile boolean accepted;

  RouteTrustManager(DaneTrustManager dane) {
    this.dane = dane;
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

  /** Whether the server was authenticated by TLSA in the latest handshake. */
  public boolean authenticated() {
    DaneVerification v = verification;
    return accepted && v != null && v.verified();
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
    decide(chain, () -> dane.checkServerTrusted(chain, authType, socket));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    if (engine != null) {
      checkProtocol(engine.getHandshakeSession());
    }
    decide(chain, () -> dane.checkServerTrusted(chain, authType, engine));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    decide(chain, () -> dane.checkServerTrusted(chain, authType));
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

  private void decide(X509Certificate[] chain, DaneCheck check) throws CertificateException {
    presented = chain == null ? List.of() : List.of(chain.clone());
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
