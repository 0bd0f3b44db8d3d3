package org.dane4j.tlsrpt;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.dane4j.delivery.DeliveryEngine;
import org.dane4j.smtp.DeliveryReport;
import org.dane4j.smtp.Envelope;
import org.dane4j.smtp.RecipientResult;

/**
 * Hands a report message (RFC 5322 bytes, CRLF line ends, built by {@link ReportMessage}) to a mail system:
 * dane4j's own {@link DeliveryEngine} ({@link #engine}), or the application's Jakarta Mail session (a lambda
 * that sends the bytes as a {@code MimeMessage}). The message carries {@code TLS-Report-Domain}, so the engine
 * never records its sessions (RFC 8460 §3), and {@code TLS-Required: No} (RFC 8689 §5), so a receiver whose
 * TLS is broken can still be told.
 */
@FunctionalInterface
public interface ReportMailer {
  /**
   * Sends one message to one recipient; completes normally when the message was accepted for delivery,
   * exceptionally (with the reason) when it was not, or when it should be retried.
   */
  CompletableFuture<Void> send(String from, String to, byte[] message);

  /** A mailer that sends through dane4j's engine, straight to the recipient's MX hosts. */
  static ReportMailer engine(DeliveryEngine engine) {
    Objects.requireNonNull(engine, "engine");
    return (from, to, message) -> engine.send(Envelope.of(from, List.of(to)), message).thenApply(
        (DeliveryReport report) -> {
          RecipientResult r = report.of(to);
          if (r.status() != RecipientResult.Status.DELIVERED) {
            throw new IllegalStateException("report to " + to + " " + r.status() + ": " + r.reason());
          }
          return null;
        });
  }
}
