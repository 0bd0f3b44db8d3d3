package org.dane4j.sts;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTPS GET of {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} (RFC 8461 §3.3), blocking, over a
 * plain {@link SSLSocket}, to addresses given by the caller.
 *
 * <p>Why not {@code java.net.http.HttpClient}: it resolves the host name itself, through the JVM's resolver, and
 * offers no way to connect to a chosen address while keeping the host name for SNI, certificate name check and
 * the {@code Host} header — short of JVM-wide hooks (an {@code InetAddressResolverProvider}, Java 18+, or the
 * {@code jdk.httpclient.allowRestrictedHeaders} system property to set {@code Host} on a URL with an IP
 * literal). dane4j resolves every name through its own {@code DaneResolver} and connects to the addresses it
 * got, and tests need the policy host on a loopback address; one GET with {@code Connection: close} over
 * HTTP/1.1 is small enough to do here, with each rule in view: TLS 1.2 or 1.3 only, SNI and JSSE's "HTTPS"
 * host-name check for the policy host, no redirect followed, no HTTP cache (none exists), status 200 only,
 * {@code text/plain}, a size cap and one overall deadline over connect, handshake and every read.
 */
final class PolicyFetcher {
  static final String PATH = "/.well-known/mta-sts.txt";

  private final Supplier<SSLSocketFactory> tls;
  private final int port;
  private final Duration timeout;
  private final int maxBytes;
  private final boolean lenientContentType;

  PolicyFetcher(Supplier<SSLSocketFactory> tls, int port, Duration timeout, int maxBytes, boolean lenientContentType) {
    this.tls = tls;
    this.port = port;
    this.timeout = timeout;
    this.maxBytes = maxBytes;
    this.lenientContentType = lenientContentType;
  }

  /** Fetches the policy body from the first address that accepts a connection. */
  String fetch(String policyHost, List<InetAddress> addresses) throws StsFetchException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> refused = new ArrayList<>();
    for (InetAddress address : addresses) {
      Socket plain = new Socket();
      try {
        plain.connect(new InetSocketAddress(address, port), remainingMillis(deadline, policyHost));
      } catch (SocketTimeoutException e) {
        close(plain);
        throw deadlinePassed(policyHost, e);
      } catch (IOException e) {
        close(plain);
        refused.add(address.getHostAddress() + ": " + e.getMessage());
        continue;
      }
      try (Socket s = plain) {
        return exchange(s, policyHost, deadline);
      } catch (SocketTimeoutException e) {
        throw deadlinePassed(policyHost, e);
      } catch (IOException e) {
        throw new StsFetchException(StsFailure.POLICY_FETCH_ERROR,
            "policy fetch from " + policyHost + " at " + address.getHostAddress() + " failed: " + e, e);
      }
    }
    throw new StsFetchException(StsFailure.POLICY_FETCH_ERROR,
        "cannot connect to " + policyHost + " port " + port + ": " + refused);
  }

  private String exchange(Socket plain, String policyHost, long deadline)
      throws IOException, StsFetchException {
    SSLSocketFactory factory;
    try {
      factory = tls.get(); // the first fetch reads the JDK's trust store
    } catch (IllegalStateException e) {
      throw new StsFetchException(StsFailure.POLICY_FETCH_ERROR, e.getMessage());
    }
    SSLSocket socket = (SSLSocket) factory.createSocket(plain, policyHost, port, true);
    SSLParameters params = socket.getSSLParameters();
    params.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
    params.setServerNames(List.of(new SNIHostName(policyHost)));
    params.setEndpointIdentificationAlgorithm("HTTPS");
    socket.setSSLParameters(params);
    socket.setSoTimeout(remainingMillis(deadline, policyHost));
    try {
      socket.startHandshake();
    } catch (SSLHandshakeException e) {
      if (hasCause(e, CertificateException.class)) {
        throw new StsFetchException(StsFailure.WEBPKI_INVALID, "the certificate of " + policyHost
            + " failed WebPKI validation for that name (RFC 8461 §3.3): " + e.getMessage(), e);
      }
      throw new StsFetchException(StsFailure.POLICY_FETCH_ERROR,
          "TLS handshake with " + policyHost + " failed (TLS 1.2 or newer required): " + e.getMessage(), e);
    }
    OutputStream out = socket.getOutputStream();
    String hostHeader = port == MtaSts.HTTPS_PORT ? policyHost : policyHost + ":" + port;
    out.write(("GET " + PATH + " HTTP/1.1\r\nHost: " + hostHeader + "\r\nUser-Agent: dane4j\r\n"
        + "Accept: text/plain\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    Input in = new Input(socket, deadline, policyHost);
    return read(in, policyHost);
  }

  private String read(Input in, String policyHost) throws IOException, StsFetchException {
    String statusLine = in.line();
    String[] status = statusLine.split(" ", 3);
    if (status.length < 2 || !status[0].startsWith("HTTP/1.") || !status[1].matches("[0-9]{3}")) {
      throw fetchError("not an HTTP/1.x status line from " + policyHost + ": \""
          + StsPolicy.printable(statusLine) + "\"");
    }
    int code = Integer.parseInt(status[1]);
    String contentType = null;
    String transferEncoding = null;
    long contentLength = -1;
    String location = null;
    for (String line; !(line = in.line()).isEmpty(); ) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw fetchError("malformed HTTP header line from " + policyHost + ": \"" + StsPolicy.printable(line) + "\"");
      }
      String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      switch (name) {
        case "content-type" -> contentType = value;
        case "transfer-encoding" -> transferEncoding = value.toLowerCase(Locale.ROOT);
        case "location" -> location = value;
        case "content-length" -> {
          if (!value.matches("[0-9]{1,18}") || contentLength >= 0 && contentLength != Long.parseLong(value)) {
            throw fetchError("bad Content-Length from " + policyHost + ": \"" + StsPolicy.printable(value) + "\"");
          }
          contentLength = Long.parseLong(value);
        }
        default -> { }
      }
    }
    if (code >= 300 && code < 400) {
      throw fetchError("HTTP " + code + " redirect from " + policyHost + PATH + (location == null ? ""
          : " to " + StsPolicy.printable(location)) + " not followed (RFC 8461 §3.3: redirects MUST NOT be followed)");
    }
    if (code != 200) {
      throw fetchError("HTTP " + code + " from " + policyHost + PATH + " (RFC 8461 §3.3: only 200 OK is a policy)");
    }
    if (!lenientContentType) {
      String media = contentType == null ? null
          : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
      if (!"text/plain".equals(media)) {
        throw new StsFetchException(StsFailure.POLICY_INVALID, "policy from " + policyHost + " has "
            + (contentType == null ? "no Content-Type" : "Content-Type \"" + StsPolicy.printable(contentType) + "\"")
            + ", not text/plain (RFC 8461 §3.3; MtaSts.Builder.lenientContentType to accept it)");
      }
    }
    byte[] body;
    if (transferEncoding != null && !transferEncoding.equals("identity")) {
      if (!transferEncoding.equals("chunked")) {
        throw fetchError("unsupported Transfer-Encoding \"" + StsPolicy.printable(transferEncoding) + "\" from "
            + policyHost);
      }
      body = chunked(in, policyHost);
    } else if (contentLength >= 0) {
      if (contentLength > maxBytes) {
        throw tooLarge(policyHost, "Content-Length " + contentLength);
      }
      body = in.bytes((int) contentLength, policyHost);
    } else {
      body = in.rest(maxBytes, () -> tooLarge(policyHost, "body"));
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
    } catch (CharacterCodingException e) {
      throw new StsFetchException(StsFailure.POLICY_INVALID, "policy from " + policyHost + " is not UTF-8 text", e);
    }
  }

  private byte[] chunked(Input in, String policyHost) throws IOException, StsFetchException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = in.line().split(";", 2)[0].trim();
      if (!sizeLine.matches("[0-9A-Fa-f]{1,7}")) {
        throw fetchError("bad chunk size from " + policyHost + ": \"" + StsPolicy.printable(sizeLine) + "\"");
      }
      int size = Integer.parseInt(sizeLine, 16);
      if (size == 0) {
        while (!in.line().isEmpty()) {
          // trailer fields are ignored
        }
        return body.toByteArray();
      }
      if ((long) body.size() + size > maxBytes) {
        throw tooLarge(policyHost, "chunked body");
      }
      body.write(in.bytes(size, policyHost));
      if (!in.line().isEmpty()) {
        throw fetchError("chunk from " + policyHost + " not followed by CRLF");
      }
    }
  }

  private StsFetchException tooLarge(String policyHost, String what) {
    return fetchError("policy " + what + " from " + policyHost + " exceeds the limit of " + maxBytes
        + " bytes (MtaSts.Builder.maxPolicyBytes, default MtaSts.DEFAULT_MAX_POLICY_BYTES)");
  }

  private static StsFetchException fetchError(String message) {
    return new StsFetchException(StsFailure.POLICY_FETCH_ERROR, message);
  }

  private StsFetchException deadlinePassed(String policyHost, Exception cause) {
    return new StsFetchException(StsFailure.POLICY_FETCH_ERROR, "policy fetch from " + policyHost
        + " did not finish within " + timeout.toMillis() + " ms (MtaSts.Builder.fetchTimeout, default"
        + " MtaSts.DEFAULT_FETCH_TIMEOUT)", cause);
  }

  private int remainingMillis(long deadline, String policyHost) throws SocketTimeoutException {
    long left = (deadline - System.nanoTime()) / 1_000_000;
    if (left <= 0) {
      throw new SocketTimeoutException("deadline passed");
    }
    return (int) Math.min(Integer.MAX_VALUE, left);
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> kind) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (kind.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // nothing to do
    }
  }

  /** Buffered reads, each under the remaining time of the overall deadline. */
  private final class Input {
    private final Socket socket;
    private final InputStream in;
    private final long deadline;
    private final String policyHost;
    private final byte[] buffer = new byte[8192];
    private int pos;
    private int end;
    private int headBytes;

    Input(Socket socket, long deadline, String policyHost) throws IOException {
      this.socket = socket;
      this.in = socket.getInputStream();
      this.deadline = deadline;
      this.policyHost = policyHost;
    }

    private boolean fill() throws IOException {
      if (pos < end) {
        return true;
      }
      socket.setSoTimeout(remainingMillis(deadline, policyHost));
      int n = in.read(buffer);
      if (System.nanoTime() - deadline > 0) {
        throw new SocketTimeoutException("deadline passed");
      }
      if (n < 0) {
        return false;
      }
      pos = 0;
      end = n;
      return true;
    }

    /** One line without its CRLF or LF; the status line, headers and chunk lines share one limit. */
    String line() throws IOException, StsFetchException {
      StringBuilder line = new StringBuilder();
      while (true) {
        if (!fill()) {
          throw fetchError("connection to " + policyHost + " closed in the middle of the response");
        }
        int c = buffer[pos++] & 0xff;
        if (++headBytes > MtaSts.MAX_RESPONSE_HEAD_BYTES) {
          throw fetchError("HTTP status line, headers and chunk lines from " + policyHost + " exceed "
              + MtaSts.MAX_RESPONSE_HEAD_BYTES + " bytes (MtaSts.MAX_RESPONSE_HEAD_BYTES)");
        }
        if (c == '\n') {
          int len = line.length();
          if (len > 0 && line.charAt(len - 1) == '\r') {
            line.setLength(len - 1);
          }
          return line.toString();
        }
        line.append((char) c);
      }
    }

    byte[] bytes(int count, String host) throws IOException, StsFetchException {
      byte[] out = new byte[count];
      for (int done = 0; done < count; ) {
        if (!fill()) {
          throw fetchError("connection to " + host + " closed after " + done + " of " + count + " body bytes");
        }
        int n = Math.min(count - done, end - pos);
        System.arraycopy(buffer, pos, out, done, n);
        pos += n;
        done += n;
      }
      return out;
    }

    byte[] rest(int limit, java.util.function.Supplier<StsFetchException> tooLarge)
        throws IOException, StsFetchException {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      while (fill()) {
        if (out.size() + (end - pos) > limit) {
          throw tooLarge.get();
        }
        out.write(buffer, pos, end - pos);
        pos = end;
      }
      return out.toByteArray();
    }
  }
}
