package org.dane4j.tlsrpt;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A {@link TlsReportStore} in memory, for tests and for one process that accepts losing its counters at exit.
 * Every method is synchronized.
 */
public final class MemoryTlsReportStore implements TlsReportStore {
  private record Key(LocalDate day, ReportPolicy policy, FailureDetail failure) {}

  private record Lease(String holder, Instant expires) {}

  private final Map<Key, Long> counts = new LinkedHashMap<>();
  private final Map<String, String> sent = new HashMap<>();
  private final Map<String, Lease> leases = new HashMap<>();

  @Override
  public synchronized void add(Collection<SessionCount> add) {
    for (SessionCount c : add) {
      counts.merge(new Key(c.day(), c.policy(), c.failure()), c.count(), Long::sum);
    }
  }

  @Override
  public synchronized List<LocalDate> days() {
    return counts.keySet().stream().map(Key::day).distinct().sorted().toList();
  }

  @Override
  public synchronized List<String> policyDomains(LocalDate day) {
    return counts.keySet().stream().filter(k -> k.day.equals(day)).map(k -> k.policy.policyDomain()).distinct()
        .sorted().toList();
  }

  @Override
  public synchronized DayAggregate read(LocalDate day, String policyDomain) {
    String domain = ReportPolicy.domain(policyDomain);
    Map<ReportPolicy, long[]> success = new TreeMap<>(Comparator.comparing(ReportPolicy::id));
    Map<ReportPolicy, Map<FailureDetail, Long>> failures = new HashMap<>();
    counts.forEach((k, n) -> {
      if (k.day.equals(day) && k.policy.policyDomain().equals(domain)) {
        success.computeIfAbsent(k.policy, p -> new long[1]);
        if (k.failure == null) {
          success.get(k.policy)[0] += n;
        } else {
          failures.computeIfAbsent(k.policy, p -> new TreeMap<>(Comparator.comparing(FailureDetail::id)))
              .merge(k.failure, n, Long::sum);
        }
      }
    });
    List<DayAggregate.PolicyCounts> policies = new ArrayList<>();
    success.forEach((p, s) -> policies.add(new DayAggregate.PolicyCounts(p, s[0],
        failures.getOrDefault(p, Map.of()))));
    return new DayAggregate(day, domain, policies);
  }

  @Override
  public synchronized boolean markSent(LocalDate day, String policyDomain, String reportId, Instant at) {
    return sent.putIfAbsent(day + " " + ReportPolicy.domain(policyDomain), reportId) == null;
  }

  @Override
  public synchronized Optional<String> sent(LocalDate day, String policyDomain) {
    return Optional.ofNullable(sent.get(day + " " + ReportPolicy.domain(policyDomain)));
  }

  @Override
  public synchronized boolean tryLease(String name, String holder, Duration ttl, Instant now) {
    Lease l = leases.get(name);
    if (l == null || l.holder.equals(holder) || l.expires.isBefore(now)) {
      leases.put(name, new Lease(holder, now.plus(ttl)));
      return true;
    }
    return false;
  }

  @Override
  public synchronized void releaseLease(String name, String holder) {
    leases.computeIfPresent(name, (n, l) -> l.holder.equals(holder) ? null : l);
  }

  @Override
  public synchronized void deleteBefore(LocalDate day) {
    counts.keySet().removeIf(k -> k.day.isBefore(day));
    sent.keySet().removeIf(k -> LocalDate.parse(k.substring(0, 10)).isBefore(day));
  }

  @Override
  public void close() {}
}
