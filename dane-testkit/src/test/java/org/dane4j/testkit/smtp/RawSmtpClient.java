package org.dane4j.testkit.smtp;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A deliberately small SMTP client on a plain socket, for driving the test server byte by byte. Replies are read
 * one byte at a time so that nothing after a reply is consumed (what follows the 220 to STARTTLS stays in the
 * socket for the TLS layer, or for {@link #readOnce()}).
 */
final class RawSmtpClient implements AutoCloseable {
  private final InetSocketAddress address;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  private RawSmtpClient(InetSocketAddress address, Socket socket) throws IOException {
    this.address = address;
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  static RawSmtpClient connect(InetSocketAddress address) throws IOException {
    return connect(address, Duration.ofSeconds(3));
  }

  static RawSmtpClient connect(InetSocketAddress address, Duration readTimeout) throws IOException {
    Socket socket = new Socket();
    socket.connect(address, 2_000);
    socket.setSoTimeout((int) readTimeout.toMillis());
    socket.setTcpNoDelay(true);
    return new RawSmtpClient(address, socket);
  }

  /** An SSL context trusting only {@code root} (PKIX, no host-name check: fine for these tests only). */
  static SSLContext trusting(X509Certificate root) throws GeneralSecurityException, IOException {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("root", root);
    TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }

  /** Sends {@code line} with CRLF and returns the whole reply. */
  String command(String line) throws IOException {
    send(line + "\r\n");
    return readReply();
  }

  /** Sends raw text in one write. */
  void send(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** Reads one complete (possibly multi-line) reply, with its CRLFs. */
  String readReply() throws IOException {
    StringBuilder reply = new StringBuilder();
    while (true) {
      String line = readLine();
      reply.append(line);
      if (line.length() < 6 || line.charAt(3) != '-') {
        return reply.toString();
      }
    }
  }

  /** One read() on the socket: whatever bytes arrived together. */
  String readOnce() throws IOException {
    byte[] buffer = new byte[4096];
    int n = in.read(buffer);
    if (n < 0) {
      throw new EOFException("closed by the server");
    }
    return new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
  }

  /** -1 when the server closed the connection, else the next byte. */
  int read() throws IOException {
    return in.read();
  }

  /** Wraps the socket in TLS (client mode, SNI {@code sniName}) and runs the handshake. */
  SSLSession startTls(SSLContext context, String sniName) throws IOException {
    SSLSocket ssl = (SSLSocket) context.getSocketFactory()
        .createSocket(socket, address.getAddress().getHostAddress(), address.getPort(), true);
    ssl.setUseClientMode(true);
    SSLParameters parameters = ssl.getSSLParameters();
    parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
    if (sniName != null) {
      parameters.setServerNames(List.of(new SNIHostName(sniName)));
    }
    ssl.setSSLParameters(parameters);
    ssl.startHandshake();
    socket = ssl;
    in = ssl.getInputStream();
    out = ssl.getOutputStream();
    return ssl.getSession();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("closed by the server after \"" + line.toString(StandardCharsets.ISO_8859_1) + "\"");
      }
      line.write(b);
      if (b == '\n') {
        return line.toString(StandardCharsets.ISO_8859_1);
      }
    }
  }
}
