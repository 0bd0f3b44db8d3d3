package org.dane4j.jakartamail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import org.dane4j.smtp.MxRoute;
import org.dane4j.smtp.RouteTrustManager;

/**
 * The SSL socket factory Angus uses for STARTTLS on a DANE transport's connections. It wraps the plain
 * socket for the route being connected: the route's trust manager (recorded), SNI = the TLSA base domain
 * (checklist TLS-4), TLS 1.3/1.2 only (TLS-5), and no endpoint identification of its own (the DANE trust
 * manager checks names; Angus's own "LDAPS" setting has no effect on an {@code X509ExtendedTrustManager}).
 *
 * <p>Without a current route it refuses: it never wraps a socket with a default or accepting trust manager.
 */
final class RouteSocketFactory extends SSLSocketFactory {
  /** The TLS side of one connection attempt. */
  static final class Connection {
    final MxRoute route;
    final RouteTrustManager trustManager;
    volatile SSLSocket socket;

    Connection(MxRoute route) {
      this.route = route;
      this.trustManager = route.trustManager();
    }

    boolean tlsEstablished() {
      SSLSocket s = socket;
      return s != null && trustManager.accepted() && s.getSession().isValid()
          && RouteTrustManager.TLS_PROTOCOLS.contains(s.getSession().getProtocol());
    }
  }

  private volatile Connection current;

  void use(Connection connection) {
    this.current = connection;
  }

  Connection current() {
    return current;
  }

  @Override
  public Socket createSocket(Socket plain, String host, int port, boolean autoClose) throws IOException {
    Connection c = current;
    if (c == null) {
      throw new IOException("no DANE route is being connected; refusing to start TLS");
    }
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {c.trustManager}, null);
      String sni = c.route.tlsaBaseDomain();
      SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(plain, sni, port, autoClose);
      SSLParameters parameters = ssl.getSSLParameters();
      parameters.setServerNames(List.of(new SNIHostName(sni)));
      parameters.setProtocols(Arrays.stream(ssl.getSupportedProtocols())
          .filter(RouteTrustManager.TLS_PROTOCOLS::contains).toArray(String[]::new));
      parameters.setEndpointIdentificationAlgorithm(null);
      ssl.setSSLParameters(parameters);
      c.socket = ssl;
      return ssl;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS for " + c.route.mxHost() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    throw directTls();
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
    throw directTls();
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    throw directTls();
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    throw directTls();
  }

  @Override
  public String[] getDefaultCipherSuites() {
    return ((SSLSocketFactory) SSLSocketFactory.getDefault()).getDefaultCipherSuites();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return ((SSLSocketFactory) SSLSocketFactory.getDefault()).getSupportedCipherSuites();
  }

  private static IOException directTls() {
    return new IOException("DANE SMTP starts in cleartext and upgrades with STARTTLS (RFC 7672 §2.2); "
        + "implicit TLS (mail.smtp.ssl.enable) is not supported");
  }
}
