package org.dane4j.testkit.smtp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * A server-side TLS session over a socket's plain streams, driven by an {@link SSLEngine} on the calling thread.
 * Unlike an {@code SSLSocket} layered over the socket, it lets the server see the raw bytes of the handshake:
 * every byte the engine consumed during the handshake (or, when the handshake fails, every byte received and
 * not yet consumed) is handed to a sink. Not thread-safe: one session thread reads and writes.
 */
final class TlsChannel {
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  private final SSLEngine engine;
  private final InputStream rawIn;
  private final OutputStream rawOut;
  private final RecordingInputStream.Sink handshakeSink;
  private final InputStream input = new AppInput();
  private final OutputStream output = new AppOutput();
  private ByteBuffer netIn;    // bytes from the client not yet unwrapped; kept in write mode
  private ByteBuffer appIn;    // decrypted bytes not yet read; kept in read mode
  private ByteBuffer netOut;
  private boolean handshaking;
  private boolean inboundDone;

  TlsChannel(SSLEngine engine, InputStream rawIn, OutputStream rawOut, RecordingInputStream.Sink handshakeSink) {
    this.engine = engine;
    this.rawIn = rawIn;
    this.rawOut = rawOut;
    this.handshakeSink = handshakeSink;
    int packet = engine.getSession().getPacketBufferSize();
    this.netIn = ByteBuffer.allocate(packet);
    this.netOut = ByteBuffer.allocate(packet);
    this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
    this.appIn.flip();
  }

  /** Runs the whole handshake; throws when it fails or the client goes away. */
  void handshake() throws IOException {
    handshaking = true;
    try {
      engine.beginHandshake();
      HandshakeStatus status = engine.getHandshakeStatus();
      while (status != HandshakeStatus.FINISHED && status != HandshakeStatus.NOT_HANDSHAKING) {
        switch (status) {
          case NEED_TASK:
            runTasks();
            status = engine.getHandshakeStatus();
            break;
          case NEED_WRAP: {
            SSLEngineResult result = wrap(EMPTY);
            if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
              throw new SSLException("the TLS engine closed during the handshake");
            }
            status = result.getHandshakeStatus();
            break;
          }
          default: {
            SSLEngineResult result = unwrap();
            if (result == null) {
              throw new EOFException("the client closed the connection during the TLS handshake");
            }
            if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
              throw new SSLException("the client closed the TLS session during the handshake");
            }
            status = result.getHandshakeStatus();
            break;
          }
        }
      }
    } finally {
      handshaking = false;
    }
  }

  /** The established session. */
  javax.net.ssl.SSLSession session() {
    return engine.getSession();
  }

  /** The client's application bytes, decrypted. */
  InputStream input() {
    return input;
  }

  /** Application bytes to the client; each write is sent at once. */
  OutputStream output() {
    return output;
  }

  /** Sends close_notify (or a pending alert, after a failed handshake), best effort; leaves the socket open. */
  void closeOutbound() {
    engine.closeOutbound();
    try {
      while (!engine.isOutboundDone()) {
        SSLEngineResult result = wrap(EMPTY);
        if (result.bytesProduced() == 0) {
          return;
        }
      }
    } catch (IOException | RuntimeException e) {
      // the peer is gone or the engine is broken: nothing more to send
    }
  }

  private SSLEngineResult wrap(ByteBuffer source) throws IOException {
    while (true) {
      netOut.clear();
      SSLEngineResult result = engine.wrap(source, netOut);
      if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
        netOut = ByteBuffer.allocate(Math.max(netOut.capacity() * 2, engine.getSession().getPacketBufferSize()));
        continue;
      }
      netOut.flip();
      if (netOut.hasRemaining()) {
        rawOut.write(netOut.array(), 0, netOut.limit());
        rawOut.flush();
      }
      return result;
    }
  }

  /** Unwraps one record, reading from the socket as needed; {@code null} when the client closed the socket. */
  private SSLEngineResult unwrap() throws IOException {
    while (true) {
      netIn.flip();
      int start = netIn.position();
      appIn.compact();
      SSLEngineResult result;
      try {
        result = engine.unwrap(netIn, appIn);
      } catch (SSLException | RuntimeException e) {
        if (handshaking) {
          handshakeSink.accept(netIn.array(), start, netIn.limit() - start);
        }
        netIn.clear();
        appIn.flip();
        throw e;
      }
      if (handshaking && result.bytesConsumed() > 0) {
        handshakeSink.accept(netIn.array(), start, result.bytesConsumed());
      }
      netIn.compact();
      appIn.flip();
      switch (result.getStatus()) {
        case BUFFER_OVERFLOW: {
          ByteBuffer bigger =
              ByteBuffer.allocate(appIn.remaining() + engine.getSession().getApplicationBufferSize());
          bigger.put(appIn).flip();
          appIn = bigger;
          break;
        }
        case BUFFER_UNDERFLOW: {
          if (!netIn.hasRemaining()) {
            ByteBuffer bigger =
                ByteBuffer.allocate(Math.max(netIn.capacity() * 2, engine.getSession().getPacketBufferSize()));
            netIn.flip();
            bigger.put(netIn);
            netIn = bigger;
          }
          int n = rawIn.read(netIn.array(), netIn.position(), netIn.remaining());
          if (n < 0) {
            if (handshaking && netIn.position() > 0) {
              handshakeSink.accept(netIn.array(), 0, netIn.position());
              netIn.clear();
            }
            return null;
          }
          netIn.position(netIn.position() + n);
          break;
        }
        default:
          return result;
      }
    }
  }

  /** Serves what the engine needs after reading or writing application data (tasks, key updates, close_notify). */
  private void serviceEngine(HandshakeStatus status) throws IOException {
    while (true) {
      switch (status) {
        case NEED_TASK:
          runTasks();
          status = engine.getHandshakeStatus();
          break;
        case NEED_WRAP: {
          if (engine.isOutboundDone()) {
            return;
          }
          SSLEngineResult result = wrap(EMPTY);
          if (result.bytesProduced() == 0) {
            return;
          }
          status = result.getHandshakeStatus();
          break;
        }
        default:
          return;   // NEED_UNWRAP is served by the next read
      }
    }
  }

  private void runTasks() {
    for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
      task.run();
    }
  }

  private final class AppInput extends InputStream {
    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      while (!appIn.hasRemaining()) {
        if (inboundDone) {
          return -1;
        }
        SSLEngineResult result = unwrap();
        if (result == null || result.getStatus() == SSLEngineResult.Status.CLOSED) {
          inboundDone = true;
        }
        if (result != null) {
          serviceEngine(result.getHandshakeStatus());
        }
      }
      int n = Math.min(len, appIn.remaining());
      appIn.get(b, off, n);
      return n;
    }
  }

  private final class AppOutput extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      ByteBuffer source = ByteBuffer.wrap(b, off, len);
      while (source.hasRemaining()) {
        SSLEngineResult result = wrap(source);
        if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
          throw new SSLException("the TLS session is closed");
        }
        if (result.bytesConsumed() == 0 && result.bytesProduced() == 0) {
          throw new SSLException("the TLS engine made no progress (renegotiation is not supported)");
        }
        serviceEngine(result.getHandshakeStatus());
      }
    }
  }
}
