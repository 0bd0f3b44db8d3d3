package org.dane4j.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * A TLS server on a loopback port that presents a chosen certificate chain, for handshake tests. Each
 * connection gets a greeting line after the handshake; everything the client sends afterwards is recorded,
 * so a test can prove that nothing reached the server over a failed handshake. One connection at a time.
 *
 * <pre>{@code
 * try (TlsTestServer server = TlsTestServer.start(leaf)) {
 *   // connect to server.address() with the trust manager under test
 * }
 * }</pre>
 */
public final class TlsTestServer implements AutoCloseable {
  private static final int READ_TIMEOUT_MILLIS = 5_000;

  private final SSLServerSocket serverSocket;
  private final Thread acceptor;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private final AtomicInteger handshakes = new AtomicInteger();
  private final AtomicInteger failedHandshakes = new AtomicInteger();
  private final List<String> sniNames = new CopyOnWriteArrayList<>();

  private TlsTestServer(SSLServerSocket serverSocket) {
    this.serverSocket = serverSocket;
    this.acceptor = new Thread(this::acceptLoop, "tls-test-server-" + serverSocket.getLocalPort());
    this.acceptor.setDaemon(true);
    this.acceptor.start();
  }

  /** Starts a server on 127.0.0.1 presenting {@code leaf}'s chain (without the self-signed root). */
  public static TlsTestServer start(MintedCertificate leaf) {
    return start(leaf, leaf.chain());
  }

  /** Starts a server on 127.0.0.1 presenting exactly {@code chain}, signed for with {@code leaf}'s key. */
  public static TlsTestServer start(MintedCertificate leaf, List<X509Certificate> chain) {
    Objects.requireNonNull(leaf, "leaf");
    try {
      KeyStore keyStore = KeyStore.getInstance("PKCS12");
      keyStore.load(null, null);
      char[] password = "test".toCharArray();
      keyStore.setKeyEntry("server", leaf.privateKey(), password, chain.toArray(new Certificate[0]));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keyStore, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, null);
      SSLServerSocket socket = (SSLServerSocket) context.getServerSocketFactory()
          .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
      socket.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
      return new TlsTestServer(socket);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot start TLS test server", e);
    }
  }

  /** The loopback address and port the server listens on. */
  public InetSocketAddress address() {
    return new InetSocketAddress(serverSocket.getInetAddress(), serverSocket.getLocalPort());
  }

  /** The port the server listens on. */
  public int port() {
    return serverSocket.getLocalPort();
  }

  /** Application bytes received from clients over completed handshakes, as ISO-8859-1 text. */
  public String received() {
    synchronized (received) {
      return received.toString(StandardCharsets.ISO_8859_1);
    }
  }

  /** Handshakes that completed. */
  public int handshakes() {
    return handshakes.get();
  }

  /** Handshakes that failed (e.g. the client's trust manager rejected the chain). */
  public int failedHandshakes() {
    return failedHandshakes.get();
  }

  /** The SNI host names clients sent, one entry per completed handshake ("" when none was sent). */
  public List<String> sniNames() {
    return List.copyOf(sniNames);
  }

  private void acceptLoop() {
    while (!serverSocket.isClosed()) {
      try (SSLSocket socket = (SSLSocket) serverSocket.accept()) {
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        serve(socket);
      } catch (IOException e) {
        // the client went away or the server is closing; serve the next client
      }
    }
  }

  private void serve(SSLSocket socket) throws IOException {
    try {
      socket.startHandshake();
    } catch (IOException e) {
      failedHandshakes.incrementAndGet();
      return;
    }
    handshakes.incrementAndGet();
    sniNames.add(sniName(socket.getSession()));
    OutputStream out = socket.getOutputStream();
    out.write("220 tls-test-server ready\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[4096];
    try {
      for (int n; (n = in.read(buffer)) > 0; ) {
        synchronized (received) {
          received.write(buffer, 0, n);
        }
      }
    } catch (SocketTimeoutException e) {
      // an idle client: stop reading
    }
  }

  private static String sniName(SSLSession session) {
    if (session instanceof javax.net.ssl.ExtendedSSLSession extended) {
      for (SNIServerName name : extended.getRequestedServerNames()) {
        if (name instanceof SNIHostName host) {
          return host.getAsciiName();
        }
      }
    }
    return "";
  }

  @Override
  public void close() {
    try {
      serverSocket.close();
      acceptor.join(READ_TIMEOUT_MILLIS);
    } catch (IOException e) {
      // closing anyway
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
