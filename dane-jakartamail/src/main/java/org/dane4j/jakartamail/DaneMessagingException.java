package org.dane4j.jakartamail;

import jakarta.mail.MessagingException;
import java.util.Objects;
import org.dane4j.smtp.DeliveryAttempt;

/**
 * A connection refused by DANE rules or failed on a DANE route, carrying the attempt with its RFC 8460
 * failure type, the DANE verification when one ran, and whether the failure is transient.
 */
public class DaneMessagingException extends MessagingException {
  private static final long serialVersionUID = 1L;
  private final transient DeliveryAttempt attempt;

  /** An exception for this failed attempt. */
  public DaneMessagingException(String message, DeliveryAttempt attempt) {
    super(message);
    this.attempt = Objects.requireNonNull(attempt, "attempt");
  }

  /** An exception for this failed attempt, caused by {@code cause}. */
  public DaneMessagingException(String message, DeliveryAttempt attempt, Exception cause) {
    super(message, cause);
    this.attempt = Objects.requireNonNull(attempt, "attempt");
  }

  /** The failed attempt (checklist OUT-1). */
  public DeliveryAttempt attempt() {
    return attempt;
  }
}
