package org.dane4j.jakartamail;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
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
 * Jakarta Mail {@link Session} whose properties carry the EHLO name, timeouts and limits.
 */
final class AngusSession implements SmtpSession {
  private final Session session;
  private final Executor executor;

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

  /** Runs the session on the calling thread (the CLI's probes, tests). */
  SessionResult runNow(SessionRequest request) {
    return runNow(request, null);
  }

  private SessionResult runNow(SessionRequest request, ServerKeyType keyType) {
    DaneSmtpTransport transport = new DaneSmtpTransport(session,
        new URLName("smtp", request.route().mxHost(), request.route().port(), null, null, null));
    SMTPMessage message = null;
    if (!request.isProbe()) {
      message = new RawMessage(session, request.message());
      message.setEnvelopeFrom(request.sender().isEmpty() ? "<>" : request.sender());
    }
    return transport.runSession(request, message, keyType);
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
