package org.dane4j.tlsrpt;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** A store that forwards every call, for tests that break one. */
class ForwardingStore implements TlsReportStore {
  private final TlsReportStore d;

  ForwardingStore(TlsReportStore d) {
    this.d = d;
  }

  @Override
  public void add(Collection<SessionCount> counts) {
    d.add(counts);
  }

  @Override
  public List<LocalDate> days() {
    return d.days();
  }

  @Override
  public List<String> policyDomains(LocalDate day) {
    return d.policyDomains(day);
  }

  @Override
  public DayAggregate read(LocalDate day, String policyDomain) {
    return d.read(day, policyDomain);
  }

  @Override
  public boolean markSent(LocalDate day, String policyDomain, String reportId, Instant at) {
    return d.markSent(day, policyDomain, reportId, at);
  }

  @Override
  public Optional<String> sent(LocalDate day, String policyDomain) {
    return d.sent(day, policyDomain);
  }

  @Override
  public boolean tryLease(String name, String holder, Duration ttl, Instant now) {
    return d.tryLease(name, holder, ttl, now);
  }

  @Override
  public void releaseLease(String name, String holder) {
    d.releaseLease(name, holder);
  }

  @Override
  public void deleteBefore(LocalDate day) {
    d.deleteBefore(day);
  }

  @Override
  public void close() {
    d.close();
  }
}
