package org.dane4j.testkit.smtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * The mutable, thread-safe record of one connection, written by its session thread and read by tests through
 * {@link #snapshot()}. Each byte stream is bounded: past {@link #MAX_RECORDED} bytes the recording refuses more
 * and the session ends, so that nothing the client sent goes unrecorded.
 */
final class ConnectionRecord {
  static final int MAX_RECORDED = 32 * 1024 * 1024;

  private final int id;
  private final InetSocketAddress remoteAddress;
  private final InetSocketAddress localAddress;
  private final ByteArrayOutputStream cleartext = new ByteArrayOutputStream();
  private final ByteArrayOutputStream handshake = new ByteArrayOutputStream();
  private final ByteArrayOutputStream tls = new ByteArrayOutputStream();
  private final ByteArrayOutputStream discarded = new ByteArrayOutputStream();
  private final List<String> commands = new ArrayList<>();
  private final List<Long> commandReads = new ArrayList<>();
  private final List<String> ehloNames = new ArrayList<>();
  private final EnumSet<SmtpFault> faultsFired = EnumSet.noneOf(SmtpFault.class);
  private int firstTlsCommand = -1;
  private boolean tlsEstablished;
  private String tlsProtocol;
  private String cipherSuite;
  private String sniName;
  private String handshakeFailure;
  private boolean finished;
  private long bytesSent;
  private String authenticatedUser;
  private String authMechanism;

  ConnectionRecord(int id, InetSocketAddress remoteAddress, InetSocketAddress localAddress) {
    this.id = id;
    this.remoteAddress = remoteAddress;
    this.localAddress = localAddress;
  }

  int id() {
    return id;
  }

  synchronized void cleartext(byte[] bytes, int offset, int length) throws IOException {
    append(cleartext, bytes, offset, length);
  }

  synchronized void handshake(byte[] bytes, int offset, int length) throws IOException {
    append(handshake, bytes, offset, length);
  }

  synchronized void tls(byte[] bytes, int offset, int length) throws IOException {
    append(tls, bytes, offset, length);
  }

  synchronized void discardedAfterStartTls(byte[] bytes) {
    discarded.write(bytes, 0, bytes.length);
  }

  /** A command line and the number of the read (of the current input stream) it ended in. */
  synchronized void command(String line, long read) {
    commands.add(line);
    commandReads.add(read);
  }

  synchronized void ehlo(String name) {
    ehloNames.add(name);
  }

  synchronized List<String> ehloNames() {
    return List.copyOf(ehloNames);
  }

  synchronized void fired(SmtpFault fault) {
    faultsFired.add(fault);
  }

  synchronized boolean hasFired(SmtpFault fault) {
    return faultsFired.contains(fault);
  }

  synchronized void sniName(String name) {
    if (sniName == null) {
      sniName = name;
    }
  }

  synchronized String sniName() {
    return sniName;
  }

  synchronized void tlsEstablished(String protocol, String cipher) {
    tlsEstablished = true;
    tlsProtocol = protocol;
    cipherSuite = cipher;
    firstTlsCommand = commands.size();
  }

  synchronized boolean tlsEstablished() {
    return tlsEstablished;
  }

  synchronized String tlsProtocol() {
    return tlsProtocol;
  }

  synchronized String cipherSuite() {
    return cipherSuite;
  }

  synchronized void handshakeFailed(String reason) {
    handshakeFailure = reason == null || reason.isBlank() ? "handshake failed" : reason;
  }

  synchronized boolean handshakeFailed() {
    return handshakeFailure != null;
  }

  synchronized void authenticated(String user, String mechanism) {
    authenticatedUser = user;
    authMechanism = mechanism;
  }

  synchronized String authenticatedUser() {
    return authenticatedUser;
  }

  synchronized void sent(int bytes) {
    bytesSent += bytes;
  }

  synchronized void finish() {
    finished = true;
  }

  synchronized SmtpConnection snapshot() {
    return new SmtpConnection(id, remoteAddress, localAddress, cleartext.toByteArray(), handshake.toByteArray(),
        tls.toByteArray(), discarded.toByteArray(), commands, commandReads, firstTlsCommand, ehloNames, tlsEstablished,
        tlsProtocol, cipherSuite, sniName, handshakeFailure, faultsFired, finished, bytesSent, authenticatedUser,
        authMechanism);
  }

  private static void append(ByteArrayOutputStream to, byte[] bytes, int offset, int length) throws IOException {
    if (to.size() + (long) length > MAX_RECORDED) {
      throw new IOException("more than " + MAX_RECORDED + " bytes received on one connection");
    }
    to.write(bytes, offset, length);
  }
}
