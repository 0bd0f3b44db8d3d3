package org.dane4j.smtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The input side of a blocking SMTP client connection, bounded by {@link SmtpLimits} (checklist TLS-7;
 * RFC 5321 §4.2.1 multi-line replies, §4.5.3.1.5 and §4.5.3.2): it watches the bytes a reader takes from a
 * socket, whoever the reader is (Angus Mail's own reply parser, or {@link #readReply()}), and fails the read
 * with a {@link LimitExceededException} naming the limit as soon as a reply line is longer than
 * {@code maxReplyLineLength}, a reply has more than {@code maxReplyLines} lines, or a reply is not complete
 * within {@code replyTimeout} of the moment the client started waiting for it — however slowly the server
 * trickles it. The deadline is enforced by shortening the socket's read timeout before each read; the read
 * timeout the client set stays in force as the longest wait for any single read. After a failure every read
 * fails: the connection is unusable.
 *
 * <p>After STARTTLS the bytes are TLS records, not replies: {@link #startTls(Duration)} switches the line
 * checks off and bounds the handshake by its own deadline; {@link #handshakeDone()} ends that deadline. The
 * replies inside TLS are bounded by a second guard on the TLS socket ({@link #wrap}).
 *
 * <p>Use one guard per socket and read it from one thread.
 */
public final class SmtpReplyGuard extends InputStream {
  private enum Mode { REPLIES, HANDSHAKE, PASS_THROUGH }

  private final Socket socket;
  private final SmtpLimits limits;
  private InputStream in;
  private Mode mode = Mode.REPLIES;
  private volatile Runnable afterRead;
  private Duration replyTimeout;
  private long deadline;          // System.nanoTime() of the current deadline; meaningful when armed
  private boolean armed;
  private String deadlineLimit;   // the limit the armed deadline stands for, for the message
  private boolean inReply;        // bytes of the current reply were seen
  private int column;             // bytes of the current line so far (the CR included, the LF not)
  private boolean continued;      // the current line is a continuation line ("250-")
  private int lines;              // complete lines of the current reply
  private boolean afterCr;        // the previous byte was a CR
  private String failure;
  private boolean replyEnded;     // a reply ended and the client has written nothing since
  private boolean ahead;          // bytes came after a reply ended, before the client wrote again

  private SmtpReplyGuard(Socket socket, SmtpLimits limits) {
    this.socket = socket;
    this.limits = limits;
    this.replyTimeout = limits.replyTimeout();
  }

  /**
   * A socket that behaves as {@code socket} but reads through a guard ({@link GuardedSocket#guard()}). The
   * socket may still be unconnected (the guard starts reading once it is); the wrapper owns it.
   */
  public static GuardedSocket wrap(Socket socket, SmtpLimits limits) {
    return new GuardedSocket(Objects.requireNonNull(socket, "socket"), Objects.requireNonNull(limits, "limits"));
  }

  /** The limits this guard enforces. */
  public SmtpLimits limits() {
    return limits;
  }

  /**
   * The deadline of each reply the client starts waiting for from now on (e.g. the longer RFC 5321 wait for
   * the reply to the end of the message); {@link SmtpLimits#replyTimeout()} at first.
   */
  public void replyTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("replyTimeout must be positive, got " + timeout);
    }
    this.replyTimeout = timeout;
  }

  /**
   * The client sent STARTTLS and got 220: from now on the stream carries the TLS handshake, which must be
   * complete within {@code handshakeTimeout} ({@link SmtpLimits#DEFAULT_HANDSHAKE_TIMEOUT} by default).
   *
   * @throws ResponseInjectionException when bytes of another reply came after the 220 before the handshake
   *     (checklist TLS-3, the CVE-2011-0411 family): the session must end, not go on to TLS
   * @throws IOException when the socket cannot say whether bytes are waiting
   */
  public void startTls(Duration handshakeTimeout) throws IOException {
    if (inReply || ahead || input().available() > 0) { // read ahead by the caller, or waiting in the socket
      throw new ResponseInjectionException("the server sent bytes after its 220 reply to STARTTLS, before the TLS"
          + " handshake (response injection, TLS-3); closing");
    }
    mode = Mode.HANDSHAKE;
    arm(handshakeTimeout, "handshakeTimeout");
  }

  /**
   * A hook run after every read that returned bytes, on the reading thread (or {@code null}: none). The
   * adapters use it for a transport option that must be set again after reads (Linux's TCP_QUICKACK, issue
   * #17); it must be quick and must not throw.
   */
  public void afterRead(Runnable hook) {
    this.afterRead = hook;
  }

  /** The TLS handshake is complete: the bytes are TLS records, bounded by the guard on the TLS socket. */
  public void handshakeDone() {
    mode = Mode.PASS_THROUGH;
    armed = false;
  }

  /**
   * Reads one whole reply byte by byte (so nothing after it is consumed, as after STARTTLS), its lines
   * without CRLF, in ISO-8859-1. Fails, naming the limit, as any read does.
   */
  public List<String> readReply() throws IOException {
    List<String> out = new ArrayList<>();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int b = read();
      if (b < 0) {
        throw new IOException("the server closed the connection" + (out.isEmpty() && line.size() == 0 ? ""
            : " in the middle of a reply"));
      }
      if (b == '\n') {
        String text = line.toString(StandardCharsets.ISO_8859_1);
        out.add(text);
        line.reset();
        if (text.length() < 4 || text.charAt(3) != '-') {
          return out;
        }
      } else if (b != '\r') {
        line.write(b);
      }
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n;
    do {
      n = read(one, 0, 1);
    } while (n == 0);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (failure != null) {
      throw new LimitExceededException(failure);
    }
    if (len == 0) {
      return 0;
    }
    if (mode == Mode.REPLIES && !inReply && !armed) {
      arm(replyTimeout, "replyTimeout"); // the client starts waiting for a reply now
    }
    int n = armed ? timedRead(b, off, len) : input().read(b, off, len);
    if (n > 0 && mode == Mode.REPLIES) {
      scan(b, off, n);
    }
    Runnable hook = afterRead;
    if (n > 0 && hook != null) {
      hook.run();
    }
    return n;
  }

  @Override
  public int available() throws IOException {
    return failure != null ? 0 : input().available();
  }

  @Override
  public void close() throws IOException {
    if (in != null) {
      in.close();
    }
  }

  private InputStream input() throws IOException {
    if (in == null) {
      in = socket.getInputStream();
    }
    return in;
  }

  private void arm(Duration timeout, String limit) {
    deadline = System.nanoTime() + timeout.toNanos();
    deadlineLimit = limit + " " + seconds(timeout);
    armed = true;
  }

  private int timedRead(byte[] b, int off, int len) throws IOException {
    long remaining = deadline - System.nanoTime();
    if (remaining <= 0) {
      throw fail(deadlineMessage());
    }
    int base = socket.getSoTimeout();
    long millis = Math.max(1, Math.min(Integer.MAX_VALUE, Duration.ofNanos(remaining).toMillis() + 1));
    boolean shortened = base == 0 || millis < base;
    if (shortened) {
      socket.setSoTimeout((int) millis);
    }
    try {
      return input().read(b, off, len);
    } catch (SocketTimeoutException e) {
      if (deadline - System.nanoTime() <= 0) {
        throw fail(deadlineMessage());
      }
      throw e; // the client's own per-read timeout
    } finally {
      if (shortened) {
        try {
          socket.setSoTimeout(base);
        } catch (SocketException closed) {
          // the socket is closed: nothing to restore
        }
      }
    }
  }

  private String deadlineMessage() {
    return deadlineLimit.startsWith("handshakeTimeout")
        ? "TLS handshake not complete within the deadline (limit " + deadlineLimit + ")"
        : "SMTP reply not complete within the deadline; the server is too slow or trickles (limit "
            + deadlineLimit + ")";
  }

  /** The client wrote (a command): what the server sends from now on answers it. */
  void commandSent() {
    replyEnded = false;
    ahead = false;
  }

  private void scan(byte[] b, int off, int n) throws IOException {
    for (int i = off; i < off + n; i++) {
      byte x = b[i];
      if (replyEnded) {
        ahead = true; // a reply before its command was written: pipelined, or injected
      }
      if (!inReply) {
        inReply = true;
        if (!armed) {
          arm(replyTimeout, "replyTimeout"); // a pipelined reply read ahead with the previous one
        }
      }
      if (x == '\n') {
        int length = afterCr ? column - 1 : column;
        if (length > limits.maxReplyLineLength()) {
          throw fail(lineTooLong());
        }
        lines++;
        if (!continued) {
          inReply = false;
          armed = false;
          lines = 0;
          replyEnded = mode == Mode.REPLIES;
        } else if (lines >= limits.maxReplyLines()) {
          throw fail("SMTP reply has more than " + limits.maxReplyLines() + " lines (limit maxReplyLines "
              + limits.maxReplyLines() + ")");
        }
        column = 0;
        continued = false;
        afterCr = false;
        continue;
      }
      afterCr = x == '\r';
      if (column == 3) {
        continued = x == '-';
      }
      column++;
      if (column > limits.maxReplyLineLength() + 1) { // + 1: room for the CR
        throw fail(lineTooLong());
      }
    }
  }

  private String lineTooLong() {
    return "SMTP reply line longer than " + limits.maxReplyLineLength() + " bytes (limit maxReplyLineLength "
        + limits.maxReplyLineLength() + ")";
  }

  private IOException fail(String message) {
    failure = message;
    return new LimitExceededException(message);
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  /** A server sent a reply, or part of one, after its 220 to STARTTLS (checklist TLS-3). */
  public static final class ResponseInjectionException extends IOException {
    private static final long serialVersionUID = 1L;

    ResponseInjectionException(String message) {
      super(message);
    }
  }

  /** A server crossed one of the {@link SmtpLimits}; the message names the limit and its value. */
  public static final class LimitExceededException extends IOException {
    private static final long serialVersionUID = 1L;

    LimitExceededException(String message) {
      super(message);
    }
  }

  /**
   * A socket that delegates everything to another one, except that its input stream is a
   * {@link SmtpReplyGuard}. It can be handed to code that only knows sockets (Angus Mail, a JSSE layered
   * {@code SSLSocket}); it has no channel, so nothing reads around the guard.
   */
  public static final class GuardedSocket extends Socket {
    private final Socket delegate;
    private final SmtpReplyGuard guard;

    private GuardedSocket(Socket delegate, SmtpLimits limits) {
      this.delegate = delegate;
      this.guard = new SmtpReplyGuard(delegate, limits);
    }

    /** The guard of this socket's input. */
    public SmtpReplyGuard guard() {
      return guard;
    }

    /** The socket this one delegates to. */
    public Socket delegate() {
      return delegate;
    }

    @Override
    public InputStream getInputStream() throws IOException {
      if (delegate.isClosed() || !delegate.isConnected()) {
        delegate.getInputStream(); // throws the socket's own exception
      }
      return guard;
    }

    /** The socket's output; every write tells the guard that a command went out (TLS-3 bookkeeping). */
    @Override
    public OutputStream getOutputStream() throws IOException {
      OutputStream out = delegate.getOutputStream();
      return new java.io.FilterOutputStream(out) {
        @Override
        public void write(int b) throws IOException {
          guard.commandSent();
          out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          guard.commandSent();
          out.write(b, off, len);
        }
      };
    }

    @Override
    public SocketChannel getChannel() {
      return null;
    }

    @Override
    public void connect(SocketAddress endpoint) throws IOException {
      delegate.connect(endpoint);
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
      delegate.connect(endpoint, timeout);
    }

    @Override
    public void bind(SocketAddress bindpoint) throws IOException {
      delegate.bind(bindpoint);
    }

    @Override
    public InetAddress getInetAddress() {
      return delegate.getInetAddress();
    }

    @Override
    public InetAddress getLocalAddress() {
      return delegate.getLocalAddress();
    }

    @Override
    public int getPort() {
      return delegate.getPort();
    }

    @Override
    public int getLocalPort() {
      return delegate.getLocalPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
      return delegate.getRemoteSocketAddress();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
      return delegate.getLocalSocketAddress();
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
      delegate.setTcpNoDelay(on);
    }

    @Override
    public boolean getTcpNoDelay() throws SocketException {
      return delegate.getTcpNoDelay();
    }

    @Override
    public void setSoLinger(boolean on, int linger) throws SocketException {
      delegate.setSoLinger(on, linger);
    }

    @Override
    public int getSoLinger() throws SocketException {
      return delegate.getSoLinger();
    }

    @Override
    public void sendUrgentData(int data) throws IOException {
      delegate.sendUrgentData(data);
    }

    @Override
    public void setOOBInline(boolean on) throws SocketException {
      delegate.setOOBInline(on);
    }

    @Override
    public boolean getOOBInline() throws SocketException {
      return delegate.getOOBInline();
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
      delegate.setSoTimeout(timeout);
    }

    @Override
    public int getSoTimeout() throws SocketException {
      return delegate.getSoTimeout();
    }

    @Override
    public void setSendBufferSize(int size) throws SocketException {
      delegate.setSendBufferSize(size);
    }

    @Override
    public int getSendBufferSize() throws SocketException {
      return delegate.getSendBufferSize();
    }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
      delegate.setReceiveBufferSize(size);
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
      return delegate.getReceiveBufferSize();
    }

    @Override
    public void setKeepAlive(boolean on) throws SocketException {
      delegate.setKeepAlive(on);
    }

    @Override
    public boolean getKeepAlive() throws SocketException {
      return delegate.getKeepAlive();
    }

    @Override
    public void setTrafficClass(int tc) throws SocketException {
      delegate.setTrafficClass(tc);
    }

    @Override
    public int getTrafficClass() throws SocketException {
      return delegate.getTrafficClass();
    }

    @Override
    public void setReuseAddress(boolean on) throws SocketException {
      delegate.setReuseAddress(on);
    }

    @Override
    public boolean getReuseAddress() throws SocketException {
      return delegate.getReuseAddress();
    }

    @Override
    public void close() throws IOException {
      delegate.close();
    }

    @Override
    public void shutdownInput() throws IOException {
      delegate.shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
      delegate.shutdownOutput();
    }

    @Override
    public boolean isConnected() {
      return delegate.isConnected();
    }

    @Override
    public boolean isBound() {
      return delegate.isBound();
    }

    @Override
    public boolean isClosed() {
      return delegate.isClosed();
    }

    @Override
    public boolean isInputShutdown() {
      return delegate.isInputShutdown();
    }

    @Override
    public boolean isOutputShutdown() {
      return delegate.isOutputShutdown();
    }

    @Override
    public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
      delegate.setPerformancePreferences(connectionTime, latency, bandwidth);
    }

    @Override
    public <T> Socket setOption(SocketOption<T> name, T value) throws IOException {
      delegate.setOption(name, value);
      return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
      return delegate.getOption(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
      return delegate.supportedOptions();
    }

    @Override
    public String toString() {
      return "guarded " + delegate;
    }
  }
}
