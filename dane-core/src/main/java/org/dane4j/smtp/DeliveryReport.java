package org.dane4j.smtp;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The per-recipient outcome of sending one message (checklist OUT-1).
 *
 * @param results one result per envelope recipient, in the order given
 */
public record DeliveryReport(List<RecipientResult> results) {
  /** Copies the results. */
  public DeliveryReport {
    results = List.copyOf(results);
  }

  /** Whether every recipient was delivered. */
  public boolean allDelivered() {
    return results.stream().allMatch(r -> r.status() == RecipientResult.Status.DELIVERED);
  }

  /** The results with this status. */
  public List<RecipientResult> withStatus(RecipientResult.Status status) {
    return results.stream().filter(r -> r.status() == status).toList();
  }

  /** The result for one recipient address (case-insensitive). */
  public RecipientResult of(String recipient) {
    return results.stream().filter(r -> r.recipient().equalsIgnoreCase(recipient)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no result for " + recipient));
  }

  @Override
  public String toString() {
    return results.stream().map(RecipientResult::toString).collect(Collectors.joining("\n"));
  }
}
