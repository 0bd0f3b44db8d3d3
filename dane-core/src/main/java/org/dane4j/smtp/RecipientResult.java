package org.dane4j.smtp;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.dane4j.tlsa.FailureType;

/**
 * What became of one recipient (checklist OUT-1): delivered (with the attempt that delivered it),
 * deferred (transient: try again later) or failed (permanent: bounce), with every attempt made.
 *
 * @param recipient the envelope recipient address
 * @param status delivered, deferred or failed
 * @param attempts every attempt made for this recipient, in order; the last one decided the status
 * @param reason why the status is what it is, in words
 * @param failureType for deferred and failed recipients, the RFC 8460 failure type when there is one
 */
public record RecipientResult(String recipient, Status status, List<DeliveryAttempt> attempts, String reason,
    FailureType failureType) {

  /** The outcome for a recipient. */
  public enum Status {
    /** Accepted by a server with the protection the route required. */
    DELIVERED,
    /** Not delivered now; try again later (4xx). */
    DEFERRED,
    /** Not deliverable (5xx, null MX). */
    FAILED
  }

  /** Checks for nulls and copies the attempts. */
  public RecipientResult {
    Objects.requireNonNull(recipient, "recipient");
    Objects.requireNonNull(status, "status");
    attempts = List.copyOf(attempts);
    Objects.requireNonNull(reason, "reason");
  }

  /** The attempt that delivered the message, when it was delivered. */
  public Optional<DeliveryAttempt> deliveredBy() {
    return status == Status.DELIVERED && !attempts.isEmpty()
        ? Optional.of(attempts.get(attempts.size() - 1)) : Optional.empty();
  }

  /** The attempt that decided the status (the last one made), if any attempt was made. */
  public Optional<DeliveryAttempt> lastAttempt() {
    return attempts.isEmpty() ? Optional.empty() : Optional.of(attempts.get(attempts.size() - 1));
  }

  /**
   * The RFC 8460 failure type to report for this recipient: none when delivered; else its own
   * {@link #failureType()}, or that of its last attempt when that attempt failed.
   */
  public Optional<FailureType> reportedFailureType() {
    if (status == Status.DELIVERED) {
      return Optional.empty();
    }
    if (failureType != null) {
      return Optional.of(failureType);
    }
    return lastAttempt().filter(DeliveryAttempt::failed).map(DeliveryAttempt::failureType);
  }

  @Override
  public String toString() {
    return recipient + ": " + status + " - " + reason;
  }
}
