package org.dane4j.tlsrpt;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Where TLS-RPT counters live between the sessions and the daily report (RFC 8460 §4): counters added
 * (never overwritten, so that many sending processes can share one store), read per day and policy domain, a
 * "sent" mark per report set before the report is queued (no duplicate, no loop on a crash), and a lease that
 * elects the one process of a fleet that sends a day's reports (a crashed holder's lease expires).
 *
 * <p>Implementations: {@link MemoryTlsReportStore} (tests, one process) and {@link JdbcTlsReportStore} (an
 * SQLite file by default; PostgreSQL for a fleet). All methods are thread-safe; they may block on I/O, so they
 * are never called on a delivering thread ({@link TlsRptSink} calls them from its own thread).
 */
public interface TlsReportStore extends AutoCloseable {
  /** Adds the counts to the stored counters (an upsert per row), all or none. */
  void add(Collection<SessionCount> counts);

  /** The days with counters, oldest first. */
  List<LocalDate> days();

  /** The policy domains with counters on a day, sorted. */
  List<String> policyDomains(LocalDate day);

  /** The counters of one policy domain on one day; no policies when nothing was recorded. */
  DayAggregate read(LocalDate day, String policyDomain);

  /**
   * Marks the report of a day and policy domain as sent, before it is queued.
   *
   * @return true when this call set the mark, false when it was already set (someone else sends it)
   */
  boolean markSent(LocalDate day, String policyDomain, String reportId, Instant at);

  /** The report id of a day's report for a policy domain, when it was marked sent. */
  Optional<String> sent(LocalDate day, String policyDomain);

  /**
   * Takes or renews the named lease for {@code holder} until {@code now + ttl}, when it is free, expired or
   * already held by {@code holder}.
   *
   * @return whether {@code holder} holds the lease now
   */
  boolean tryLease(String name, String holder, Duration ttl, Instant now);

  /** Gives the lease up, when {@code holder} holds it. */
  void releaseLease(String name, String holder);

  /** Deletes the counters and marks of days before {@code day} (retention). */
  void deleteBefore(LocalDate day);

  @Override
  void close();
}
