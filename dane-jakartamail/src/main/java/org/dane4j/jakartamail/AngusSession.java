package org.dane4j.jakartamail;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executor;
import org.dane4j.delivery.SessionRequest;
import org.dane4j.delivery.SessionResult;
import org.dane4j.delivery.SmtpSession;
import org.dane4j.smtp.ServerKeyType;
import org.eclipse.angus.mail.smtp.SMTPMessage;

/**
 * The Angus Mail implementation of {@link SmtpSession}: each session is one blocking SMTP session on a new
 * {@link DaneSmtpTransport} (the same connect, STARTTLS, handshake and transaction code as relay mode), run
 * on the executor given (bounded by its owner). Thread-safe: sessions share nothing but the immutable
 * Jakarta Mail {@link Session} whose properties carry the EHLO name, timeouts and limits, and the idle
 * {@linkplain SessionCopies.TlsKit kits} (a socket factory and the session copy that carries it) of finished
 * sessions: each running session holds one kit of its own, taken from the idle ones or made, and gives it back
 * with no route set (so that it refuses every socket until the next session sets its own). There are never more
 * kits than sessions that ran at once (at most the owner's executor threads, {@code DaneMailer.Builder#threads}).
 */
final class AngusSession implements SmtpSession {
  private final Session session;
  private final Executor executor;
  private final ConcurrentLinkedDeque<SessionCopies.TlsKit> idleKits = new ConcurrentLinkedDeque<>();

  AngusSession(Session session, Executor executor) {
    this.session = session;
    this.executor = executor;
  }

  @Override
  public CompletableFuture<SessionResult> run(SessionRequest request) {
    return CompletableFuture.supplyAsync(() -> runNow(request), executor);
  }

  /** A probe that asks the server for a certificate of {@code keyType} only (see DaneMailer#probe). */
  CompletableFuture<SessionResult> probe(SessionRequest request, ServerKeyType keyType) {
    return CompletableFuture.supplyAsync(() -> runNow(request, keyType), executor);
  }

  /** The kits of finished sessions, waiting for the next ones (tests). */
  java.util.List<SessionCopies.TlsKit> idleKits() {
    return java.util.List.copyOf(idleKits);
  }

  /** Runs the session on the calling thread (the CLI's probes, tests). */
  SessionResult runNow(SessionRequest request) {
    return runNow(request, null);
  }

  private SessionResult runNow(SessionRequest request, ServerKeyType keyType) {
    SessionCopies.TlsKit idle = idleKits.pollFirst();
    SessionCopies.TlsKit kit = idle != null ? idle : SessionCopies.TlsKit.of(session);
    try {
      DaneSmtpTransport transport = new DaneSmtpTransport(session,
          new URLName("smtp", request.route().mxHost(), request.route().port(), null, null, null), kit);
      SMTPMessage message = null;
      if (!request.isProbe()) {
        message = new RawMessage(session, request.message());
        message.setEnvelopeFrom(request.sender().isEmpty() ? "<>" : request.sender());
      }
      return transport.runSession(request, message, keyType); // closes the connection, whatever happened
    } finally {
      kit.factory.use(null); // no route of this session is left for the next one to find
      idleKits.offerFirst(kit);
    }
  }

  /**
   * The engine's message bytes as they are (CRLF line ends, not dot-stuffed: Angus's data stream stuffs the
   * dots); Angus's header filter (Bcc) was applied when the bytes were made.
   */
  private static final class RawMessage extends SMTPMessage {
    private final byte[] bytes;

    RawMessage(Session session, byte[] bytes) {
      super(session);
      this.bytes = bytes;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
      out.write(bytes);
    }

    @Override
    public void writeTo(OutputStream out, String[] ignoreList) throws IOException, MessagingException {
      out.write(bytes);
    }
  }
}
