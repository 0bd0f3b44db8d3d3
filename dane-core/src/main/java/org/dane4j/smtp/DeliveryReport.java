package org.dane4j.smtp;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.dane4j.dns.DnssecProbe;

/**
 * The per-recipient outcome of sending one message (checklist OUT-1), and whether DNSSEC validation worked
 * through the resolver the deliveries were planned with (DNS-4).
 *
 * @param results one result per envelope recipient, in the order given
 * @param dnssec the resolver's DNSSEC probe result when the message was planned
 *     ({@link DnssecProbe.State#NOT_PROBED} when none is known): when it is
 *     {@link DnssecProbe.State#NOT_VALIDATING}, hosts reported "opportunistic" may have published DANE that
 *     could not be seen (RFC 7672 §2.1)
 */
public record DeliveryReport(List<RecipientResult> results, DnssecProbe dnssec) {
  /** Copies the results; checks for nulls. */
  public DeliveryReport {
    results = List.copyOf(results);
    Objects.requireNonNull(dnssec, "dnssec");
  }

  /** A report without a known DNSSEC probe result ({@link DnssecProbe#notProbed()}). */
  public DeliveryReport(List<RecipientResult> results) {
    this(results, DnssecProbe.notProbed());
  }

  /** Whether every recipient was delivered. */
  public boolean allDelivered() {
    return results.stream().allMatch(r -> r.status() == RecipientResult.Status.DELIVERED);
  }

  /**
   * The worst status of any recipient: {@link RecipientResult.Status#FAILED} when any failed, else
   * {@link RecipientResult.Status#DEFERRED} when any was deferred, else {@link RecipientResult.Status#DELIVERED}
   * (also for a report without recipients). The overall status of the JSON form ({@link ReportJson}).
   */
  public RecipientResult.Status worstStatus() {
    if (results.stream().anyMatch(r -> r.status() == RecipientResult.Status.FAILED)) {
      return RecipientResult.Status.FAILED;
    }
    return results.stream().anyMatch(r -> r.status() == RecipientResult.Status.DEFERRED)
        ? RecipientResult.Status.DEFERRED : RecipientResult.Status.DELIVERED;
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
    String body = results.stream().map(RecipientResult::toString).collect(Collectors.joining("\n"));
    return dnssec.state() == DnssecProbe.State.NOT_VALIDATING || dnssec.state() == DnssecProbe.State.UNKNOWN
        ? body + "\nDNSSEC " + dnssec.state().word() + ": " + dnssec.explanation() : body;
  }
}
