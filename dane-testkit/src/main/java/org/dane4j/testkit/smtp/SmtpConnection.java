package org.dane4j.testkit.smtp;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What an {@link SmtpTestServer} saw on one connection, as of the moment it was taken (see
 * {@link SmtpTestServer#connections()}; take a new one to see later events).
 *
 * <p>The client's bytes are split by protection: {@link #cleartextBytes()} holds every byte it sent before a
 * TLS session was established — the plaintext SMTP dialogue, any plaintext it pipelined after STARTTLS, and the
 * raw records of its TLS handshake (or whatever it sent instead of one), the last part also available alone as
 * {@link #handshakeBytes()}; {@link #tlsBytes()} holds the application bytes it sent inside the established
 * session, decrypted. A message body that appears only in {@code tlsBytes()} never crossed the wire in clear.
 * Each of these records is limited to 32 MiB per connection; a client sending more is disconnected, so that
 * nothing it sent goes unrecorded.
 */
public final class SmtpConnection {
  private final int id;
  private final InetSocketAddress remoteAddress;
  private final InetSocketAddress localAddress;
  private final byte[] cleartext;
  private final byte[] handshake;
  private final byte[] tls;
  private final byte[] discardedAfterStartTls;
  private final List<String> commands;
  private final List<List<String>> commandReads;
  private final int firstTlsCommand;
  private final List<String> ehloNames;
  private final boolean tlsEstablished;
  private final String tlsProtocol;
  private final String cipherSuite;
  private final String sniName;
  private final String handshakeFailure;
  private final Set<SmtpFault> faultsFired;
  private final boolean finished;
  private final long bytesSent;
  private final String authenticatedUser;
  private final String authMechanism;

  SmtpConnection(int id, InetSocketAddress remoteAddress, InetSocketAddress localAddress, byte[] cleartext,
      byte[] handshake, byte[] tls, byte[] discardedAfterStartTls, List<String> commands, List<Long> reads,
      int firstTlsCommand,
      List<String> ehloNames, boolean tlsEstablished, String tlsProtocol, String cipherSuite, String sniName,
      String handshakeFailure, Set<SmtpFault> faultsFired, boolean finished, long bytesSent,
      String authenticatedUser, String authMechanism) {
    this.authenticatedUser = authenticatedUser;
    this.authMechanism = authMechanism;
    this.id = id;
    this.remoteAddress = remoteAddress;
    this.localAddress = localAddress;
    this.cleartext = cleartext;
    this.handshake = handshake;
    this.tls = tls;
    this.discardedAfterStartTls = discardedAfterStartTls;
    this.commands = List.copyOf(commands);
    this.commandReads = groups(commands, reads);
    this.firstTlsCommand = firstTlsCommand;
    this.ehloNames = List.copyOf(ehloNames);
    this.tlsEstablished = tlsEstablished;
    this.tlsProtocol = tlsProtocol;
    this.cipherSuite = cipherSuite;
    this.sniName = sniName;
    this.handshakeFailure = handshakeFailure;
    this.faultsFired = faultsFired.isEmpty() ? Set.of()
        : Collections.unmodifiableSet(EnumSet.copyOf(faultsFired));
    this.finished = finished;
    this.bytesSent = bytesSent;
  }

  /** The connection's number on its server: 1 for the first accepted connection, then 2, 3, ... */
  public int id() {
    return id;
  }

  /** The client's address and port. */
  public InetSocketAddress remoteAddress() {
    return remoteAddress;
  }

  /** The server's address and port the client connected to. */
  public InetSocketAddress localAddress() {
    return localAddress;
  }

  /**
   * Every byte the client sent before TLS was established on this connection, as ISO-8859-1 text (one char per
   * byte): the plaintext SMTP dialogue followed by the {@linkplain #handshakeBytes() handshake bytes}.
   */
  public String cleartextBytes() {
    return latin1(cleartext) + latin1(handshake);
  }

  /**
   * The raw bytes the client sent after the server's 220 reply to STARTTLS until the handshake completed or
   * failed (its TLS handshake records, or whatever it sent instead), as ISO-8859-1 text. Also part of
   * {@link #cleartextBytes()}. Encrypted application data that followed the handshake is not included.
   */
  public String handshakeBytes() {
    return latin1(handshake);
  }

  /** The application bytes the client sent inside the established TLS session (decrypted), as ISO-8859-1 text. */
  public String tlsBytes() {
    return latin1(tls);
  }

  /**
   * Plaintext bytes the client had already sent after its STARTTLS command when the server accepted it
   * (pipelined after STARTTLS, against RFC 3207 §4 and RFC 2920 §3.1); the server discarded them without acting
   * on them. They are also part of {@link #cleartextBytes()}. Empty normally.
   */
  public String discardedAfterStartTls() {
    return latin1(discardedAfterStartTls);
  }

  /**
   * Every command line the client sent (message data excluded), without the line ending, in order; lines over the
   * 1000-byte limit are left out (their bytes are still in the byte records).
   */
  public List<String> commands() {
    return commands;
  }

  /**
   * The {@linkplain #commands() command lines} grouped by the read of the client's bytes in which each ended (a
   * socket read in cleartext, the plaintext of a TLS record inside TLS), in order: a client that pipelines
   * (RFC 2920 §3.1) and writes its group at once shows the group as one list, e.g.
   * {@code [[MAIL FROM:<a@b>, RCPT TO:<c@d>, DATA]]}; a client that waits for each reply before the next
   * command cannot show two commands in one list, since the server has not answered the first when it reads.
   */
  public List<List<String>> commandReads() {
    return commandReads;
  }

  /** The command lines sent inside the established TLS session; empty without TLS. */
  public List<String> commandsInTls() {
    return firstTlsCommand < 0 ? List.of() : commands.subList(firstTlsCommand, commands.size());
  }

  /** The names the client gave in EHLO or HELO commands, in order, before and after TLS. */
  public List<String> ehloNames() {
    return ehloNames;
  }

  /** Whether a TLS handshake completed on this connection. */
  public boolean tlsEstablished() {
    return tlsEstablished;
  }

  /** The negotiated TLS protocol, e.g. {@code TLSv1.3}; empty without an established session. */
  public Optional<String> tlsProtocol() {
    return Optional.ofNullable(tlsProtocol);
  }

  /** The negotiated cipher suite; empty without an established session. */
  public Optional<String> cipherSuite() {
    return Optional.ofNullable(cipherSuite);
  }

  /**
   * The SNI host name the client sent in its ClientHello, recorded even when the handshake then failed; empty
   * when there was no handshake or the client sent no SNI.
   */
  public Optional<String> sniName() {
    return Optional.ofNullable(sniName);
  }

  /** Whether a TLS handshake was attempted after STARTTLS and failed. */
  public boolean handshakeFailed() {
    return handshakeFailure != null;
  }

  /**
   * Why the handshake failed, e.g. {@code Received fatal alert: certificate_unknown} when the client rejected
   * the server's chain; empty when it did not fail.
   */
  public Optional<String> handshakeFailure() {
    return Optional.ofNullable(handshakeFailure);
  }

  /** The faults that changed what the server did on this connection. */
  public Set<SmtpFault> faultsFired() {
    return faultsFired;
  }

  /**
   * The bytes the server handed to the socket on this connection (replies, in the clear or inside TLS, before
   * encryption), counted as each write starts: a write cut short by the client going away counts in full. With
   * {@link SmtpFault#ENDLESS_REPLY} it shows how much the server offered before the client gave up.
   */
  public long bytesSent() {
    return bytesSent;
  }

  /**
   * The user name that SMTP AUTH (RFC 4954) succeeded with on this connection, if any; see
   * {@link SmtpTestServer.Builder#authUser(String, String)}. Reset by STARTTLS, as every other session state.
   */
  public Optional<String> authenticatedUser() {
    return Optional.ofNullable(authenticatedUser);
  }

  /** The SASL mechanism of the successful AUTH ({@code PLAIN} or {@code LOGIN}), if any. */
  public Optional<String> authMechanism() {
    return Optional.ofNullable(authMechanism);
  }

  /** Whether the server had finished with the connection (closed it) when this snapshot was taken. */
  public boolean finished() {
    return finished;
  }

  @Override
  public String toString() {
    return "SmtpConnection[" + id + " from " + remoteAddress + ", commands " + commands
        + (tlsEstablished ? ", " + tlsProtocol + " SNI " + sniName : "")
        + (authenticatedUser != null ? ", AUTH " + authMechanism + " as " + authenticatedUser : "")
        + (handshakeFailure != null ? ", handshake failed: " + handshakeFailure : "")
        + (faultsFired.isEmpty() ? "" : ", faults " + faultsFired) + (finished ? ", finished" : "") + "]";
  }

  private static List<List<String>> groups(List<String> commands, List<Long> reads) {
    List<List<String>> groups = new java.util.ArrayList<>();
    List<String> group = new java.util.ArrayList<>();
    for (int i = 0; i < commands.size(); i++) {
      if (i > 0 && !reads.get(i).equals(reads.get(i - 1))) {
        groups.add(List.copyOf(group));
        group.clear();
      }
      group.add(commands.get(i));
    }
    if (!group.isEmpty()) {
      groups.add(List.copyOf(group));
    }
    return List.copyOf(groups);
  }

  private static String latin1(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }
}
