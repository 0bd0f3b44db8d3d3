package org.dane4j.jakartamail;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;
import org.dane4j.tlsa.DaneCertificateException;
import org.dane4j.tlsa.DaneTrustManager;
import org.dane4j.tlsa.DaneVerification;

/**
 * Wraps a route's trust manager for one connection: refuses TLS older than 1.2 inside the handshake
 * (checklist TLS-5), then lets the route's trust manager decide (TLS-2), and keeps the DANE verification
 * for the delivery report (OUT-1).
 */
final class RecordingTrustManager extends X509ExtendedTrustManager {
  static final Set<String> ALLOWED_PROTOCOLS = Set.of("TLSv1.3", "TLSv1.2");

  private final X509ExtendedTrustManager route;
  private volatile DaneVerification verification;
  private volatile boolean accepted;

  RecordingTrustManager(X509ExtendedTrustManager route) {
    this.route = route;
  }

  DaneVerification verification() {
    return verification;
  }

  boolean accepted() {
    return accepted;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    if (socket instanceof SSLSocket ssl) {
      checkProtocol(ssl.getHandshakeSession());
    }
    decide(() -> route.checkServerTrusted(chain, authType, socket));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    if (engine != null) {
      checkProtocol(engine.getHandshakeSession());
    }
    decide(() -> route.checkServerTrusted(chain, authType, engine));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    decide(() -> route.checkServerTrusted(chain, authType));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    route.checkClientTrusted(chain, authType, socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    route.checkClientTrusted(chain, authType, engine);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    route.checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return route.getAcceptedIssuers();
  }

  private interface Check {
    void run() throws CertificateException;
  }

  private void decide(Check check) throws CertificateException {
    try {
      check.run();
      if (route instanceof DaneTrustManager dane) {
        verification = dane.lastVerification().orElse(null);
      }
      accepted = true;
    } catch (DaneCertificateException e) {
      verification = e.verification();
      throw e;
    }
  }

  private static void checkProtocol(SSLSession handshake) throws CertificateException {
    if (handshake != null && !ALLOWED_PROTOCOLS.contains(handshake.getProtocol())) {
      throw new CertificateException("TLS protocol " + handshake.getProtocol()
          + " refused: TLS 1.2 or newer is required (RFC 7672 §8.1)");
    }
  }
}
