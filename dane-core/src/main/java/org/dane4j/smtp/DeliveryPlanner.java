package org.dane4j.smtp;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.dane4j.dns.DaneResolver;
import org.dane4j.dns.DnsAnswer;
import org.dane4j.dns.DnsOutcome;
import org.dane4j.dns.DnssecProbe;
import org.dane4j.dns.DnssecStatus;
import org.dane4j.sts.MtaSts;
import org.dane4j.sts.StsLookup;
import org.dane4j.tlsa.FailureType;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * Turns a destination into an ordered list of routes, each with its TLS requirement: the RFC 7672 §2
 * planner (checklist MX-1..MX-5, ADDR-1..ADDR-3, TLSA-1..TLSA-4, POL-1, POL-2).
 *
 * <pre>{@code
 * DeliveryPlanner planner = DeliveryPlanner.of(resolver);
 * DeliveryPlan plan = planner.plan("example.com").join();
 * for (MxRoute route : plan.usableRoutes()) {
 *   // connect to route.addresses(); STARTTLS mandatory if route.requirement().tlsMandatory();
 *   // handshake with route.trustManager() and SNI route.tlsaBaseDomain()
 * }
 * }</pre>
 *
 * <p>Lookups of different hosts run concurrently; the routes keep the MX order. Hosts of equal
 * preference are shuffled; DANE never reorders hosts (MX-5). Every plan carries the resolver's DNSSEC probe
 * result (DNS-4); mode {@code dane-only} refuses to deliver over a resolver that does not validate.
 *
 * <p>With {@link Builder#mtaSts(MtaSts)} the recipient domain's MTA-STS policy (RFC 8461) is looked up beside the
 * MX lookup and applied per MX host, DANE first (checklist POL-3, STS-2): a host with a secure TLSA RRset keeps
 * DANE (a mismatch still defers); a host whose TLSA lookup failed stays unusable; a host without DANE under an
 * {@code enforce} policy gets {@link TlsRequirement#STS} when it matches an {@code mx} pattern and is unusable
 * otherwise; {@code testing} leaves the requirement and records the policy. A plan whose hosts all have DANE
 * (or are unusable) does not wait for the MTA-STS lookup. Relays ({@code [host]}) never use MTA-STS. In mode
 * {@code dane-only} hosts without DANE stay unusable.
 */
public final class DeliveryPlanner {
  /** Default bound on the MX hosts considered, lowest preference first. */
  public static final int DEFAULT_MAX_MX_HOSTS = 10;

  private final DaneResolver resolver;
  private final DaneMode mode;
  private final Clock clock;
  private final Random random;
  private final int maxMxHosts;
  private final HostPlanner hosts;
  private final MtaSts mtaSts;

  private DeliveryPlanner(Builder b) {
    this.resolver = b.resolver;
    this.mode = b.mode;
    this.clock = b.clock;
    this.random = b.random;
    this.maxMxHosts = b.maxMxHosts;
    this.hosts = new HostPlanner(resolver, mode, clock);
    this.mtaSts = b.mtaSts;
  }

  /** A planner in mode {@code dane} with the system clock. */
  public static DeliveryPlanner of(DaneResolver resolver) {
    return builder(resolver).build();
  }

  /** A builder for other modes, a fixed clock or a seeded shuffle. */
  public static Builder builder(DaneResolver resolver) {
    return new Builder(resolver);
  }

  /** This planner with another mode (POL-1), sharing the resolver and its cache. */
  public DeliveryPlanner withMode(DaneMode other) {
    Builder b = builder(resolver).mode(other).clock(clock).random(random).maxMxHosts(maxMxHosts);
    if (mtaSts != null) {
      b.mtaSts(mtaSts);
    }
    return b.build();
  }

  /**
   * This planner with MTA-STS (RFC 8461) applied per MX host, DANE first (POL-3), sharing the resolver and its
   * cache: what {@link Builder#mtaSts(MtaSts)} gives, for an adapter handed a planner that was built without it.
   */
  public DeliveryPlanner withMtaSts(MtaSts sts) {
    return builder(resolver).mode(mode).clock(clock).random(random).maxMxHosts(maxMxHosts)
        .mtaSts(Objects.requireNonNull(sts, "sts")).build();
  }

  /**
   * The resolver's latest DNSSEC probe result (DNS-4), for delivery reports; {@link DnssecProbe#notProbed()}
   * before the first plan. Starts nothing.
   */
  public DnssecProbe dnssec() {
    return resolver.lastProbe();
  }

  /**
   * Plans delivery to a recipient domain or a bracketed relay ({@code [relay.example.com]:587}).
   *
   * @throws IllegalArgumentException when the text is not a host name or next-hop
   */
  public CompletableFuture<DeliveryPlan> plan(String nextHop) {
    return plan(Destination.parse(nextHop));
  }

  /**
   * Plans delivery to a destination; completes normally, failures included in the plan. The resolver's
   * DNSSEC probe (DNS-4) runs beside the first plan and is waited for; every plan carries its result
   * ({@link DeliveryPlan#dnssec()}), and in mode {@code dane-only} a resolver that does not validate makes
   * every route unusable and the plan a transient failure that says so.
   */
  public CompletableFuture<DeliveryPlan> plan(Destination destination) {
    Objects.requireNonNull(destination, "destination");
    CompletableFuture<DnssecProbe> probe = resolver.currentProbe();
    CompletableFuture<DeliveryPlan> planned;
    if (destination.relay()) { // POL-2: the given name is the host and the TLSA base domain
      planned = hosts.plan(destination.name(), 0, destination.port(), true, List.of(destination.name()))
          .thenApply(route -> finish(destination, DnssecStatus.SECURE, List.of(route)));
    } else {
      CompletableFuture<StsLookup> sts = stsLookup(destination);
      planned = resolver.lookup(destination.name(), Type.MX).thenCompose(mx -> fromMx(destination, mx, sts));
    }
    return planned.thenCombine(probe, this::underProbe);
  }

  /** The MTA-STS lookup of the recipient domain, started now; null without MTA-STS or for a non-mail domain. */
  private CompletableFuture<StsLookup> stsLookup(Destination destination) {
    if (mtaSts == null) {
      return null;
    }
    try {
      return mtaSts.policy(destination.name());
    } catch (IllegalArgumentException e) {
      return null; // not a domain that can have a policy (e.g. a single label): as without MTA-STS
    }
  }

  /** DNS-4: the plan carries the probe; {@code dane-only} refuses when DNSSEC validation does not work. */
  private DeliveryPlan underProbe(DeliveryPlan plan, DnssecProbe probe) {
    if (mode != DaneMode.DANE_ONLY || probe.state() != DnssecProbe.State.NOT_VALIDATING) {
      return new DeliveryPlan(plan.destination(), plan.mode(), plan.mxStatus(), plan.routes(),
          plan.failure().orElse(null), probe);
    }
    String reason = "mode dane-only: not delivering: DNSSEC validation does not work (DNS-4): "
        + probe.explanation();
    List<MxRoute> refused = plan.routes().stream().map(r -> MxRoute.builder(r.mxHost(), r.preference(), r.port(),
        clock).mxSecure(r.mxSecure()).unusable(FailureType.DNSSEC_INVALID, reason)).toList();
    return new DeliveryPlan(plan.destination(), plan.mode(), plan.mxStatus(), refused,
        new DeliveryPlan.Failure(FailureType.DNSSEC_INVALID, true, reason), probe);
  }

  private CompletableFuture<DeliveryPlan> fromMx(Destination destination, DnsAnswer mx,
      CompletableFuture<StsLookup> sts) {
    if (mx.failed()) { // MX-3
      return done(new DeliveryPlan(destination, mode, mx.status(), List.of(), new DeliveryPlan.Failure(
          HostPlanner.dnsFailureType(mx), true, "MX lookup failed: " + HostPlanner.describe(mx))));
    }
    boolean mxSecure = mx.status() == DnssecStatus.SECURE;
    List<String> nextHop = new ArrayList<>(List.of(destination.name()));
    String expansion = mxSecure && !mx.cnameChain().isEmpty()
        ? HostNames.normalizedOrNull(mx.finalName().toString()) : null;
    if (expansion != null) {
      nextHop.add(expansion); // TA-3: the secure expansion
    }
    List<Candidate> candidates;
    if (mx.outcome() == DnsOutcome.DATA) {
      List<MXRecord> records = mx.records(MXRecord.class);
      if (records.stream().allMatch(r -> r.getTarget().equals(Name.root))) { // MX-3: null MX
        return done(new DeliveryPlan(destination, mode, mx.status(), List.of(), new DeliveryPlan.Failure(
            null, false, destination.name() + " accepts no mail (null MX, RFC 7505)")));
      }
      candidates = ordered(records);
    } else { // MX-4: no MX records: the domain itself
      candidates = List.of(new Candidate(destination.name(), 0));
    }
    List<CompletableFuture<MxRoute>> planned = new ArrayList<>();
    for (Candidate c : candidates) {
      String host = HostNames.normalizedOrNull(c.host);
      if (host == null) {
        planned.add(done(MxRoute.builder(c.host, c.preference, destination.port(), clock).mxSecure(mxSecure)
            .unusable(FailureType.VALIDATION_FAILURE, "MX target " + c.host + " is not a host name")));
      } else {
        planned.add(hosts.plan(host, c.preference, destination.port(), mxSecure, nextHop));
      }
    }
    return CompletableFuture.allOf(planned.toArray(new CompletableFuture<?>[0])).thenCompose(x -> {
      List<MxRoute> routes = planned.stream().map(CompletableFuture::join).toList();
      if (sts == null || routes.stream().noneMatch(StsRoutes::applies)) { // POL-3: DANE hosts never wait for STS
        return done(finish(destination, mx.status(), routes));
      }
      return sts.thenApply(lookup -> finish(destination, mx.status(), routes.stream()
          .map(r -> StsRoutes.apply(r, lookup, mtaSts::webPkiTrustManager)).toList()));
    });
  }

  /** MX-5: by preference; equal preferences shuffled; the first {@code maxMxHosts}; no duplicates. */
  private List<Candidate> ordered(List<MXRecord> records) {
    List<MXRecord> shuffled = new ArrayList<>(records);
    Collections.shuffle(shuffled, random);
    shuffled.sort(Comparator.comparingInt(MXRecord::getPriority));
    Set<String> seen = new LinkedHashSet<>();
    List<Candidate> out = new ArrayList<>();
    for (MXRecord r : shuffled) {
      if (r.getTarget().equals(Name.root)) {
        continue; // a null MX beside real ones is ignored
      }
      String target = r.getTarget().toString(true).toLowerCase(java.util.Locale.ROOT);
      if (seen.add(target) && out.size() < maxMxHosts) {
        out.add(new Candidate(target, r.getPriority()));
      }
    }
    return out;
  }

  private DeliveryPlan finish(Destination destination, DnssecStatus mxStatus, List<MxRoute> routes) {
    if (routes.stream().anyMatch(r -> r.requirement() != TlsRequirement.UNUSABLE)) {
      return new DeliveryPlan(destination, mode, mxStatus, routes, null);
    }
    boolean permanent = routes.stream().allMatch(MxRoute::noAddress);
    MxRoute first = routes.get(0);
    String reason = routes.size() == 1 ? first.reason() : "no usable host; first: " + first.reason();
    return new DeliveryPlan(destination, mode, mxStatus, routes, new DeliveryPlan.Failure(
        first.failureType().orElse(FailureType.VALIDATION_FAILURE), !permanent, reason));
  }

  private static <T> CompletableFuture<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }

  private record Candidate(String host, int preference) {}

  /** Settings of a {@link DeliveryPlanner}; each is checked when set. */
  public static final class Builder {
    private final DaneResolver resolver;
    private DaneMode mode = DaneMode.DANE;
    private Clock clock = Clock.systemUTC();
    private Random random = new Random();
    private int maxMxHosts = DEFAULT_MAX_MX_HOSTS;
    private MtaSts mtaSts;

    private Builder(DaneResolver resolver) {
      this.resolver = Objects.requireNonNull(resolver, "resolver");
    }

    /** The policy (POL-1); {@code dane} by default. */
    public Builder mode(DaneMode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** The clock the routes' trust managers validate DANE-TA paths with. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The source of the shuffle of equal MX preferences (seed it in tests). */
    public Builder random(Random random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** The most MX hosts considered (1..100; default 10). */
    public Builder maxMxHosts(int max) {
      if (max < 1 || max > 100) {
        throw new IllegalArgumentException("maxMxHosts must be 1..100, got " + max);
      }
      this.maxMxHosts = max;
      return this;
    }

    /**
     * Applies the recipient domain's MTA-STS policy (RFC 8461) per MX host, DANE first, as the class says
     * (POL-3); none by default. The planner does not own {@code sts}: close it after the planner's last plan.
     */
    public Builder mtaSts(MtaSts sts) {
      this.mtaSts = Objects.requireNonNull(sts, "sts");
      return this;
    }

    /** The planner. */
    public DeliveryPlanner build() {
      return new DeliveryPlanner(this);
    }
  }
}
