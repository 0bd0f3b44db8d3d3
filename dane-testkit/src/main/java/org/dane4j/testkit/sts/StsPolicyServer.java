package org.dane4j.testkit.sts;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.dane4j.testkit.CertificateMinter;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.dns.DnsZone;

/**
 * An MTA-STS policy host on a loopback address (RFC 8461 §3.3): HTTPS on {@code 127.0.0.x}, a certificate for
 * {@code mta-sts.<domain>} from a private CA, serving {@code /.well-known/mta-sts.txt}, with switchable
 * {@linkplain StsFault faults} (redirect, wrong or missing content type, oversize body, trickle, no response, 404,
 * 500, wrong-name, untrusted or expired certificate) — so that an MTA-STS client, ours or yours, can be tested
 * against every rule of the fetch.
 *
 * <pre>{@code
 * MintedCertificate ca = CertificateMinter.certificate().commonName("Test CA").ca().mint();
 * try (StsPolicyServer sts = StsPolicyServer.builder("example.test").issuer(ca).address("127.0.0.5")
 *     .policy(StsPolicyServer.policyText("enforce", 86400, "mx.example.test")).start()) {
 *   sts.publish(zone, "20260601");   // _mta-sts.example.test TXT "v=STSv1; id=20260601;" and the A record
 *   // point the client at the DNS world, trust ca (PEM) for the fetch, and use port sts.port()
 *   sts.fault(StsFault.REDIRECT);     // the next fetch must fail
 * }
 * }</pre>
 *
 * <p>The server speaks just enough HTTP/1.1: it reads one request (line and headers, at most 16 KiB), records it
 * ({@link #requests()}), answers with {@code Connection: close} and closes. Any path other than the policy's (and
 * the redirect target) gets 404. Each connection runs on its own daemon thread; {@link #close()} stops them. It
 * binds to one loopback address and a free port unless {@linkplain Builder#port a port} is given; a client under
 * test must be told that port, since binding 443 needs privileges.
 */
public final class StsPolicyServer implements AutoCloseable {
  /** The path of the policy (RFC 8461 §3.3). */
  public static final String POLICY_PATH = "/.well-known/mta-sts.txt";
  /** Where {@link StsFault#REDIRECT} points (it serves the policy too). */
  public static final String REDIRECT_PATH = "/.well-known/mta-sts-moved.txt";
  /** The size of the body under {@link StsFault#OVERSIZE} and {@link StsFault#OVERSIZE_CHUNKED}: 1 MiB. */
  public static final int OVERSIZE_BYTES = 1024 * 1024;
  private static final int MAX_REQUEST_BYTES = 16 * 1024;
  private static final int READ_TIMEOUT_MILLIS = 10_000;

  private final String domain;
  private final ServerSocket serverSocket;
  private final SSLContext good;
  private final SSLContext wrongName;
  private final SSLContext untrusted;
  private final SSLContext expired;
  private final Duration trickleDelay;
  private final Thread acceptor;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger failedHandshakes = new AtomicInteger();
  private volatile String policy;
  private volatile StsFault fault;
  private volatile boolean closed;

  /** One request the server read: the request target, the {@code Host} header and the SNI name sent. */
  public record Request(String method, String target, String host, String sniName) {}

  private StsPolicyServer(Builder b) throws IOException, GeneralSecurityException {
    this.domain = b.domain;
    this.policy = b.policy;
    this.fault = b.fault;
    this.trickleDelay = b.trickleDelay;
    String policyHost = "mta-sts." + domain;
    MintedCertificate leaf = b.certificate != null ? b.certificate
        : CertificateMinter.certificate().dnsNames(policyHost).issuer(b.issuer).mint();
    MintedCertificate otherName = CertificateMinter.certificate().dnsNames("www." + domain)
        .issuer(b.issuer).mint();
    MintedCertificate strangerCa = CertificateMinter.certificate().commonName("Untrusted STS test CA").ca().mint();
    MintedCertificate stranger = CertificateMinter.certificate().dnsNames(policyHost).issuer(strangerCa).mint();
    Instant now = Instant.now();
    MintedCertificate old = CertificateMinter.certificate().dnsNames(policyHost).issuer(b.issuer)
        .validity(now.minus(Duration.ofDays(60)), now.minus(Duration.ofDays(1))).mint();
    this.good = context(leaf);
    this.wrongName = context(otherName);
    this.untrusted = context(stranger);
    this.expired = context(old);
    this.serverSocket = new ServerSocket(b.port, 50, b.address);
    this.acceptor = new Thread(this::acceptLoop, "sts-policy-server-" + serverSocket.getLocalPort());
    this.acceptor.setDaemon(true);
    this.acceptor.start();
  }

  /** A builder for the policy host of {@code domain} (served as {@code mta-sts.<domain>}). */
  public static Builder builder(String domain) {
    return new Builder(domain);
  }

  /**
   * The text of a policy (RFC 8461 §3.2) with LF line ends: {@code version: STSv1}, the mode ({@code enforce},
   * {@code testing} or {@code none}), one {@code mx:} line per pattern, {@code max_age}.
   */
  public static String policyText(String mode, long maxAgeSeconds, String... mxPatterns) {
    StringBuilder text = new StringBuilder("version: STSv1\nmode: ").append(mode).append('\n');
    for (String mx : mxPatterns) {
      text.append("mx: ").append(mx).append('\n');
    }
    return text.append("max_age: ").append(maxAgeSeconds).append('\n').toString();
  }

  /** The address and port the server listens on. */
  public InetSocketAddress address() {
    return new InetSocketAddress(serverSocket.getInetAddress(), serverSocket.getLocalPort());
  }

  /** The port the server listens on. */
  public int port() {
    return serverSocket.getLocalPort();
  }

  /** The policy host name, {@code mta-sts.<domain>}. */
  public String policyHost() {
    return "mta-sts." + domain;
  }

  /** Serves {@code text} from now on (byte for byte, UTF-8). */
  public StsPolicyServer policy(String text) {
    this.policy = Objects.requireNonNull(text, "text");
    return this;
  }

  /** Shows {@code fault} on the connections accepted from now on; {@code null} for none. */
  public StsPolicyServer fault(StsFault fault) {
    this.fault = fault;
    return this;
  }

  /**
   * Publishes the domain's MTA-STS record and the policy host's address in {@code zone} (a zone of a
   * {@code DnsWorld} that holds both names): {@code _mta-sts.<domain> TXT "v=STSv1; id=<id>;"} and
   * {@code mta-sts.<domain> A <this server's address>}. Replaces an earlier TXT record there.
   */
  public StsPolicyServer publish(DnsZone zone, String id) {
    zone.remove("_mta-sts." + domain + ".", org.xbill.DNS.Type.TXT);
    zone.remove(policyHost() + ".", org.xbill.DNS.Type.A);
    zone.add("_mta-sts." + domain + ". 300 IN TXT \"v=STSv1; id=" + id + ";\"",
        policyHost() + ". 300 IN A " + serverSocket.getInetAddress().getHostAddress());
    return this;
  }

  /** The requests read so far, in order. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** TLS handshakes that failed (e.g. the client rejected the certificate). */
  public int failedHandshakes() {
    return failedHandshakes.get();
  }

  private static SSLContext context(MintedCertificate leaf) throws IOException, GeneralSecurityException {
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    keyStore.load(null, null);
    char[] password = "test".toCharArray();
    keyStore.setKeyEntry("server", leaf.privateKey(), password, leaf.chain().toArray(new Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keyStore, password);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, null);
    return context;
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket plain = serverSocket.accept();
        StsFault current = fault;
        Thread t = new Thread(() -> serve(plain, current), "sts-policy-connection");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        // closing, or one failed accept: go on until closed
      }
    }
  }

  private void serve(Socket plain, StsFault current) {
    open.add(plain);
    SSLContext context = current == StsFault.WRONG_NAME_CERTIFICATE ? wrongName
        : current == StsFault.UNTRUSTED_CERTIFICATE ? untrusted
        : current == StsFault.EXPIRED_CERTIFICATE ? expired : good;
    try (plain; SSLSocket socket = (SSLSocket) context.getSocketFactory()
        .createSocket(plain, plain.getInetAddress().getHostAddress(), plain.getPort(), true)) {
      socket.setUseClientMode(false);
      socket.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
      socket.setSoTimeout(READ_TIMEOUT_MILLIS);
      try {
        socket.startHandshake();
      } catch (IOException e) {
        failedHandshakes.incrementAndGet();
        return;
      }
      String sni = sniName(socket);
      String[] head = readHead(socket.getInputStream());
      if (head == null) {
        return;
      }
      requests.add(new Request(head[0], head[1], head[2], sni));
      respond(socket.getOutputStream(), head[1], current);
    } catch (IOException | InterruptedException e) {
      // the client went away or the server is closing
    } finally {
      open.remove(plain);
    }
  }

  private void respond(OutputStream out, String target, StsFault current)
      throws IOException, InterruptedException {
    String body = policy;
    boolean policyPath = POLICY_PATH.equals(target) || REDIRECT_PATH.equals(target) && current == StsFault.REDIRECT;
    if (current == StsFault.NO_RESPONSE) {
      while (!closed) {
        Thread.sleep(50);
      }
      return;
    }
    if (!policyPath || current == StsFault.NOT_FOUND) {
      write(out, head("404 Not Found", "text/plain", "9") + "not found", current);
    } else if (current == StsFault.SERVER_ERROR) {
      write(out, head("500 Internal Server Error", "text/plain", "6") + "broken", current);
    } else if (current == StsFault.REDIRECT && POLICY_PATH.equals(target)) {
      write(out, "HTTP/1.1 302 Found\r\nLocation: https://" + policyHost() + ":" + port() + REDIRECT_PATH
          + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", current);
    } else if (current == StsFault.OVERSIZE || current == StsFault.OVERSIZE_CHUNKED) {
      String big = oversize(body);
      if (current == StsFault.OVERSIZE) {
        write(out, head("200 OK", "text/plain", Integer.toString(big.length())) + big, current);
      } else {
        StringBuilder chunked = new StringBuilder(head("200 OK", "text/plain", null));
        for (int i = 0; i < big.length(); i += 4096) {
          String chunk = big.substring(i, Math.min(big.length(), i + 4096));
          chunked.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
        }
        write(out, chunked.append("0\r\n\r\n").toString(), current);
      }
    } else {
      String type = current == StsFault.WRONG_CONTENT_TYPE ? "text/html"
          : current == StsFault.NO_CONTENT_TYPE ? null : "text/plain; charset=utf-8";
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      write(out, head("200 OK", type, Integer.toString(bytes.length)), current);
      write(out, bytes, current);
    }
  }

  private static String oversize(String policy) {
    StringBuilder big = new StringBuilder(policy);
    for (int i = 0; big.length() < OVERSIZE_BYTES; i++) {
      big.append("x_padding").append(i).append(": ").append("0123456789".repeat(6)).append('\n');
    }
    big.setLength(OVERSIZE_BYTES);
    return big.toString();
  }

  private static String head(String status, String contentType, String contentLength) {
    return "HTTP/1.1 " + status + "\r\n"
        + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
        + (contentLength == null ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + contentLength + "\r\n")
        + "Cache-Control: max-age=600\r\nConnection: close\r\n\r\n";
  }

  private void write(OutputStream out, String text, StsFault current) throws IOException, InterruptedException {
    write(out, text.getBytes(StandardCharsets.UTF_8), current);
  }

  private void write(OutputStream out, byte[] bytes, StsFault current) throws IOException, InterruptedException {
    if (current != StsFault.TRICKLE) {
      out.write(bytes);
      out.flush();
      return;
    }
    for (byte b : bytes) {
      if (closed) {
        return;
      }
      out.write(b);
      out.flush();
      Thread.sleep(trickleDelay.toMillis());
    }
  }

  /** Reads the request line and headers; returns {method, target, host} or null. */
  private static String[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int state = 0;
    for (int c; (c = in.read()) >= 0; ) {
      head.write(c);
      if (head.size() > MAX_REQUEST_BYTES) {
        return null;
      }
      state = c == '\n' ? (state == 1 ? 2 : 1) : c == '\r' ? state : 0;
      if (state == 2) {
        break;
      }
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r?\n");
    String[] requestLine = lines[0].split(" ");
    if (requestLine.length != 3) {
      return null;
    }
    String host = "";
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0 && lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("host")) {
        host = lines[i].substring(colon + 1).trim();
      }
    }
    return new String[] {requestLine[0], requestLine[1], host};
  }

  private static String sniName(SSLSocket socket) {
    if (socket.getSession() instanceof ExtendedSSLSession extended) {
      for (SNIServerName name : extended.getRequestedServerNames()) {
        if (name instanceof SNIHostName host) {
          return host.getAsciiName();
        }
      }
    }
    return "";
  }

  /** Stops accepting, closes every open connection and waits for the acceptor (at most a second). */
  @Override
  public void close() {
    closed = true;
    try {
      serverSocket.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    try {
      acceptor.join(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "StsPolicyServer[" + policyHost() + " at " + address() + (fault == null ? "" : ", fault " + fault) + "]";
  }

  /** Settings of a {@link StsPolicyServer}; each is checked when set. */
  public static final class Builder {
    private final String domain;
    private InetAddress address = InetAddress.getLoopbackAddress();
    private int port;
    private MintedCertificate issuer;
    private MintedCertificate certificate;
    private String policy;
    private StsFault fault;
    private Duration trickleDelay = Duration.ofMillis(200);

    private Builder(String domain) {
      Objects.requireNonNull(domain, "domain");
      String d = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
      if (d.isEmpty() || !d.contains(".")) {
        throw new IllegalArgumentException("not a mail domain: \"" + domain + "\"");
      }
      this.domain = d.toLowerCase(Locale.ROOT);
    }

    /** The CA that issues the server's certificates (required unless {@link #certificate} is given). */
    public Builder issuer(MintedCertificate ca) {
      this.issuer = Objects.requireNonNull(ca, "ca");
      return this;
    }

    /** Present this certificate (its chain without the root) instead of minting one from the issuer. */
    public Builder certificate(MintedCertificate leaf) {
      this.certificate = Objects.requireNonNull(leaf, "leaf");
      return this;
    }

    /** A loopback address to bind, e.g. {@code "127.0.0.5"}; 127.0.0.1 by default. */
    public Builder address(String loopbackAddress) {
      try {
        InetAddress a = InetAddress.getByName(Objects.requireNonNull(loopbackAddress, "loopbackAddress"));
        if (!a.isLoopbackAddress()) {
          throw new IllegalArgumentException("not a loopback address: " + loopbackAddress);
        }
        this.address = a;
        return this;
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("not an address: " + loopbackAddress, e);
      }
    }

    /** The port to bind; a free one by default. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      this.port = port;
      return this;
    }

    /** The policy text to serve (required). */
    public Builder policy(String text) {
      this.policy = Objects.requireNonNull(text, "text");
      return this;
    }

    /** A fault from the start. */
    public Builder fault(StsFault fault) {
      this.fault = fault;
      return this;
    }

    /** The delay between two bytes under {@link StsFault#TRICKLE}; 200 ms by default. */
    public Builder trickleDelay(Duration delay) {
      if (delay.isNegative() || delay.isZero()) {
        throw new IllegalArgumentException("trickle delay must be positive: " + delay);
      }
      this.trickleDelay = delay;
      return this;
    }

    /** Starts the server. */
    public StsPolicyServer start() {
      if (issuer == null && certificate == null) {
        throw new IllegalStateException("set an issuer CA (or a certificate)");
      }
      if (issuer == null) {
        issuer = certificate.issuer() != null ? certificate.issuer()
            : CertificateMinter.certificate().commonName("STS test CA").ca().mint();
      }
      if (policy == null) {
        throw new IllegalStateException("set the policy text to serve");
      }
      try {
        return new StsPolicyServer(this);
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalStateException("cannot start the MTA-STS policy server for mta-sts." + domain, e);
      }
    }
  }
}
