package org.dane4j.dns;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DNSSEC probe of one resolver (checklist DNS-4), run once before the first plan and again when its result
 * is older than the probe interval — sooner ({@link DaneResolver#PROBE_RETRY_AFTER_NO_ANSWER}) when the resolver
 * did not answer. One probe at a time; while a refresh runs, callers get the previous result at once. A change
 * of state is logged once: not validating as an error, no answer as a warning, working again as info.
 */
final class ProbeSchedule {
  /** Where state changes are reported; SLF4J by default, a recorder in tests. */
  interface Log {
    void changed(DnssecProbe previous, DnssecProbe now);
  }

  private static final Logger LOG = LoggerFactory.getLogger(DaneResolver.class);

  /** The default {@link Log}: one line per change of state. */
  static final Log SLF4J = (previous, now) -> {
    switch (now.state()) {
      case NOT_VALIDATING -> LOG.error("DNSSEC probe (DNS-4): {}", now.explanation());
      case UNKNOWN -> LOG.warn("DNSSEC probe (DNS-4): {}", now.explanation());
      case VALIDATING -> {
        if (previous.state() == DnssecProbe.State.NOT_PROBED) {
          LOG.debug("DNSSEC probe (DNS-4): {}", now.explanation());
        } else {
          LOG.info("DNSSEC probe (DNS-4): {}", now.explanation());
        }
      }
      default -> { }
    }
  };

  private final Supplier<CompletableFuture<DnssecProbe>> run;
  private final Clock clock;
  private final Duration interval;
  private final Duration retry;
  private final Log log;

  private DnssecProbe last = DnssecProbe.notProbed();
  private Instant lastAt;
  private CompletableFuture<DnssecProbe> running;

  ProbeSchedule(Supplier<CompletableFuture<DnssecProbe>> run, Clock clock, Duration interval, Log log) {
    this.run = Objects.requireNonNull(run, "run");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.interval = Objects.requireNonNull(interval, "interval");
    this.retry = interval.compareTo(DaneResolver.PROBE_RETRY_AFTER_NO_ANSWER) < 0 ? interval
        : DaneResolver.PROBE_RETRY_AFTER_NO_ANSWER;
    this.log = Objects.requireNonNull(log, "log");
  }

  /**
   * The current result: the first probe's future until it completes, then the latest result, starting a
   * refresh in the background when it is due.
   */
  synchronized CompletableFuture<DnssecProbe> current() {
    if (lastAt == null) {
      return running != null ? running : start();
    }
    Duration age = Duration.between(lastAt, clock.instant());
    Duration due = last.state() == DnssecProbe.State.UNKNOWN ? retry : interval;
    if (running == null && age.compareTo(due) >= 0) {
      start();
    }
    return CompletableFuture.completedFuture(last);
  }

  /** Runs a probe now (or joins the one running) and records its result. */
  synchronized CompletableFuture<DnssecProbe> now() {
    return running != null ? running : start();
  }

  /** The latest result, {@link DnssecProbe#notProbed()} before the first; never starts a probe. */
  synchronized DnssecProbe last() {
    return last;
  }

  private CompletableFuture<DnssecProbe> start() {
    CompletableFuture<DnssecProbe> probe;
    try {
      probe = run.get();
    } catch (RuntimeException e) {
      probe = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<DnssecProbe> recorded = probe.handle((p, e) -> record(p, e));
    synchronized (this) {
      if (!recorded.isDone()) {
        running = recorded;
      }
    }
    return recorded;
  }

  private DnssecProbe record(DnssecProbe probe, Throwable failure) {
    DnssecProbe now = probe;
    if (now == null) { // the probe's lookup never fails exceptionally; keep the schedule alive if it does
      now = new DnssecProbe(DnssecProbe.State.UNKNOWN, DnsAnswer.failure(org.xbill.DNS.Name.root,
          org.xbill.DNS.Type.SOA, DnssecStatus.INDETERMINATE, java.util.List.of(), Duration.ZERO,
          String.valueOf(failure)), "the DNSSEC probe failed: " + failure + "; probed again later");
    }
    DnssecProbe previous;
    synchronized (this) {
      previous = last;
      last = now;
      lastAt = clock.instant();
      running = null;
    }
    if (previous.state() != now.state()) {
      log.changed(previous, now);
    }
    return now;
  }
}
