package org.dane4j.tlsrpt;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a store holds for one policy domain on one UTC day: the material of one RFC 8460 report.
 *
 * @param day the UTC day
 * @param policyDomain the policy domain
 * @param policies one entry per policy, in a stable order
 */
public record DayAggregate(LocalDate day, String policyDomain, List<PolicyCounts> policies) {
  /** Copies the list. */
  public DayAggregate {
    Objects.requireNonNull(day, "day");
    Objects.requireNonNull(policyDomain, "policyDomain");
    policies = List.copyOf(policies);
  }

  /** Whether any session of the day failed (for the "only days with failures" choice, as mox does). */
  public boolean hasFailures() {
    return policies.stream().anyMatch(p -> p.failed() > 0);
  }

  /**
   * One policy's counters.
   *
   * @param policy the policy
   * @param successful the {@code total-successful-session-count}
   * @param failures each failure detail with its count, in a stable order
   */
  public record PolicyCounts(ReportPolicy policy, long successful, Map<FailureDetail, Long> failures) {
    /** Copies the map, keeping its order. */
    public PolicyCounts {
      Objects.requireNonNull(policy, "policy");
      failures = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(failures));
    }

    /** The {@code total-failure-session-count}: the sum of the failure details' counts. */
    public long failed() {
      return failures.values().stream().mapToLong(Long::longValue).sum();
    }
  }
}
