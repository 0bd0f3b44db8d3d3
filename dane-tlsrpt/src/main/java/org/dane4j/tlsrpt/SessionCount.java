package org.dane4j.tlsrpt;

import java.time.LocalDate;
import java.util.Objects;

/**
 * Sessions to add to a store's counters (RFC 8460 §4.4 {@code summary} and {@code failure-details}): a number
 * of successful sessions (no detail) or of failed ones with one detail, for one policy on one UTC day.
 *
 * @param day the UTC day
 * @param policy the policy the sessions ran under
 * @param failure the failure, or null for successful sessions
 * @param count how many sessions, at least 1
 */
public record SessionCount(LocalDate day, ReportPolicy policy, FailureDetail failure, long count) {
  /** Checks the values. */
  public SessionCount {
    Objects.requireNonNull(day, "day");
    Objects.requireNonNull(policy, "policy");
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1: " + count);
    }
  }
}
