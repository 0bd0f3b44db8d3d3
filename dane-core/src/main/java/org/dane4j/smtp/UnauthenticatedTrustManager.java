package org.dane4j.smtp;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The trust manager of ENCRYPT and OPPORTUNISTIC routes: the session is encrypted but the server is not
 * authenticated, which is what RFC 7672 §3.1.3 (no usable TLSA record: "TLS ... without authentication")
 * and RFC 7435 (opportunistic security) prescribe for such hosts. Any server chain is accepted; it is
 * kept for reporting.
 *
 * <p><b>Warning:</b> obtain it only from {@link MxRoute#trustManager()}, which gives it for ENCRYPT and
 * OPPORTUNISTIC routes alone; a DANE route always gets a {@link org.dane4j.tlsa.DaneTrustManager}. It
 * never authenticates clients.
 */
public final class UnauthenticatedTrustManager extends X509ExtendedTrustManager {
  private static final X509Certificate[] NONE = new X509Certificate[0];
  private volatile List<X509Certificate> presented = List.of();

  UnauthenticatedTrustManager() {}

  /** The chain the server presented in the latest handshake. */
  public List<X509Certificate> presentedChain() {
    return presented;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
    record(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    record(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) {
    record(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    refuseClient();
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    refuseClient();
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    refuseClient();
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return NONE;
  }

  private void record(X509Certificate[] chain) {
    presented = chain == null ? List.of() : List.of(chain.clone());
  }

  private static void refuseClient() throws CertificateException {
    throw new CertificateException("an SMTP client's trust manager trusts no client");
  }
}
