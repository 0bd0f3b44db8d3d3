package org.dane4j.testkit.smtp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.StandardConstants;
import org.dane4j.testkit.CertificateMinter;
import org.dane4j.testkit.MintedCertificate;

/**
 * A receiving SMTP server on a loopback address, with STARTTLS and switchable faults, for end-to-end tests of
 * SMTP clients: it records every byte each client sent, split into what crossed the wire unprotected and what
 * came inside TLS, so that a test can prove that no byte of a message was sent in cleartext.
 *
 * <pre>{@code
 * try (SmtpTestServer server = SmtpTestServer.builder()
 *     .address("127.0.0.2").hostname("mx.example.test")
 *     .certificate(leaf)
 *     .replyTo("RCPT", "550 5.1.1 no such user")
 *     .start()) {
 *   // deliver to server.address() with the client under test, then
 *   server.awaitConnectionsClosed(1, Duration.ofSeconds(2));
 *   assertThat(server.cleartextBytes()).doesNotContain("MAIL FROM");
 *   assertThat(server.messages()).isEmpty();
 * }
 * }</pre>
 *
 * <p>What it speaks (RFC 5321, RFC 3207, RFC 2920): the 220 greeting; EHLO (PIPELINING unless
 * {@linkplain Builder#pipelining(boolean) switched off}, SIZE, 8BITMIME,
 * ENHANCEDSTATUSCODES, STARTTLS outside TLS, and AUTH PLAIN LOGIN when {@linkplain Builder#authUser users}
 * are configured) and HELO; AUTH (RFC 4954: PLAIN and LOGIN, inside TLS only unless
 * {@linkplain Builder#authWithoutTls() allowed}); MAIL FROM (SIZE and BODY parameters), RCPT TO (at
 * most 100 recipients), DATA (dot-unstuffed, at most 10 MiB), RSET, NOOP, QUIT; STARTTLS,
 * after which the server runs a TLS 1.2/1.3 handshake presenting the configured chain, records the SNI name the
 * client sent, discards any plaintext the client pipelined after STARTTLS, and forgets the session state (the
 * client must EHLO again; MAIL before that gets 503). Commands out of sequence get 503, unknown commands 500,
 * lines longer than 1000 bytes 500. Pipelined commands are answered in order.
 *
 * <p>For an application's own tests, the server can also listen on an address and port of the test's choice
 * ({@link Builder#address(InetAddress)}, {@link Builder#port(int)}), present the application's certificate
 * and key from PEM files ({@link Builder#certificate(java.nio.file.Path, java.nio.file.Path)}), and ask for
 * SMTP AUTH ({@link Builder#authUser(String, String)}), recording who authenticated
 * ({@link ReceivedMessage#authenticatedUser()}, {@link SmtpConnection#authenticatedUser()}).
 *
 * <p>Each connection runs on its own daemon thread; {@link #close()} stops them all within a second. Connections
 * idle for longer than the {@linkplain Builder#idleTimeout(Duration) idle timeout} (30 s) are closed.
 */
public final class SmtpTestServer implements AutoCloseable {
  /**
   * The most bytes one reply of {@link SmtpFault#ENDLESS_REPLY} or {@link SmtpFault#ENDLESS_LINE} writes before
   * the server gives up and closes (16 MiB): enough to prove a client bounds replies, not enough to exhaust the
   * test JVM's heap when it does not.
   */
  public static final long MAX_FLOOD = 16L * 1024 * 1024;
  private static final Duration CLOSE_WAIT = Duration.ofMillis(900);
  private static final Pattern VERB = Pattern.compile("[A-Z][A-Z0-9-]*|\\.");
  private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
  private static final Pattern REPLY_LINE = Pattern.compile("[2-5][0-9][0-9]([ -][^\r\n]*)?");

  private final ServerSocket serverSocket;
  private final InetSocketAddress address;
  private final String hostname;
  private final String greeting;
  private final String injection;
  private final Duration replyDelay;
  private final Duration trickleInterval;
  private final Duration idleTimeout;
  private final boolean smtputf8;
  private final boolean requireTls;
  private final boolean pipelining;
  private final boolean dataWithoutRecipients;
  private final Map<String, String> recipientReplies;
  private final Map<String, String> authUsers;
  private final boolean authWithoutTls;
  private final List<String> mailCommands = new ArrayList<>();            // guarded by lock
  private final String[] tlsProtocols;
  private final MintedCertificate certificate;
  private final List<X509Certificate> chain;
  private final SSLContext sslContext;
  private final Map<String, Script> scripts = new ConcurrentHashMap<>();
  private final List<ReceivedMessage> messages = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();
  private final List<ConnectionRecord> records = new ArrayList<>();            // guarded by lock
  private final Map<SmtpSession, Thread> sessions = new LinkedHashMap<>();     // guarded by lock
  private final Thread acceptor;
  private volatile Set<SmtpFault> faults;
  private boolean closed;                                                      // guarded by lock
  private String holdVerb;                                                     // guarded by lock
  private int held;                                                            // guarded by lock

  private SmtpTestServer(Builder builder, ServerSocket serverSocket, MintedCertificate certificate,
      List<X509Certificate> chain, SSLContext sslContext) {
    this.serverSocket = serverSocket;
    this.address = new InetSocketAddress(serverSocket.getInetAddress(), serverSocket.getLocalPort());
    this.hostname = builder.hostname;
    this.greeting = builder.greeting != null ? builder.greeting : "220 " + hostname + " ESMTP dane4j-testkit";
    this.injection = builder.injection;
    this.replyDelay = builder.replyDelay;
    this.trickleInterval = builder.trickleInterval;
    this.idleTimeout = builder.idleTimeout;
    this.smtputf8 = builder.smtputf8;
    this.requireTls = builder.requireTls;
    this.pipelining = builder.pipelining;
    this.dataWithoutRecipients = builder.dataWithoutRecipients;
    this.recipientReplies = Map.copyOf(builder.recipientReplies);
    this.authUsers = Map.copyOf(builder.authUsers);
    this.authWithoutTls = builder.authWithoutTls;
    this.tlsProtocols = builder.tlsProtocols.clone();
    this.certificate = certificate;
    this.chain = List.copyOf(chain);
    this.sslContext = sslContext;
    this.scripts.putAll(builder.scripts);
    this.faults = Collections.unmodifiableSet(EnumSet.copyOf(builder.faults));
    this.acceptor = new Thread(this::acceptLoop, "smtp-test-server-" + address.getAddress().getHostAddress()
        + "-" + address.getPort());
    this.acceptor.setDaemon(true);
    this.acceptor.start();
  }

  /** Starts the settings of a new server: 127.0.0.1, an ephemeral port, host name {@code mx.example.test}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The address and port the server listens on: the configured address (127.0.0.1 by default; the wildcard
   * address when the server was bound to it) and the configured or ephemeral port.
   */
  public InetSocketAddress address() {
    return address;
  }

  /** The port the server listens on. */
  public int port() {
    return address.getPort();
  }

  /** The host name the server gives in its greeting and EHLO reply. */
  public String hostname() {
    return hostname;
  }

  /**
   * The certificate whose key signs the handshakes: the configured leaf, or a self-signed certificate minted
   * for {@link #hostname()} when none was configured.
   */
  public MintedCertificate certificate() {
    return certificate;
  }

  /** The chain the server presents in its TLS handshakes, exactly as configured. */
  public List<X509Certificate> chain() {
    return chain;
  }

  /** The messages accepted so far (2xx to the end of data), in order, over all connections. */
  public List<ReceivedMessage> messages() {
    return List.copyOf(messages);
  }

  /**
   * Every byte clients sent before TLS was established, over all connections in the order they were accepted,
   * as ISO-8859-1 text (one char per byte): the plaintext SMTP dialogue, plaintext pipelined after STARTTLS, and
   * the raw records of TLS handshakes (or whatever a client sent instead). See {@link SmtpConnection}.
   */
  public String cleartextBytes() {
    StringBuilder all = new StringBuilder();
    connections().forEach(c -> all.append(c.cleartextBytes()));
    return all.toString();
  }

  /** Every application byte clients sent inside established TLS sessions (decrypted), over all connections. */
  public String tlsBytes() {
    StringBuilder all = new StringBuilder();
    connections().forEach(c -> all.append(c.tlsBytes()));
    return all.toString();
  }

  /** A snapshot of every connection accepted so far, in the order accepted. */
  public List<SmtpConnection> connections() {
    List<ConnectionRecord> copy;
    synchronized (lock) {
      copy = new ArrayList<>(records);
    }
    List<SmtpConnection> snapshots = new ArrayList<>(copy.size());
    copy.forEach(r -> snapshots.add(r.snapshot()));
    return Collections.unmodifiableList(snapshots);
  }

  /** The number of connections accepted so far. */
  public int connectionCount() {
    synchronized (lock) {
      return records.size();
    }
  }

  /** The number of TLS handshakes that completed. */
  public int handshakesCompleted() {
    return (int) recordsNow().stream().filter(ConnectionRecord::tlsEstablished).count();
  }

  /** The number of TLS handshakes that failed (including those failed by {@link SmtpFault#HANDSHAKE_FAIL}). */
  public int handshakesFailed() {
    return (int) recordsNow().stream().filter(ConnectionRecord::handshakeFailed).count();
  }

  /** The number of connections on which {@code fault} changed what the server did. */
  public int firedCount(SmtpFault fault) {
    Objects.requireNonNull(fault, "fault");
    return (int) recordsNow().stream().filter(r -> r.hasFired(fault)).count();
  }

  /**
   * Waits until the server has finished with every connection accepted so far (the client or the server closed
   * it and the session thread ended). A connection the client opened but the server has not accepted yet is
   * not waited for: use {@link #awaitConnectionsClosed(int, Duration)} when the count is known.
   *
   * @return whether that happened within {@code timeout}
   */
  public boolean awaitConnectionsClosed(Duration timeout) throws InterruptedException {
    return awaitConnectionsClosed(0, timeout);
  }

  /**
   * Waits until at least {@code connections} connections have been accepted and the server has finished with
   * every one.
   *
   * @return whether that happened within {@code timeout}
   */
  public boolean awaitConnectionsClosed(int connections, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (records.size() < connections || !sessions.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        lock.wait(Math.max(1, left / 1_000_000));
      }
      return true;
    }
  }

  /** The faults switched on now. */
  public Set<SmtpFault> faults() {
    return faults;
  }

  /** Replaces the faults switched on; open connections see the change from their next command. */
  public void setFaults(SmtpFault... faults) {
    EnumSet<SmtpFault> set = EnumSet.noneOf(SmtpFault.class);
    for (SmtpFault fault : faults) {
      set.add(Objects.requireNonNull(fault, "fault"));
    }
    this.faults = Collections.unmodifiableSet(set);
  }

  /** As {@link Builder#replyTo(String, String)}, from the next command of every connection. */
  public void replyTo(String verb, String reply) {
    scripts.put(verb(verb), Script.reply(reply(reply)));
  }

  /** As {@link Builder#neverReplyTo(String)}, from the next command of every connection. */
  public void neverReplyTo(String verb) {
    scripts.put(verb(verb), Script.SILENT);
  }

  /**
   * Holds the reply to every command with verb {@code verb} ({@code "."}: the end of the message data) until
   * {@link #releaseHeld()}: the session stops there, neither replying nor reading, and then goes on as if
   * nothing had happened. For keeping many sessions in flight at a known point, e.g. to measure a client's
   * memory; {@link #heldCount()} says how many are waiting. Replaces an earlier hold.
   */
  public void holdRepliesTo(String verb) {
    String normal = verb(verb);
    synchronized (lock) {
      holdVerb = normal;
      lock.notifyAll();
    }
  }

  /** Ends the hold of {@link #holdRepliesTo(String)}: every held session replies and goes on. */
  public void releaseHeld() {
    synchronized (lock) {
      holdVerb = null;
      lock.notifyAll();
    }
  }

  /** The number of sessions waiting now at the verb given to {@link #holdRepliesTo(String)}. */
  public int heldCount() {
    synchronized (lock) {
      return held;
    }
  }

  /** Removes every scripted reply and silence, from the next command of every connection. */
  public void clearReplies() {
    scripts.clear();
  }

  /**
   * Stops listening, closes every connection (without a TLS close_notify) and ends the server's threads, within
   * about a second. What was recorded stays readable.
   */
  @Override
  public void close() {
    List<Thread> threads = new ArrayList<>();
    synchronized (lock) {
      closed = true;
      sessions.forEach((session, thread) -> {
        session.abort();
        thread.interrupt();
        threads.add(thread);
      });
    }
    try {
      serverSocket.close();
    } catch (IOException e) {
      // closing anyway
    }
    long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
    threads.add(acceptor);
    for (Thread thread : threads) {
      try {
        thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public String toString() {
    return "SmtpTestServer[" + hostname + " at " + address + ", faults " + faults + "]";
  }

  // ---- used by the sessions

  boolean hasFault(SmtpFault fault) {
    return faults.contains(fault);
  }

  String greeting() {
    return greeting;
  }

  String injection() {
    return injection;
  }

  Duration trickleInterval() {
    return trickleInterval;
  }

  Duration replyDelay() {
    return replyDelay;
  }

  Duration idleTimeout() {
    return idleTimeout;
  }

  boolean requireTls() {
    return requireTls;
  }

  boolean authOffered() {
    return !authUsers.isEmpty();
  }

  boolean authWithoutTls() {
    return authWithoutTls;
  }

  boolean credentialsValid(String user, String password) {
    String expected = authUsers.get(user);
    return expected != null && java.security.MessageDigest.isEqual(
        expected.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        password.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /**
   * The user names that AUTH succeeded with, over all connections accepted so far, in the order of the
   * connections (one entry per connection that authenticated); empty when no client authenticated.
   */
  public List<String> authenticatedUsers() {
    List<String> users = new ArrayList<>();
    connections().forEach(c -> c.authenticatedUser().ifPresent(users::add));
    return Collections.unmodifiableList(users);
  }

  void mailCommandReceived(String line) {
    synchronized (lock) {
      mailCommands.add(line);
    }
  }

  /**
   * Every MAIL command the server received, on any connection, in order, whatever it replied: {@code MAIL }
   * and its arguments as sent (e.g. {@code "MAIL FROM:<a@example.org> SIZE=12 REQUIRETLS"}). Empty when no
   * client ever sent MAIL, so a test can prove that nothing of a message left.
   */
  public List<String> mailCommands() {
    synchronized (lock) {
      return List.copyOf(mailCommands);
    }
  }

  boolean smtputf8() {
    return smtputf8;
  }

  boolean pipelining() {
    return pipelining;
  }

  boolean dataWithoutRecipients() {
    return dataWithoutRecipients;
  }

  /** The reply configured for RCPT TO this address, or null. */
  String recipientReply(String address) {
    return recipientReplies.get(address.toLowerCase(Locale.ROOT));
  }

  /** The scripted reply for {@code verb}, or null when there is none (or the script is silence). */
  String scriptedReply(String verb) {
    Script script = scripts.get(verb);
    return script == null ? null : script.reply;
  }

  boolean isSilentOn(String verb) {
    return scripts.get(verb) == Script.SILENT;
  }

  /** Blocks the calling session while replies to {@code verb} are held (until released or closed). */
  void awaitHold(String verb) throws InterruptedException {
    synchronized (lock) {
      if (!verb.equals(holdVerb) || closed) {
        return;
      }
      held++;
      lock.notifyAll();
      try {
        while (verb.equals(holdVerb) && !closed) {
          lock.wait();
        }
      } finally {
        held--;
      }
    }
  }

  void messageAccepted(ReceivedMessage message) {
    messages.add(message);
  }

  /** A server-mode engine for one connection, recording the SNI name the client sends. */
  SSLEngine newEngine(Socket socket, ConnectionRecord record) {
    SSLEngine engine = sslContext.createSSLEngine(socket.getInetAddress().getHostAddress(), socket.getPort());
    engine.setUseClientMode(false);
    SSLParameters parameters = engine.getSSLParameters();
    parameters.setProtocols(tlsProtocols.clone());
    parameters.setNeedClientAuth(false);
    parameters.setSNIMatchers(List.of(new SniRecorder(record)));
    engine.setSSLParameters(parameters);
    return engine;
  }

  void sessionEnded(SmtpSession session) {
    synchronized (lock) {
      sessions.remove(session);
      lock.notifyAll();
    }
  }

  private List<ConnectionRecord> recordsNow() {
    synchronized (lock) {
      return new ArrayList<>(records);
    }
  }

  private void acceptLoop() {
    while (true) {
      Socket socket;
      try {
        socket = serverSocket.accept();
      } catch (IOException e) {
        return;   // closed
      }
      synchronized (lock) {
        if (closed) {
          try {
            socket.close();
          } catch (IOException e) {
            // closing anyway
          }
          return;
        }
        ConnectionRecord record = new ConnectionRecord(records.size() + 1,
            (InetSocketAddress) socket.getRemoteSocketAddress(), (InetSocketAddress) socket.getLocalSocketAddress());
        SmtpSession session = new SmtpSession(this, socket, record);
        Thread thread = new Thread(session, acceptor.getName() + "-" + record.id());
        thread.setDaemon(true);
        records.add(record);
        sessions.put(session, thread);
        thread.start();
        lock.notifyAll();
      }
    }
  }

  private static String verb(String verb) {
    Objects.requireNonNull(verb, "verb");
    String normal = verb.trim().toUpperCase(Locale.ROOT);
    if (!VERB.matcher(normal).matches()) {
      throw new IllegalArgumentException("not an SMTP command verb (or \".\" for the end of data): " + verb);
    }
    return normal;
  }

  /** Validates a reply and puts it in the internal form: lines joined by CRLF, no final CRLF. */
  private static String reply(String reply) {
    Objects.requireNonNull(reply, "reply");
    String[] lines = reply.split("\r?\n", -1);
    int count = lines.length;
    if (count > 1 && lines[count - 1].isEmpty()) {
      count--;   // a final line ending
    }
    StringBuilder normal = new StringBuilder();
    for (int i = 0; i < count; i++) {
      if (!REPLY_LINE.matcher(lines[i]).matches()) {
        throw new IllegalArgumentException("not an SMTP reply line (2xx to 5xx): \"" + lines[i] + "\"");
      }
      normal.append(i == 0 ? "" : "\r\n").append(lines[i]);
    }
    return normal.toString();
  }

  /** A scripted behaviour for one verb: a fixed reply, or silence from then on. */
  private static final class Script {
    static final Script SILENT = new Script(null);

    final String reply;

    private Script(String reply) {
      this.reply = reply;
    }

    static Script reply(String reply) {
      return new Script(reply);
    }
  }

  /** Accepts every SNI host name and records the first one in the connection's record. */
  private static final class SniRecorder extends SNIMatcher {
    private final ConnectionRecord record;

    SniRecorder(ConnectionRecord record) {
      super(StandardConstants.SNI_HOST_NAME);
      this.record = record;
    }

    @Override
    public boolean matches(SNIServerName serverName) {
      try {
        String name = serverName instanceof SNIHostName host ? host.getAsciiName()
            : new SNIHostName(serverName.getEncoded()).getAsciiName();
        record.sniName(name);
      } catch (IllegalArgumentException e) {
        record.sniName("<malformed SNI host name>");
      }
      return true;
    }
  }

  /**
   * Settings of a server to start. Each setter checks its argument at once and returns this builder.
   */
  public static final class Builder {
    private InetAddress address;
    private int port;
    private String hostname = "mx.example.test";
    private MintedCertificate certificate;
    private List<X509Certificate> chain;
    private final List<MintedCertificate> additional = new ArrayList<>();
    private final EnumSet<SmtpFault> faults = EnumSet.noneOf(SmtpFault.class);
    private final Map<String, Script> scripts = new LinkedHashMap<>();
    private Duration replyDelay = Duration.ofSeconds(1);
    private Duration trickleInterval = Duration.ofMillis(200);
    private String injection = "250-injected\r\n250 OK\r\n";
    private String greeting;
    private String[] tlsProtocols = {"TLSv1.3", "TLSv1.2"};
    private Duration idleTimeout = Duration.ofSeconds(30);
    private boolean smtputf8;
    private boolean requireTls;
    private boolean pipelining = true;
    private boolean dataWithoutRecipients;
    private final Map<String, String> recipientReplies = new LinkedHashMap<>();
    private final Map<String, String> authUsers = new LinkedHashMap<>();
    private boolean authWithoutTls;

    private Builder() {
      try {
        address = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }

    /**
     * The address to listen on: 127.0.0.1 by default; any of 127.0.0.0/8 or ::1 for several servers on one
     * port; or any other address of this machine (e.g. its LAN address, or the wildcard {@code 0.0.0.0} to be
     * reachable from a container or another host) when the test needs it. Binding fails at {@link #start()},
     * naming the address and port, when the address is not one of this machine's.
     */
    public Builder address(InetAddress address) {
      this.address = Objects.requireNonNull(address, "address");
      return this;
    }

    /** As {@link #address(InetAddress)}, from an IP address literal such as {@code "127.0.0.2"} (no DNS). */
    public Builder address(String ipLiteral) {
      Objects.requireNonNull(ipLiteral, "ipLiteral");
      try {
        if (IPV4.matcher(ipLiteral).matches()) {
          byte[] bytes = new byte[4];
          String[] parts = ipLiteral.split("\\.");
          for (int i = 0; i < 4; i++) {
            int part = Integer.parseInt(parts[i]);
            if (part > 255) {
              throw new IllegalArgumentException("not an IP address literal: " + ipLiteral);
            }
            bytes[i] = (byte) part;
          }
          return address(InetAddress.getByAddress(bytes));
        }
        if (ipLiteral.indexOf(':') >= 0 && ipLiteral.matches("[0-9A-Fa-f:.]+")) {
          return address(InetAddress.getByName(ipLiteral));   // an IPv6 literal is parsed, never looked up
        }
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("not an IP address literal: " + ipLiteral, e);
      }
      throw new IllegalArgumentException("not an IP address literal: " + ipLiteral);
    }

    /**
     * The port, 0 (the default) for an ephemeral one. A fixed port lets several servers on different loopback
     * addresses share it, the way MX hosts all listen on port 25.
     */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("not a port: " + port);
      }
      this.port = port;
      return this;
    }

    /** The name the server gives in its greeting and EHLO reply; {@code mx.example.test} by default. */
    public Builder hostname(String hostname) {
      Objects.requireNonNull(hostname, "hostname");
      if (hostname.isEmpty() || !hostname.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        throw new IllegalArgumentException("not a host name: \"" + hostname + "\"");
      }
      this.hostname = hostname;
      return this;
    }

    /**
     * Present {@code leaf}'s chain ({@link MintedCertificate#chain()}, without the self-signed root). Without a
     * certificate, the server mints a self-signed one for its host name.
     */
    public Builder certificate(MintedCertificate leaf) {
      Objects.requireNonNull(leaf, "leaf");
      return chain(leaf, leaf.chain());
    }

    /**
     * Present exactly {@code chain} — any certificates in any order, e.g. with the root, without the
     * intermediate, or unrelated — and sign the handshakes with {@code leaf}'s private key.
     */
    public Builder chain(MintedCertificate leaf, List<X509Certificate> chain) {
      Objects.requireNonNull(leaf, "leaf");
      Objects.requireNonNull(chain, "chain");
      if (chain.isEmpty() || chain.contains(null)) {
        throw new IllegalArgumentException("the chain must hold at least one certificate, and no null");
      }
      this.certificate = leaf;
      this.chain = List.copyOf(chain);
      return this;
    }

    /**
     * Present the chain in the PEM file {@code chainPem} (the server's certificate first, then its issuers, as
     * a web or mail server is configured) and sign the handshakes with the private key in {@code keyPem}: an
     * unencrypted PKCS#8 key ({@code BEGIN PRIVATE KEY}, RFC 5958) or the older {@code BEGIN RSA PRIVATE KEY}
     * and {@code BEGIN EC PRIVATE KEY} forms; RSA, EC or Ed25519. Checked at once: a file without a
     * certificate, an encrypted key, or a key that does not belong to the first certificate is an
     * {@link IllegalArgumentException} naming the file. {@link SmtpTestServer#certificate()} then has no
     * {@linkplain MintedCertificate#issuer() issuer}.
     */
    public Builder certificate(java.nio.file.Path chainPem, java.nio.file.Path keyPem) {
      Objects.requireNonNull(chainPem, "chainPem");
      Objects.requireNonNull(keyPem, "keyPem");
      MintedCertificate leaf = org.dane4j.testkit.Pem.certificateAndKey(chainPem, keyPem);
      return chain(leaf, org.dane4j.testkit.Pem.certificates(chainPem));
    }

    /**
     * Also present {@code leaf}'s chain to clients that ask for its key type: a server with two certificates,
     * e.g. an RSA one ({@link #certificate}) and an ECDSA one, each chosen per handshake by the key types the
     * client offers (its signature schemes, or its TLS 1.2 cipher suites). The first certificate of a key
     * type wins; {@link SmtpTestServer#certificate()} stays the first one.
     */
    public Builder additionalCertificate(MintedCertificate leaf) {
      Objects.requireNonNull(leaf, "leaf");
      additional.add(leaf);
      return this;
    }

    /** Switches a fault on (several may be combined). */
    public Builder fault(SmtpFault fault) {
      faults.add(Objects.requireNonNull(fault, "fault"));
      return this;
    }

    /** Switches these faults on. */
    public Builder faults(SmtpFault... faults) {
      for (SmtpFault fault : faults) {
        fault(fault);
      }
      return this;
    }

    /**
     * Answers every command with verb {@code verb} (its first word, any case; {@code "."} for the end of the
     * message data) with {@code reply} instead of the normal reply — after the sequence checks, so a command out
     * of sequence still gets 503. A 2xx or 3xx reply lets the command take effect (a 3xx to DATA starts the
     * message), a 4xx or 5xx reply rejects it (a rejected end of data drops the message). A multi-line reply is
     * given with {@code \n} or {@code \r\n} between its lines, e.g. {@code "250-first\n250 last"}. A scripted
     * 2xx reply to STARTTLS starts the handshake; a scripted EHLO reply replaces the capability list.
     */
    public Builder replyTo(String verb, String reply) {
      scripts.put(verb(verb), Script.reply(reply(reply)));
      return this;
    }

    /**
     * Never answers the command {@code verb} ({@code "."}: the end of the message data), nor anything after it
     * on that connection: the server goes silent, reading and recording what the client sends, to test client
     * timeouts.
     */
    public Builder neverReplyTo(String verb) {
      scripts.put(verb(verb), Script.SILENT);
      return this;
    }

    /** Delays every reply by {@code delay} and switches {@link SmtpFault#SLOW_REPLIES} on (1 s by default). */
    public Builder replyDelay(Duration delay) {
      Objects.requireNonNull(delay, "delay");
      if (delay.isNegative() || delay.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException("a reply delay from 0 to 10 minutes: " + delay);
      }
      this.replyDelay = delay;
      faults.add(SmtpFault.SLOW_REPLIES);
      return this;
    }

    /**
     * Writes every reply one byte at a time, {@code interval} apart, and switches
     * {@link SmtpFault#TRICKLE_REPLIES} on (200 ms by default).
     */
    public Builder trickle(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative() || interval.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException("a trickle interval from 0 to 1 minute: " + interval);
      }
      this.trickleInterval = interval;
      faults.add(SmtpFault.TRICKLE_REPLIES);
      return this;
    }

    /**
     * The reply injected after {@code 220} to STARTTLS by {@link SmtpFault#INJECT_AFTER_STARTTLS}, lines
     * separated by {@code \n} or {@code \r\n}; {@code "250-injected\r\n250 OK\r\n"} by default.
     */
    public Builder injection(String reply) {
      this.injection = reply(reply) + "\r\n";
      return this;
    }

    /**
     * The greeting reply; {@code 220 <hostname> ESMTP dane4j-testkit} by default. With a greeting that is not
     * 2xx (e.g. {@code 554 5.7.1 no service}) the server answers every command but QUIT with 503.
     */
    public Builder greeting(String reply) {
      this.greeting = reply(reply);
      return this;
    }

    /** The TLS protocols the server accepts, by default {@code TLSv1.3} and {@code TLSv1.2}. */
    public Builder tlsProtocols(String... protocols) {
      if (protocols.length == 0) {
        throw new IllegalArgumentException("at least one TLS protocol");
      }
      List<String> supported;
      try {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        supported = List.of(context.getSupportedSSLParameters().getProtocols());
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot set up TLS", e);
      }
      for (String protocol : protocols) {
        if (!supported.contains(Objects.requireNonNull(protocol, "protocol"))) {
          throw new IllegalArgumentException("TLS protocol not supported: " + protocol);
        }
      }
      this.tlsProtocols = protocols.clone();
      return this;
    }

    /** How long a connection may stay silent before the server closes it; 30 s by default. */
    public Builder idleTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("an idle timeout from 1 ms to 1 hour: " + timeout);
      }
      this.idleTimeout = timeout;
      return this;
    }

    /**
     * Offers SMTPUTF8 (RFC 6531) in EHLO and accepts its MAIL parameter; without it, as by default, a
     * {@code SMTPUTF8} parameter is refused (555) like any unknown one.
     */
    public Builder smtputf8() {
      this.smtputf8 = true;
      return this;
    }

    /**
     * Whether the EHLO reply offers PIPELINING (RFC 2920), in cleartext and after STARTTLS; it does by default.
     * With {@code false} the keyword is left out, so a client must send its commands one at a time; the server
     * still answers whatever arrives in order. {@link SmtpConnection#commandReads()} shows which commands came
     * in one read.
     */
    public Builder pipelining(boolean offered) {
      this.pipelining = offered;
      return this;
    }

    /**
     * Answers {@code RCPT TO:<address>} (compared without regard to case) with {@code reply} instead of the
     * normal or {@linkplain #replyTo(String, String) scripted} RCPT reply, e.g. to reject one recipient of
     * several; a 2xx reply accepts the recipient, a 4xx or 5xx reply rejects it.
     */
    public Builder replyToRecipient(String address, String reply) {
      Objects.requireNonNull(address, "address");
      recipientReplies.put(address.toLowerCase(Locale.ROOT), reply(reply));
      return this;
    }

    /**
     * Answers DATA with 354 even when every RCPT was rejected, as some servers do (RFC 2920 §3.1: a pipelining
     * client must then end the data with a lone "."); the data that follows is read and answered
     * {@code 554 5.5.1 Error: no valid recipients}, and no message is kept. By default such a DATA gets that 554
     * at once.
     */
    public Builder acceptDataWithoutRecipients() {
      this.dataWithoutRecipients = true;
      return this;
    }

    /**
     * Offers REQUIRETLS (RFC 8689 §2) in the EHLO reply after STARTTLS (never in cleartext) and accepts its
     * MAIL parameter there; without it, as by default, a {@code REQUIRETLS} parameter is refused (555) like any
     * unknown one. {@link SmtpTestServer#mailCommands()} shows what MAIL carried.
     */
    public Builder requireTls() {
      this.requireTls = true;
      return this;
    }

    /**
     * Offers SMTP AUTH (RFC 4954) with the mechanisms PLAIN (RFC 4616) and LOGIN, and accepts {@code user} with
     * {@code password} (call again for more users). As a submission server or an authenticating relay does,
     * the server then offers AUTH only inside TLS (AUTH before STARTTLS gets 538, RFC 4954 §6, unless
     * {@link #authWithoutTls()}) and refuses MAIL until the client has authenticated (530). Wrong credentials
     * get 535, an unknown mechanism 504. {@link ReceivedMessage#authenticatedUser()} says who sent a message.
     * Without users, as by default, AUTH is not offered and gets 502.
     */
    public Builder authUser(String user, String password) {
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(password, "password");
      if (user.isEmpty() || user.indexOf('\0') >= 0 || password.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("a user name that is not empty, and no NUL in user or password");
      }
      authUsers.put(user, password);
      return this;
    }

    /**
     * Also offers and accepts AUTH before STARTTLS, in cleartext (a legacy relay; Postfix's
     * {@code smtpd_tls_auth_only = no}): for testing that a client refuses to send credentials there. Off by
     * default. Needs {@link #authUser(String, String)}.
     */
    public Builder authWithoutTls() {
      this.authWithoutTls = true;
      return this;
    }

    /** Binds the port and starts accepting connections. */
    public SmtpTestServer start() {
      if (authWithoutTls && authUsers.isEmpty()) {
        throw new IllegalStateException("authWithoutTls() needs at least one authUser(user, password)");
      }
      MintedCertificate leaf = certificate != null ? certificate
          : CertificateMinter.certificate().dnsNames(hostname).mint();
      List<X509Certificate> presented = chain != null ? chain : leaf.chain();
      SSLContext context = sslContext(leaf.privateKey(), presented, additional);
      ServerSocket socket = null;
      try {
        socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(address, port), 50);
        return new SmtpTestServer(this, socket, leaf, presented, context);
      } catch (IOException e) {
        if (socket != null) {
          try {
            socket.close();
          } catch (IOException suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        throw new IllegalStateException("cannot listen on " + address.getHostAddress() + " port " + port, e);
      }
    }

    private static SSLContext sslContext(PrivateKey key, List<X509Certificate> chain,
        List<MintedCertificate> additional) {
      try {
        SSLContext context = SSLContext.getInstance("TLS");
        FixedKeyManager keys = new FixedKeyManager(key, chain);
        additional.forEach(c -> keys.add(c.privateKey(), c.chain()));
        context.init(new KeyManager[] {keys}, null, null);
        return context;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot set up TLS", e);
      }
    }
  }
}
