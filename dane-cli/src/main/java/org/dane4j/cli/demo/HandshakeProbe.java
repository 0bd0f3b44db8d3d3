package org.dane4j.cli.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.dane4j.tlsa.DaneCertificateException;
import org.dane4j.tlsa.DaneTrustManager;
import org.dane4j.tlsa.DaneVerification;

/**
 * One client connection as an RFC 7672 sender makes it: TLS 1.3 or 1.2, SNI = the TLSA base domain, the
 * JDK's host-name check off (the {@link DaneTrustManager} does the RFC 7672 name checks), and, only after a
 * successful handshake, the greeting read and one line sent.
 */
final class HandshakeProbe {
  /** The line the client sends over a verified connection. */
  static final String CLIENT_LINE = "EHLO client.demo.dane4j.test";
  private static final int TIMEOUT_MILLIS = 5_000;

  private HandshakeProbe() {}

  /**
   * The outcome of one connection.
   *
   * @param verification the trust manager's verdict; empty if the handshake broke before it
   * @param protocol the negotiated TLS version, or "" when the handshake failed
   * @param greeting the server's first line, or "" when the handshake failed
   * @param refusal the DANE refusal that aborted the handshake, if that is what happened
   * @param error any other I/O failure, e.g. a timeout
   */
  record Outcome(Optional<DaneVerification> verification, String protocol, String greeting,
      Optional<DaneCertificateException> refusal, Optional<IOException> error) {}

  static Outcome connect(InetSocketAddress server, String sniName, DaneTrustManager trustManager) {
    // A fresh SSLContext per connection: a resumed session would skip the trust manager.
    try (SSLSocket socket = (SSLSocket) context(trustManager).getSocketFactory().createSocket()) {
      socket.connect(server, TIMEOUT_MILLIS);
      socket.setSoTimeout(TIMEOUT_MILLIS);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
      parameters.setServerNames(List.of(new SNIHostName(sniName)));
      parameters.setEndpointIdentificationAlgorithm(null);
      socket.setSSLParameters(parameters);
      try {
        socket.startHandshake();
      } catch (IOException e) {
        return new Outcome(trustManager.lastVerification(), "", "", refusal(e), Optional.of(e));
      }
      BufferedReader in = new BufferedReader(
          new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      String greeting = in.readLine();
      OutputStream out = socket.getOutputStream();
      out.write((CLIENT_LINE + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new Outcome(trustManager.lastVerification(), socket.getSession().getProtocol(),
          greeting == null ? "" : greeting, Optional.empty(), Optional.empty());
    } catch (IOException e) {
      return new Outcome(trustManager.lastVerification(), "", "", Optional.empty(), Optional.of(e));
    }
  }

  private static SSLContext context(DaneTrustManager trustManager) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {trustManager}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no TLS", e);
    }
  }

  /** The JDK wraps the trust manager's exception in the handshake exception's causes. */
  private static Optional<DaneCertificateException> refusal(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof DaneCertificateException dane) {
        return Optional.of(dane);
      }
    }
    return Optional.empty();
  }
}
