package org.dane4j.tlsrpt;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
import org.dane4j.dns.DaneResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the daily reports (RFC 8460 §5) of a {@link TlsReportStore}: per policy domain of a finished UTC day,
 * it looks up the {@code _smtp._tls} record again, builds the report, marks it sent in the store <em>before</em>
 * handing it to any destination (so a crash or a second process never sends it twice, as mox does), then posts it
 * to every {@code https:} URI ({@code application/tlsrpt+gzip}) and mails it to every {@code mailto:} address,
 * each destination with up to {@link Builder#maxAttempts} tries.
 *
 * <p>{@link #start()} runs it every day: shortly after 00:00 UTC ({@link Builder#startDelay}) the process that
 * wins the store's lease {@code tlsrpt-send-<day>} sends the previous day's reports, each domain at a random
 * moment within {@link Builder#spread} (jitter, so receivers and DNS see no burst). {@link #sendDay} does one day
 * at once (the CLI, tests).
 *
 * <p>Limits: a report whose gzipped size exceeds {@link Builder#maxReportBytes} is not sent (and said so);
 * a DNS failure of the record lookup leaves the report unsent for the next run (never "no record").
 */
public final class TlsReportSender implements AutoCloseable {
  /** Default of {@link Builder#maxReportBytes}: 5 MiB of gzip (Stalwart's documented cap). */
  public static final long DEFAULT_MAX_REPORT_BYTES = 5L * 1024 * 1024;
  /** Default of {@link Builder#maxAttempts}: 5 tries per destination. */
  public static final int DEFAULT_MAX_ATTEMPTS = 5;
  /** Default of {@link Builder#retryDelay}: 5 minutes, doubled after each try. */
  public static final Duration DEFAULT_RETRY_DELAY = Duration.ofMinutes(5);
  /** Default of {@link Builder#spread}: 4 hours (mox). */
  public static final Duration DEFAULT_SPREAD = Duration.ofHours(4);
  /** Default of {@link Builder#startDelay}: 5 minutes after 00:00 UTC. */
  public static final Duration DEFAULT_START_DELAY = Duration.ofMinutes(5);
  /** Default of {@link Builder#httpTimeout}: 2 minutes per POST. */
  public static final Duration DEFAULT_HTTP_TIMEOUT = Duration.ofMinutes(2);
  /** Default of {@link Builder#leaseTtl}: 6 hours, longer than the default spread. */
  public static final Duration LEASE_TTL = Duration.ofHours(6);
  /** The name of a day's lease in the store is this prefix and the day ({@code YYYY-MM-DD}). */
  public static final String LEASE_PREFIX = "tlsrpt-send-";

  private static final Logger LOG = LoggerFactory.getLogger(TlsReportSender.class);

  /** What happened to one policy domain's report. */
  public enum Status {
    /** Marked sent and handed to its destinations (see {@link Outcome#failures()} for those that refused it). */
    SENT,
    /** Already marked sent, by this or another process. */
    ALREADY_SENT,
    /** The domain publishes no (valid) TLSRPT record: nothing to send. */
    NO_RECORD,
    /** The record lookup failed: try again later. */
    RETRY_LATER,
    /** No session of the day failed and only failure days are sent. */
    NO_FAILURES,
    /** The gzipped report is larger than {@link Builder#maxReportBytes}. */
    TOO_LARGE,
    /** The record has only destinations this sender cannot use (mailto without a mailer, https switched off). */
    NO_USABLE_DESTINATION
  }

  /**
   * One domain's result.
   *
   * @param policyDomain the policy domain
   * @param status what happened
   * @param reportId the report id (also when not sent)
   * @param failures destinations that did not take the report after every try, with the reason
   * @param detail more words (the lookup's reason, the size)
   */
  public record Outcome(String policyDomain, Status status, String reportId, List<String> failures, String detail) {}

  private final TlsReportStore store;
  private final DaneResolver resolver;
  private final ReportSettings settings;
  private final ReportMailer mailer;
  private final String from;
  private final HttpClient http;
  private final boolean httpsEnabled;
  private final boolean onlyFailureDays;
  private final long maxReportBytes;
  private final int maxAttempts;
  private final Duration retryDelay;
  private final Duration spread;
  private final Duration startDelay;
  private final Duration httpTimeout;
  private final UnaryOperator<byte[]> signer;
  private final Clock clock;
  private final String holder;
  private final Duration leaseTtl;
  private final RandomGenerator random;
  private final ScheduledExecutorService timer;
  private ScheduledFuture<?> daily;

  private TlsReportSender(Builder b) {
    this.store = b.store;
    this.resolver = b.resolver;
    this.settings = b.settings;
    this.mailer = b.mailer;
    this.from = b.from;
    this.http = b.http;
    this.httpsEnabled = b.httpsEnabled;
    this.onlyFailureDays = b.onlyFailureDays;
    this.maxReportBytes = b.maxReportBytes;
    this.maxAttempts = b.maxAttempts;
    this.retryDelay = b.retryDelay;
    this.spread = b.spread;
    this.startDelay = b.startDelay;
    this.httpTimeout = b.httpTimeout;
    this.signer = b.signer;
    this.clock = b.clock;
    this.holder = b.holder;
    this.leaseTtl = b.leaseTtl;
    this.random = b.random;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "dane4j-tlsrpt-send");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * A builder.
   *
   * @param store where the counters are
   * @param resolver for the {@code _smtp._tls} lookups at send time
   * @param settings who sends
   */
  public static Builder builder(TlsReportStore store, DaneResolver resolver, ReportSettings settings) {
    return new Builder(store, resolver, settings);
  }

  /** The JSON report of one domain and day, exactly as it would be sent; empty policies when nothing was recorded. */
  public String json(LocalDate day, String policyDomain) {
    return TlsReportJson.write(store.read(day, policyDomain), settings);
  }

  /** Sends every report of a day now (no spread), each destination with its retries. */
  public CompletableFuture<List<Outcome>> sendDay(LocalDate day) {
    List<CompletableFuture<Outcome>> all = new ArrayList<>();
    for (String domain : store.policyDomains(day)) {
      all.add(send(day, domain));
    }
    return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]))
        .thenApply(x -> all.stream().map(CompletableFuture::join).toList());
  }

  /** Sends one domain's report of a day. */
  public CompletableFuture<Outcome> send(LocalDate day, String policyDomain) {
    DayAggregate agg = store.read(day, policyDomain);
    String id = TlsReportJson.reportId(agg, settings);
    String domain = agg.policyDomain();
    if (store.sent(day, domain).isPresent()) {
      return CompletableFuture.completedFuture(new Outcome(domain, Status.ALREADY_SENT, id, List.of(), ""));
    }
    if (onlyFailureDays && !agg.hasFailures()) {
      return CompletableFuture.completedFuture(new Outcome(domain, Status.NO_FAILURES, id, List.of(), ""));
    }
    return TlsRptRecord.lookup(resolver, domain).thenCompose(found -> {
      if (found.temporaryFailure()) {
        return done(domain, Status.RETRY_LATER, id, found.reason());
      }
      if (found.record().isEmpty()) {
        return done(domain, Status.NO_RECORD, id, found.reason());
      }
      TlsRptRecord rec = found.record().get();
      List<URI> https = httpsEnabled ? rec.https() : List.of();
      List<String> mailto = mailer != null ? rec.mailto() : List.of();
      if (https.isEmpty() && mailto.isEmpty()) {
        return done(domain, Status.NO_USABLE_DESTINATION, id, "record " + rec + "; https "
            + (httpsEnabled ? "on" : "off") + ", mailer " + (mailer != null ? "set" : "not set"));
      }
      byte[] gzip = TlsReportJson.gzip(TlsReportJson.write(agg, settings));
      if (gzip.length > maxReportBytes) {
        LOG.warn("tlsrpt.too-large domain={} day={} bytes={} maxReportBytes={}", domain, day, gzip.length,
            maxReportBytes);
        return done(domain, Status.TOO_LARGE, id, gzip.length + " bytes of gzip, more than maxReportBytes ("
            + maxReportBytes + ")");
      }
      if (!store.markSent(day, domain, id, clock.instant())) { // before anything leaves: no duplicates
        return done(domain, Status.ALREADY_SENT, id, "");
      }
      List<CompletableFuture<String>> tries = new ArrayList<>();
      for (URI uri : https) {
        tries.add(retrying(() -> post(uri, gzip), "POST " + uri, 1));
      }
      for (String to : mailto) {
        byte[] message = signer.apply(ReportMessage.build(agg, settings, from, to, gzip, clock.instant(),
            ReportMessage.unique(random)));
        tries.add(retrying(() -> mailer.send(from, to, message), "mail to " + to, 1));
      }
      return CompletableFuture.allOf(tries.toArray(new CompletableFuture<?>[0])).thenApply(x -> {
        List<String> failed = tries.stream().map(CompletableFuture::join).filter(Objects::nonNull).toList();
        LOG.info("tlsrpt.sent domain={} day={} report-id={} destinations={} failed={}", domain, day, id,
            tries.size(), failed.size());
        return new Outcome(domain, Status.SENT, id, failed, "");
      });
    });
  }

  private static CompletableFuture<Outcome> done(String domain, Status status, String id, String detail) {
    return CompletableFuture.completedFuture(new Outcome(domain, status, id, List.of(), detail));
  }

  /** Completes with null on success, or with the last failure's words after {@link #maxAttempts} tries. */
  private CompletableFuture<String> retrying(java.util.function.Supplier<CompletableFuture<Void>> call, String what,
      int attempt) {
    CompletableFuture<Void> running;
    try {
      running = call.get();
    } catch (RuntimeException e) {
      running = CompletableFuture.failedFuture(e);
    }
    return running.handle((ok, e) -> e).thenCompose(e -> {
      if (e == null) {
        return CompletableFuture.completedFuture((String) null);
      }
      String reason = what + ": " + (e.getCause() != null && e instanceof java.util.concurrent.CompletionException
          ? e.getCause() : e);
      if (attempt >= maxAttempts) {
        LOG.warn("tlsrpt.gave-up {} after {} tries", reason, attempt);
        return CompletableFuture.completedFuture(reason);
      }
      long delay = retryDelay.toMillis() << Math.min(attempt - 1, 10);
      CompletableFuture<String> next = new CompletableFuture<>();
      timer.schedule(() -> retrying(call, what, attempt + 1).whenComplete((r, x) -> next.complete(r)), delay,
          TimeUnit.MILLISECONDS);
      return next;
    });
  }

  private CompletableFuture<Void> post(URI uri, byte[] gzip) {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(httpTimeout)
        .header("Content-Type", "application/tlsrpt+gzip").POST(HttpRequest.BodyPublishers.ofByteArray(gzip)).build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).thenAccept(r -> {
      if (r.statusCode() / 100 != 2) {
        throw new IllegalStateException("HTTP " + r.statusCode());
      }
    });
  }

  /**
   * Sends each finished day's reports every day: {@link Builder#startDelay} after 00:00 UTC, the process that
   * takes the lease sends yesterday's reports, each domain after a random delay within {@link Builder#spread}.
   */
  public synchronized void start() {
    if (daily == null) {
      long now = clock.millis();
      long nextRun = (Math.floorDiv(now, 86_400_000L) + 1) * 86_400_000L + startDelay.toMillis();
      daily = timer.scheduleAtFixedRate(this::runDaily, nextRun - now, 86_400_000L, TimeUnit.MILLISECONDS);
    }
  }

  private void runDaily() {
    LocalDate yesterday = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(1);
    try {
      sendDayIfLeader(yesterday).whenComplete((outcomes, e) -> {
        if (e != null) {
          LOG.warn("tlsrpt.daily run failed for {}: {}", yesterday, e.toString());
        }
      });
    } catch (RuntimeException e) {
      LOG.warn("tlsrpt.daily run failed for {}: {}", yesterday, e.toString());
    }
  }

  /**
   * What the daily run does, for a given day (for applications with their own scheduler, and fleet tests): when
   * this process takes the store's lease {@code tlsrpt-send-<day>} (for {@link Builder#leaseTtl}), it sends the
   * day's reports, each domain after a random delay within {@link Builder#spread}; a report that met a DNS
   * failure is tried once more after {@link Builder#retryDelay}. When another process holds the lease, nothing
   * is sent and the future completes with {@link Optional#empty()}.
   *
   * @return the outcomes of this process's sends (after the spread), or empty when another process leads
   * @throws IllegalStateException when the store fails
   */
  public CompletableFuture<Optional<List<Outcome>>> sendDayIfLeader(LocalDate day) {
    if (!store.tryLease(LEASE_PREFIX + day, holder, leaseTtl, clock.instant())) {
      LOG.info("tlsrpt.lease-held day={}: another process sends the reports", day);
      return CompletableFuture.completedFuture(Optional.empty());
    }
    List<CompletableFuture<Outcome>> all = new ArrayList<>();
    for (String domain : store.policyDomains(day)) {
      long jitter = spread.isZero() ? 0 : random.nextLong(spread.toMillis());
      CompletableFuture<Outcome> one = new CompletableFuture<>();
      all.add(one);
      timer.schedule(() -> send(day, domain).thenCompose(o -> {
        if (o.status() != Status.RETRY_LATER) {
          return CompletableFuture.completedFuture(o);
        }
        CompletableFuture<Outcome> again = new CompletableFuture<>();
        timer.schedule(() -> send(day, domain).whenComplete((r, x) -> {
          if (x != null) {
            again.completeExceptionally(x);
          } else {
            again.complete(r);
          }
        }), retryDelay.toMillis(), TimeUnit.MILLISECONDS);
        return again;
      }).whenComplete((o, e) -> {
        if (e != null) {
          LOG.warn("tlsrpt.send failed domain={} day={}: {}", domain, day, e.toString());
          one.completeExceptionally(e);
        } else {
          one.complete(o);
        }
      }), jitter, TimeUnit.MILLISECONDS);
    }
    return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]))
        .thenApply(x -> Optional.of(all.stream().map(CompletableFuture::join).toList()));
  }

  /** Stops the daily runs and pending retries. */
  @Override
  public void close() {
    timer.shutdownNow();
  }

  /** Builds a sender; each option is checked when set. */
  public static final class Builder {
    private final TlsReportStore store;
    private final DaneResolver resolver;
    private final ReportSettings settings;
    private ReportMailer mailer;
    private String from;
    private HttpClient http;
    private boolean httpsEnabled = true;
    private boolean onlyFailureDays;
    private long maxReportBytes = DEFAULT_MAX_REPORT_BYTES;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration retryDelay = DEFAULT_RETRY_DELAY;
    private Duration spread = DEFAULT_SPREAD;
    private Duration startDelay = DEFAULT_START_DELAY;
    private Duration httpTimeout = DEFAULT_HTTP_TIMEOUT;
    private UnaryOperator<byte[]> signer = UnaryOperator.identity();
    private Clock clock = Clock.systemUTC();
    private String holder;
    private Duration leaseTtl = LEASE_TTL;
    private RandomGenerator random = new SecureRandom();

    private Builder(TlsReportStore store, DaneResolver resolver, ReportSettings settings) {
      this.store = Objects.requireNonNull(store, "store");
      this.resolver = Objects.requireNonNull(resolver, "resolver");
      this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** Mails reports to {@code mailto:} destinations from {@code from}; without a mailer they are skipped. */
    public Builder mailer(ReportMailer mailer, String from) {
      this.mailer = Objects.requireNonNull(mailer, "mailer");
      if (Objects.requireNonNull(from, "from").indexOf('@') < 1) {
        throw new IllegalArgumentException("from must be a mailbox: " + from);
      }
      this.from = from;
      return this;
    }

    /** The HTTP client for {@code https:} destinations; default a new JDK client (redirects never followed). */
    public Builder httpClient(HttpClient client) {
      this.http = Objects.requireNonNull(client, "client");
      return this;
    }

    /** Whether to post to {@code https:} destinations (mox never does: they are unauthenticated); default true. */
    public Builder https(boolean enabled) {
      this.httpsEnabled = enabled;
      return this;
    }

    /** Send only days on which a session failed (mox's default); default false: every day with sessions. */
    public Builder onlyFailureDays(boolean only) {
      this.onlyFailureDays = only;
      return this;
    }

    /** The largest gzipped report sent; default {@value TlsReportSender#DEFAULT_MAX_REPORT_BYTES} bytes. */
    public Builder maxReportBytes(long bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxReportBytes must be at least 1024: " + bytes);
      }
      this.maxReportBytes = bytes;
      return this;
    }

    /** Tries per destination, 1 to 20; default {@value TlsReportSender#DEFAULT_MAX_ATTEMPTS}. */
    public Builder maxAttempts(int attempts) {
      if (attempts < 1 || attempts > 20) {
        throw new IllegalArgumentException("maxAttempts must be from 1 to 20: " + attempts);
      }
      this.maxAttempts = attempts;
      return this;
    }

    /** The wait before the second try, doubled after each; default 5 minutes. */
    public Builder retryDelay(Duration delay) {
      if (Objects.requireNonNull(delay, "delay").isNegative()) {
        throw new IllegalArgumentException("retryDelay must not be negative: " + delay);
      }
      this.retryDelay = delay;
      return this;
    }

    /** The window over which a day's reports are spread at random; default 4 hours; at most 20 hours. */
    public Builder spread(Duration spread) {
      if (Objects.requireNonNull(spread, "spread").isNegative() || spread.compareTo(Duration.ofHours(20)) > 0) {
        throw new IllegalArgumentException("spread must be from 0 to 20 h: " + spread);
      }
      this.spread = spread;
      return this;
    }

    /** How long after 00:00 UTC the daily run starts (late sessions of the day are flushed by then); default 5 min. */
    public Builder startDelay(Duration delay) {
      if (Objects.requireNonNull(delay, "delay").isNegative() || delay.compareTo(Duration.ofHours(2)) > 0) {
        throw new IllegalArgumentException("startDelay must be from 0 to 2 h: " + delay);
      }
      this.startDelay = delay;
      return this;
    }

    /** The timeout of one POST; default 2 minutes. */
    public Builder httpTimeout(Duration timeout) {
      if (Objects.requireNonNull(timeout, "timeout").isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("httpTimeout must be positive: " + timeout);
      }
      this.httpTimeout = timeout;
      return this;
    }

    /** Signs each report message (DKIM, RFC 8460 §5.3 asks for it); default none. */
    public Builder signer(UnaryOperator<byte[]> signer) {
      this.signer = Objects.requireNonNull(signer, "signer");
      return this;
    }

    /** The clock; default the system's UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** This process's name in the store's lease; default a random one. */
    public Builder holder(String holder) {
      this.holder = Objects.requireNonNull(holder, "holder");
      return this;
    }

    /**
     * How long the daily lease stays this process's: a sender that crashes while sending leaves it, and another
     * process takes the day over when it has expired (the day's reports already marked sent are not sent
     * again). From 1 second to 24 hours; default {@link TlsReportSender#LEASE_TTL} (6 hours). Keep it longer
     * than {@link #spread}.
     */
    public Builder leaseTtl(Duration ttl) {
      if (Objects.requireNonNull(ttl, "ttl").compareTo(Duration.ofSeconds(1)) < 0
          || ttl.compareTo(Duration.ofHours(24)) > 0) {
        throw new IllegalArgumentException("leaseTtl must be from 1 s to 24 h: " + ttl);
      }
      this.leaseTtl = ttl;
      return this;
    }

    /** The random source of the jitter and message ids; default a {@link SecureRandom}. */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** The sender (not started: call {@link TlsReportSender#start()} for the daily runs). */
    public TlsReportSender build() {
      if (http == null) {
        http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(30)).build();
      }
      if (holder == null) {
        holder = "dane4j-" + ReportMessage.unique(random);
      }
      return new TlsReportSender(this);
    }
  }
}
