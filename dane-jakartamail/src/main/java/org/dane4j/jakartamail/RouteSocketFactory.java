package org.dane4j.jakartamail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.SocketFactory;
import javax.net.ssl.TrustManager;
import jdk.net.ExtendedSocketOptions;
import org.dane4j.smtp.MxRoute;
import org.dane4j.smtp.RouteTrustManager;
import org.dane4j.smtp.ServerKeyType;
import org.dane4j.smtp.SmtpLimits;
import org.dane4j.smtp.TlsRecipe;
import org.dane4j.smtp.SmtpReplyGuard;
import org.dane4j.smtp.SmtpReplyGuard.GuardedSocket;

/**
 * The SSL socket factory Angus uses for STARTTLS on a DANE transport's connections. It wraps the plain
 * socket for the route being connected: the route's trust manager (recorded), SNI = the TLSA base domain
 * (checklist TLS-4), TLS 1.3/1.2 only (TLS-5), and no endpoint identification of its own (the DANE trust
 * manager checks names; Angus's own "LDAPS" setting has no effect on an {@code X509ExtendedTrustManager}).
 *
 * <p>Every reply Angus reads goes through an {@link SmtpReplyGuard} (checklist TLS-7): {@link #plain()} is the
 * plain socket factory of the same connections, whose sockets read through a guard; after STARTTLS the
 * handshake has its deadline ({@code mail.smtp.dane.handshake-timeout}, by default
 * {@link SmtpLimits#DEFAULT_HANDSHAKE_TIMEOUT}) and the TLS socket handed back
 * to Angus reads through a second guard. That TLS socket is not an {@code SSLSocket}, so Angus does not
 * touch its TLS settings: the handshake is done here.
 *
 * <p>Without a current route it refuses: it never wraps a socket with a default or accepting trust manager.
 */
final class RouteSocketFactory extends SSLSocketFactory {
  /** The sockets of one connection attempt. */
  static final class Connection {
    final MxRoute route;
    final TlsRecipe recipe;
    final RouteTrustManager trustManager;
    final SmtpLimits limits;
    /** The deadline of the whole TLS handshake after STARTTLS's 220 (TLS-7). */
    final Duration handshakeTimeout;
    /** TLS is mandatory on this connection: the route's requirement or the application's floor (TLS-8). */
    final boolean tlsRequired;
    /** AUTH may be sent without TLS (the application opted in). */
    final boolean cleartextAuthAllowed;
    volatile GuardedSocket plain;
    volatile SSLSocket socket;
    volatile GuardedSocket tls;

    Connection(MxRoute route, SmtpLimits limits, Duration handshakeTimeout, boolean tlsRequired,
        boolean cleartextAuthAllowed) {
      this(route, limits, handshakeTimeout, tlsRequired, cleartextAuthAllowed, null);
    }

    /** As above; a probe's {@code keyType} (else null) restricts the handshake to that key type (core). */
    Connection(MxRoute route, SmtpLimits limits, Duration handshakeTimeout, boolean tlsRequired,
        boolean cleartextAuthAllowed, ServerKeyType keyType) {
      this.route = route;
      TlsRecipe own = route.tlsRecipe(); // TLS-4, TLS-5: SNI, protocols, parameters, trust manager, from core
      this.recipe = keyType == null ? own : own.restrictedTo(keyType);
      this.trustManager = recipe.trustManager();
      this.limits = limits;
      this.handshakeTimeout = handshakeTimeout;
      this.tlsRequired = tlsRequired;
      this.cleartextAuthAllowed = cleartextAuthAllowed;
    }

    /** The guard replies are read through now: the TLS one after STARTTLS, else the plain one. */
    SmtpReplyGuard guard() {
      GuardedSocket s = tls != null ? tls : plain;
      return s == null ? null : s.guard();
    }

    boolean tlsEstablished() {
      SSLSocket s = socket;
      return s != null && trustManager.accepted() && s.getSession().isValid()
          && RouteTrustManager.TLS_PROTOCOLS.contains(s.getSession().getProtocol());
    }
  }

  private volatile Connection current;
  private final SocketFactory plain = new SocketFactory() {
    @Override
    public Socket createSocket() throws IOException {
      Connection c = current;
      if (c == null) {
        throw new IOException("no DANE route is being connected; refusing to open a connection");
      }
      GuardedSocket socket = SmtpReplyGuard.wrap(newSocket(), c.limits);
      c.plain = socket;
      return socket;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      throw connected();
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
      throw connected();
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      throw connected();
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
        throws IOException {
      throw connected();
    }

    private IOException connected() {
      return new IOException("DANE connections are opened unconnected, then connected by Angus");
    }
  };

  /** The plain socket factory for Angus's {@code mail.smtp.socketFactory}: sockets that read through a guard. */
  SocketFactory plain() {
    return plain;
  }

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
    GuardedSocket guarded = c.plain;
    if (guarded == null) {
      throw new IOException("the connection to " + c.route.mxHost() + " was not opened by DANE; refusing to start TLS");
    }
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {c.trustManager}, null);
      SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(plain,
          c.recipe.sniName().orElse(c.route.host()), port, autoClose);
      ssl.setSSLParameters(c.recipe.applyTo(ssl.getSSLParameters()));
      c.socket = ssl;
      guarded.guard().startTls(c.handshakeTimeout); // TLS-3: refuses bytes after the 220
      try {
        ssl.startHandshake();
      } catch (IOException | RuntimeException e) {
        closeQuietly(ssl);
        throw e;
      }
      guarded.guard().handshakeDone();
      // the server's session tickets are ACKed at once, not after 40 ms: the TLS socket reads its records
      // through this guard, so quick-ACK mode is set again after each of those reads (issue #17)
      Socket raw = guarded.delegate();
      quickAck(raw);
      guarded.guard().afterRead(() -> quickAck(raw));
      c.tls = SmtpReplyGuard.wrap(ssl, c.limits);
      return c.tls;
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

  /**
   * A new unconnected socket for one SMTP connection, relay mode and {@link DaneMailer} alike:
   * {@code TCP_NODELAY} (no Nagle delay on any command or on the TLS handshake's last flight) and quick ACKs.
   */
  static Socket newSocket() throws IOException {
    Socket raw = new Socket();
    raw.setTcpNoDelay(true); // issue #17: Angus writes each command on its own; none may wait for an ACK
    quickAck(raw);
    return raw;
  }

  /**
   * Linux's {@code TCP_QUICKACK} ({@link ExtendedSocketOptions#TCP_QUICKACK}) where the platform has it. After
   * a TLS 1.3 handshake a server such as Postfix (OpenSSL) sends its session tickets in one segment and its
   * reply to the next EHLO in another, which Nagle holds on the server until the tickets are acknowledged;
   * a client that delays its ACK (40 ms on Linux) then waits that long. The kernel leaves quick-ACK mode on
   * its own, so it is set when the socket is made, after the handshake and after every read of the TLS
   * records (setting it while an ACK is pending sends that ACK at once).
   */
  static void quickAck(Socket s) {
    try {
      if (s.supportedOptions().contains(ExtendedSocketOptions.TCP_QUICKACK)) {
        s.setOption(ExtendedSocketOptions.TCP_QUICKACK, true);
      }
    } catch (IOException | UnsupportedOperationException e) {
      // only a latency optimisation; the socket works without it
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // failing anyway
    }
  }

  private static IOException directTls() {
    return new IOException("DANE SMTP starts in cleartext and upgrades with STARTTLS (RFC 7672 §2.2); "
        + "implicit TLS (mail.smtp.ssl.enable) is not supported");
  }
}
