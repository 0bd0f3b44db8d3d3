package org.dane4j.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.dane4j.delivery.DeliveryListener;
import org.dane4j.delivery.SessionResult;
import org.dane4j.dns.DaneResolver;
import org.dane4j.dns.DnssecProbe;
import org.dane4j.smtp.DeliveryAttempt;
import org.dane4j.smtp.DeliveryPlan;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.tlsa.FailureType;

/**
 * Micrometer meters from dane4j's delivery events: a {@link DeliveryListener} to give to {@code DaneMailer},
 * {@code DaneSmtpClient} or a relay-mode {@code DaneSmtpTransport}, with or without Spring.
 *
 * <pre>{@code
 * DaneMetrics metrics = new DaneMetrics(registry);
 * DaneMetrics.monitorResolver(resolver, registry);
 * DaneMailer mailer = DaneMailer.builder().resolver(resolver).listener(metrics).build();
 * }</pre>
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>counts</th></tr>
 *   <tr><td>{@value #DELIVERIES}</td><td>counter</td><td>{@code status} (delivered, deferred, failed),
 *       {@code verdict} (of the deciding attempt: verified, trusted, encrypted, opportunistic, cleartext,
 *       failed, or none), {@code failure.type} (the RFC 8460 §4.3 result type, or none)</td><td>each
 *       recipient's final outcome of a send</td></tr>
 *   <tr><td>{@value #ATTEMPTS}</td><td>counter</td><td>{@code verdict}, {@code requirement} (dane, encrypt,
 *       opportunistic, sts, unusable), {@code failure.type}</td><td>each attempt at one address of one route
 *       (RFC 7672 §2.2), and each route that could not be tried</td></tr>
 *   <tr><td>{@value #PLAN}</td><td>timer</td><td>{@code outcome} (routes, or the plan's RFC 8460 failure
 *       type)</td><td>the DNS plan of one destination: MX, addresses, TLSA (RFC 7672 §2.2)</td></tr>
 *   <tr><td>{@value #PROBE}</td><td>gauge</td><td>{@code state} (validating, not-validating, unknown,
 *       not-probed)</td><td>1 for the resolver's current DNSSEC probe state, 0 for the others (RFC 7672 §2.1,
 *       checklist DNS-4); see {@link #monitorResolver}</td></tr>
 * </table>
 *
 * <p>No tag carries a domain, host or address: the tag values are bounded, so the number of time series is too.
 * The logs and the delivery report say which domain failed. Every method is quick and never blocks.
 */
public final class DaneMetrics implements DeliveryListener {
  /** The counter of recipients' outcomes. */
  public static final String DELIVERIES = "dane4j.deliveries";
  /** The counter of attempts. */
  public static final String ATTEMPTS = "dane4j.attempts";
  /** The timer of DNS plans. */
  public static final String PLAN = "dane4j.plan";
  /** The gauge of the DNSSEC probe's state. */
  public static final String PROBE = "dane4j.dnssec.probe";
  /** The counter of the resolver's answer cache, by {@code result} (hit, miss). */
  public static final String DNS_CACHE = "dane4j.dns.cache";
  /** The gauge of the answers the resolver's cache holds. */
  public static final String DNS_CACHE_SIZE = "dane4j.dns.cache.size";
  /**
   * The most plans whose start is remembered at once for {@value #PLAN} ({@code 10_000}); a plan that starts
   * beyond it is not timed (counted nowhere rather than holding memory without bound).
   */
  public static final int MAX_PLANS_IN_FLIGHT = 10_000;

  private static final String NONE = "none";

  private final MeterRegistry registry;
  private final Tags common;
  private final ConcurrentHashMap<String, Queue<Long>> planStarts = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicInteger plansInFlight = new java.util.concurrent.atomic.AtomicInteger();

  /** Records into {@code registry}, without extra tags. */
  public DaneMetrics(MeterRegistry registry) {
    this(registry, Tags.empty());
  }

  /** Records into {@code registry}, with {@code commonTags} on every meter (e.g. which mailer). */
  public DaneMetrics(MeterRegistry registry, Iterable<Tag> commonTags) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.common = Tags.of(Objects.requireNonNull(commonTags, "commonTags"));
  }

  /**
   * Registers the meters of {@code resolver}: the {@value #PROBE} gauges of its DNSSEC probe (DNS-4), one per
   * state, 1 for the state of {@link DaneResolver#lastProbe()}; the {@value #DNS_CACHE} counters of its answer
   * cache ({@link DaneResolver#cacheStats()}) and the {@value #DNS_CACHE_SIZE} gauge. Reading them starts no
   * probe and no lookup. The meters hold the resolver weakly, as Micrometer's do: keep it referenced (the
   * mailer or client using it does).
   */
  public static void monitorResolver(DaneResolver resolver, MeterRegistry registry, Tag... commonTags) {
    Objects.requireNonNull(resolver, "resolver");
    Objects.requireNonNull(registry, "registry");
    Tags tags = Tags.of(commonTags);
    for (DnssecProbe.State state : DnssecProbe.State.values()) {
      Gauge.builder(PROBE, resolver, r -> r.lastProbe().state() == state ? 1 : 0)
          .description("1 for the DNSSEC probe's current state (RFC 7672 §2.1)")
          .tags(tags.and("state", state.word()))
          .register(registry);
    }
    FunctionCounter.builder(DNS_CACHE, resolver, r -> r.cacheStats().hits())
        .description("Lookups answered from the resolver's cache").tags(tags.and("result", "hit")).register(registry);
    FunctionCounter.builder(DNS_CACHE, resolver, r -> r.cacheStats().misses())
        .description("Lookups that asked DNS").tags(tags.and("result", "miss")).register(registry);
    Gauge.builder(DNS_CACHE_SIZE, resolver, r -> r.cacheStats().size())
        .description("Answers the resolver's cache holds").tags(tags).register(registry);
  }

  @Override
  public void planStarted(String destination) {
    if (plansInFlight.incrementAndGet() > MAX_PLANS_IN_FLIGHT) {
      plansInFlight.decrementAndGet();
      return;
    }
    planStarts.computeIfAbsent(destination, d -> new ConcurrentLinkedQueue<>()).add(System.nanoTime());
  }

  @Override
  public void planFinished(DeliveryPlan plan) {
    String destination = plan.destination().name();
    Queue<Long> starts = planStarts.get(destination);
    Long start = starts == null ? null : starts.poll();
    if (start == null) {
      return;
    }
    plansInFlight.decrementAndGet();
    planStarts.computeIfPresent(destination, (d, q) -> q.isEmpty() ? null : q);
    String outcome = plan.failure().map(f -> f.type().resultType()).orElse("routes");
    Timer.builder(PLAN).description("The DNS plan of one destination (MX, addresses, TLSA)")
        .tags(common).tag("outcome", outcome).register(registry)
        .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
  }

  @Override
  public void attemptFinished(DeliveryAttempt attempt, SessionResult session) {
    Counter.builder(ATTEMPTS).description("Attempts at one address of one route")
        .tags(common)
        .tag("verdict", word(attempt.verdict()))
        .tag("requirement", word(attempt.route().requirement()))
        .tag("failure.type", type(attempt.failed() ? attempt.failureType() : null))
        .register(registry).increment();
  }

  @Override
  public void recipientFinished(RecipientResult result) {
    Counter.builder(DELIVERIES).description("Recipients' outcomes")
        .tags(common)
        .tag("status", word(result.status()))
        .tag("verdict", result.lastAttempt().map(a -> word(a.verdict())).orElse(NONE))
        .tag("failure.type", type(result.reportedFailureType().orElse(null)))
        .register(registry).increment();
  }

  private static String type(FailureType type) {
    return type == null ? NONE : type.resultType();
  }

  private static String word(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
