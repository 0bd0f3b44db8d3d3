package org.dane4j.tlsrpt;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.dane4j.delivery.DeliveryListener;
import org.dane4j.delivery.SendInfo;
import org.dane4j.delivery.SessionResult;
import org.dane4j.smtp.DeliveryAttempt;
import org.dane4j.smtp.MxRoute;
import org.dane4j.smtp.PolicyType;
import org.dane4j.sts.StsMode;
import org.dane4j.tlsa.FailureType;
import org.dane4j.tlsa.TlsaRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the engine's sessions for TLS reporting (RFC 8460 §4), off the delivering thread's way: a
 * {@link DeliveryListener} to pass to {@code DeliveryEngine.Builder.listener}.
 *
 * <p>Each session (each {@link DeliveryAttempt}) adds one to one counter in memory, keyed by (UTC day,
 * policy, failure detail), as the sys4 collector does; a thread of the sink's own adds the counters to the
 * {@link TlsReportStore} every {@link Builder#flushEvery} events or {@link Builder#flushInterval}, whichever
 * comes first, and at {@link #close()}. The delivering thread never waits: the counters are striped
 * {@link ConcurrentHashMap}s of atomic cells (a thread uses the stripe of its id, so threads seldom share a
 * cell) that the flusher retires one by one (a late increment on a retired cell is redone on a fresh one, so
 * none is lost), and when {@link Builder#maxPendingRows} distinct counters are waiting, a session with a new key is dropped and counted ({@link #dropped()}, one warning per
 * flush) rather than blocking or growing memory.
 *
 * <p>What is recorded, per session (RFC 8460 §4.3): a success when TLS was established (new or reused
 * connection); a failure with its result type when the attempt failed with one (including a route that could
 * not be tried, e.g. {@code dnssec-invalid}); nothing for a session that failed without a TLS result (no
 * connection) or ran in cleartext without a policy. <b>Sessions that carry a TLS report are never recorded</b>
 * ({@link SendInfo#tlsReport()}), so that two broken systems cannot report each other's reports for ever.
 */
public final class TlsRptSink implements DeliveryListener, AutoCloseable {
  /** Default of {@link Builder#flushEvery}: 10,000 events. */
  public static final long DEFAULT_FLUSH_EVERY = 10_000;
  /** Default of {@link Builder#flushInterval}: 30 s. */
  public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(30);
  /** Default of {@link Builder#maxPendingRows}: 100,000 distinct counters waiting for a flush. */
  public static final int DEFAULT_MAX_PENDING_ROWS = 100_000;

  private static final Logger LOG = LoggerFactory.getLogger(TlsRptSink.class);
  private static final long RETIRED = Long.MIN_VALUE / 2;
  private static final long MILLIS_PER_DAY = 86_400_000L;

  private record Row(long epochDay, ReportPolicy policy, FailureDetail failure) {}

  /** A route (by identity: routes have no equality of their own), the domain and the type it reports under. */
  private record PolicyKey(MxRoute route, String domain, PolicyType type) {}

  /** The policies cached per route are forgotten when this many are held. */
  private static final int MAX_CACHED_POLICIES = 4096;

  private static final class Cell {
    final AtomicLong n = new AtomicLong();
  }

  /** One share of the counters; a thread uses the stripe of its id, so threads rarely touch the same cell. */
  private static final class Stripe {
    final ConcurrentHashMap<Row, Cell> cells = new ConcurrentHashMap<>();
    final AtomicLong events = new AtomicLong();
  }

  private final TlsReportStore store;
  private final Clock clock;
  private final long flushEvery;
  private final Duration flushInterval;
  private final int maxPendingRows;
  private final DaneReportDomain daneReports;
  private final Stripe[] stripes;
  private final int stripeMask;
  private final long stripeFlushEvery;
  private final AtomicInteger rows = new AtomicInteger();
  private final ConcurrentHashMap<PolicyKey, ReportPolicy> policies = new ConcurrentHashMap<>();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder skippedReports = new LongAdder();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread flusher;
  private List<SessionCount> unsaved = new ArrayList<>();
  private long droppedWarned;

  private TlsRptSink(Builder b) {
    this.store = b.store;
    this.clock = b.clock;
    this.flushEvery = b.flushEvery;
    this.flushInterval = b.flushInterval;
    this.maxPendingRows = b.maxPendingRows;
    this.daneReports = b.daneReports;
    int n = Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors()) * 2 - 1) * 2;
    this.stripes = new Stripe[Math.min(n, 64)];
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new Stripe();
    }
    this.stripeMask = stripes.length - 1;
    this.stripeFlushEvery = Math.max(1, flushEvery / stripes.length);
    this.flusher = new Thread(this::flushLoop, "dane4j-tlsrpt-flush");
    flusher.setDaemon(true);
    flusher.start();
  }

  /** A builder over a store. */
  public static Builder builder(TlsReportStore store) {
    return new Builder(store);
  }

  @Override
  public void attemptFinished(SendInfo send, DeliveryAttempt attempt, SessionResult session) {
    if (send.tlsReport()) {
      skippedReports.increment(); // RFC 8460 §3: never report the sessions of reports
      return;
    }
    boolean success = !attempt.failed() && attempt.tlsProtocol() != null;
    FailureType type = attempt.failureType();
    MxRoute route = attempt.route();
    FailureType wouldFail = success ? testingFailure(route, session) : null;
    if (wouldFail != null) { // RFC 8461 §5: under testing the session went on; the report counts the failure
      success = false;
      type = wouldFail;
    }
    if (!success && type == null) {
      return; // no TLS result: no connection, or cleartext without a policy
    }
    long day = Math.floorDiv(clock.millis(), MILLIS_PER_DAY);
    if (route.stsFetchFailure().isPresent()) { // the domain announced a policy that could not be had
      String address = attempt.address() == null ? "" : attempt.address().getHostAddress();
      count(new Row(day, policy(route, send.domain(), PolicyType.STS),
          FailureDetail.of(route.stsFetchFailure().get().resultType(), route.mxHost(), address)));
      return;
    }
    FailureDetail detail = success ? null : FailureDetail.of(type.resultType(), route.mxHost(),
        attempt.address() == null ? "" : attempt.address().getHostAddress());
    PolicyType policyType = policyType(route, type);
    if (policyType == PolicyType.TLSA) {
      if (daneReports != DaneReportDomain.MX_HOST) {
        count(new Row(day, policy(route, send.domain(), PolicyType.TLSA), detail));
      }
      if (daneReports != DaneReportDomain.RECIPIENT_DOMAIN) {
        count(new Row(day, policy(route, route.tlsaBaseDomain(), PolicyType.TLSA), detail));
      }
    } else {
      count(new Row(day, policy(route, send.domain(), policyType), detail));
    }
  }

  /**
   * What an MTA-STS {@code testing} policy would have refused in a session that went on (RFC 8461 §5, RFC 8460
   * §4.3): the certificate check's failure the route's trust manager recorded, or an MX host that no {@code mx}
   * pattern matches ({@code validation-failure}); null when the policy is not {@code testing} or nothing failed.
   */
  private static FailureType testingFailure(MxRoute route, SessionResult session) {
    if (route.stsMode().orElse(null) != StsMode.TESTING) {
      return null;
    }
    if (session != null && session.stsFailure().isPresent()) {
      return session.stsFailure().get().failureType();
    }
    boolean matches = route.stsPolicy().map(p -> p.matches(route.mxHost())).orElse(true);
    return matches ? null : FailureType.VALIDATION_FAILURE;
  }

  /** The report policy of a route for a domain, built once per route (plans and their routes are reused). */
  private ReportPolicy policy(MxRoute route, String domain, PolicyType type) {
    PolicyKey key = new PolicyKey(route, domain, type);
    ReportPolicy p = policies.get(key);
    if (p == null) {
      if (policies.size() >= MAX_CACHED_POLICIES) {
        policies.clear();
      }
      p = switch (type) {
        case TLSA -> tlsaPolicy(route, domain);
        case STS -> route.stsPolicy().map(sts -> new ReportPolicy(PolicyType.STS, domain, stsLines(sts.text()),
            sts.mxPatterns())).orElseGet(() -> new ReportPolicy(PolicyType.STS, domain, List.of(), List.of()));
        case NO_POLICY_FOUND -> new ReportPolicy(PolicyType.NO_POLICY_FOUND, domain, List.of(), List.of());
      };
      policies.putIfAbsent(key, p);
    }
    return p;
  }

  /** A route that failed for want of valid DANE data reports under {@code tlsa} even without usable records. */
  private static PolicyType policyType(MxRoute route, FailureType type) {
    PolicyType t = route.policyType();
    if (t == PolicyType.NO_POLICY_FOUND && (type == FailureType.TLSA_INVALID || type == FailureType.DNSSEC_INVALID
        || type == FailureType.DANE_REQUIRED)) {
      return PolicyType.TLSA;
    }
    return t;
  }

  private static ReportPolicy tlsaPolicy(MxRoute route, String domain) {
    List<TlsaRecord> records = route.tlsa();
    List<String> strings = new ArrayList<>(records.size());
    for (TlsaRecord r : records) {
      strings.add(r.toString());
    }
    return new ReportPolicy(PolicyType.TLSA, domain, strings, List.of(route.mxHost()));
  }

  private static List<String> stsLines(String text) {
    List<String> lines = new ArrayList<>();
    for (String line : text.split("\r?\n")) {
      if (!line.isBlank()) {
        lines.add(line.strip());
      }
    }
    return lines;
  }

  private void count(Row row) {
    Stripe stripe = stripes[(int) Thread.currentThread().getId() & stripeMask];
    for (;;) {
      Cell c = stripe.cells.get(row);
      if (c == null) {
        if (rows.get() >= maxPendingRows) {
          dropped.increment();
          return;
        }
        Cell fresh = new Cell();
        c = stripe.cells.putIfAbsent(row, fresh);
        if (c == null) {
          rows.incrementAndGet();
          c = fresh;
        }
      }
      if (c.n.getAndIncrement() >= 0) {
        break;
      }
      // the flusher retired this cell after we found it: count on a fresh one
    }
    if (stripe.events.incrementAndGet() % stripeFlushEvery == 0) {
      LockSupport.unpark(flusher);
    }
  }

  private void flushLoop() {
    while (!closed.get()) {
      LockSupport.parkNanos(this, flushInterval.toNanos());
      if (!closed.get()) {
        flushQuietly();
      }
    }
  }

  private void flushQuietly() {
    try {
      flush();
    } catch (RuntimeException e) {
      LOG.warn("tlsrpt.flush failed; the counters are kept for the next try: {}", e.getMessage());
    }
  }

  /**
   * Adds the counters gathered so far to the store, now, on the calling thread (the sink's own thread does this
   * by itself; call it from tests or before reading the store). Counters a failed flush could not save are kept
   * and tried again with the next one.
   *
   * @throws IllegalStateException when the store fails
   */
  public synchronized void flush() {
    List<SessionCount> batch = unsaved;
    unsaved = new ArrayList<>();
    Map<Row, long[]> merged = new HashMap<>();
    for (Stripe stripe : stripes) {
      for (Map.Entry<Row, Cell> e : stripe.cells.entrySet()) {
        if (stripe.cells.remove(e.getKey(), e.getValue())) {
          rows.decrementAndGet();
          long n = e.getValue().n.getAndSet(RETIRED);
          if (n > 0) {
            merged.computeIfAbsent(e.getKey(), k -> new long[1])[0] += n;
          }
        }
      }
    }
    merged.forEach((r, n) -> batch.add(new SessionCount(LocalDate.ofEpochDay(r.epochDay), r.policy, r.failure, n[0])));
    long lost = dropped.sum();
    if (lost > droppedWarned) {
      LOG.warn("tlsrpt.dropped {} sessions so far: more than maxPendingRows ({}) distinct counters waited for a"
          + " flush", lost, maxPendingRows);
      droppedWarned = lost;
    }
    try {
      store.add(batch);
    } catch (RuntimeException e) {
      if (batch.size() <= maxPendingRows) {
        unsaved = batch;
      } else {
        batch.forEach(c -> dropped.add(c.count()));
      }
      throw e;
    }
  }

  /** Sessions not recorded because {@link Builder#maxPendingRows} counters were waiting. */
  public long dropped() {
    return dropped.sum();
  }

  /** Sessions counted so far (not the dropped ones, nor the TLS reports' own). */
  public long recorded() {
    long n = 0;
    for (Stripe s : stripes) {
      n += s.events.get();
    }
    return n;
  }

  /** Sessions left out because they carried a TLS report. */
  public long skippedReports() {
    return skippedReports.sum();
  }

  /** Distinct counters waiting for the next flush. */
  public int pendingRows() {
    return rows.get();
  }

  /** Stops the sink's thread and flushes what is left; the store stays open (its owner closes it). */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      LockSupport.unpark(flusher);
      try {
        flusher.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      flush();
    }
  }

  /** Builds a sink; every option is checked when set. */
  public static final class Builder {
    private final TlsReportStore store;
    private Clock clock = Clock.systemUTC();
    private long flushEvery = DEFAULT_FLUSH_EVERY;
    private Duration flushInterval = DEFAULT_FLUSH_INTERVAL;
    private int maxPendingRows = DEFAULT_MAX_PENDING_ROWS;
    private DaneReportDomain daneReports = DaneReportDomain.RECIPIENT_DOMAIN;

    private Builder(TlsReportStore store) {
      this.store = Objects.requireNonNull(store, "store");
    }

    /** The clock that gives each session its UTC day; default the system's. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Wake the flusher after this many sessions; default {@value TlsRptSink#DEFAULT_FLUSH_EVERY}. */
    public Builder flushEvery(long events) {
      if (events < 1) {
        throw new IllegalArgumentException("flushEvery must be at least 1: " + events);
      }
      this.flushEvery = events;
      return this;
    }

    /** Flush at least this often; default 30 s; from 10 ms to 1 h. */
    public Builder flushInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.compareTo(Duration.ofMillis(10)) < 0 || interval.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("flushInterval must be from 10 ms to 1 h: " + interval);
      }
      this.flushInterval = interval;
      return this;
    }

    /**
     * The most distinct counters kept in memory between flushes (each a few hundred bytes); sessions with a new
     * key beyond it are dropped and counted. Default {@value TlsRptSink#DEFAULT_MAX_PENDING_ROWS}.
     */
    public Builder maxPendingRows(int rows) {
      if (rows < 1) {
        throw new IllegalArgumentException("maxPendingRows must be at least 1: " + rows);
      }
      this.maxPendingRows = rows;
      return this;
    }

    /** Where DANE results are reported; default {@link DaneReportDomain#RECIPIENT_DOMAIN}. */
    public Builder daneReports(DaneReportDomain where) {
      this.daneReports = Objects.requireNonNull(where, "where");
      return this;
    }

    /** The sink, its flushing thread started. */
    public TlsRptSink build() {
      return new TlsRptSink(this);
    }
  }
}
