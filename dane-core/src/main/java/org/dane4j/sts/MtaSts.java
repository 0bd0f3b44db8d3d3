package org.dane4j.sts;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.X509ExtendedTrustManager;
import org.dane4j.dns.DaneResolver;
import org.dane4j.dns.DnsAnswer;
import org.dane4j.dns.DnsOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * The MTA-STS policy of a recipient domain (RFC 8461), discovered, fetched, parsed and cached (checklist STS-1,
 * STS-3).
 *
 * <pre>{@code
 * try (MtaSts sts = MtaSts.builder(resolver).cache(StsPolicyCache.file(Path.of("/var/lib/app/mta-sts.cache")))
 *     .build()) {
 *   StsLookup found = sts.policy("example.com").join();
 *   switch (found.status()) {
 *     case POLICY -> ... found.policy().get().matches(mxHost) ...
 *     case NO_POLICY -> ... deliver as without MTA-STS ...
 *     case TEMPORARY_FAILURE -> ... defer: whether a policy exists is unknown ...
 *   }
 * }
 * }</pre>
 *
 * <p>What {@link #policy(String)} does:
 * <ol>
 *   <li>Looks up TXT at {@code _mta-sts.<domain>} through the {@link DaneResolver} (CNAMEs followed). Exactly one
 *       record starting {@code v=STSv1} with a valid {@code id} (1–32 letters or digits) announces a policy; none,
 *       several, or an invalid one means no policy (§3.1). A lookup that fails (SERVFAIL, timeout, DNSSEC-bogus)
 *       is a {@linkplain StsLookup.Status#TEMPORARY_FAILURE temporary failure}, never "no policy".</li>
 *   <li>When the TXT {@code id} is the cached policy's and that policy has not expired, the cached policy applies
 *       without a fetch. Otherwise the policy is fetched from
 *       {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} (§3.3): the policy host is resolved through the
 *       same resolver (A, then AAAA), TLS 1.2 or 1.3 with SNI, the certificate validated against the JDK's default
 *       trust store plus any {@linkplain Builder#extraTrustAnchors extra anchors} and the name
 *       {@code mta-sts.<domain>}, no redirect followed, no HTTP cache, status 200 only, {@code text/plain}, at most
 *       {@link #DEFAULT_MAX_POLICY_BYTES} bytes within {@link #DEFAULT_FETCH_TIMEOUT}; then parsed strictly
 *       ({@link StsPolicy#parse}).</li>
 *   <li>Caching (§5.1): a fetched policy replaces the cached one at once, {@code mode: none} included. A failed
 *       fetch, a vanished or invalid TXT record, or a failed TXT lookup never erase an unexpired policy: it goes on
 *       applying, with the {@link StsLookup#reason() reason}. After a failed fetch the same {@code id} is not
 *       fetched again for {@link #DEFAULT_FAILURE_BACKOFF}. A downgrade — {@code enforce} replaced by
 *       {@code testing} or {@code none}, or an {@code enforce} policy that expired with nothing to replace it — is
 *       logged once as a warning.</li>
 * </ol>
 *
 * <p>Time for policy validity comes from the injected {@link Builder#clock(Clock) clock}; the fetch deadline is
 * measured on the monotonic timer. Fetches and cache access run on the {@linkplain Builder#executor executor}
 * (by default {@link #DEFAULT_FETCH_THREADS} daemon threads owned by this object, stopped by {@link #close()}),
 * never on the caller's thread; concurrent lookups of one domain share one fetch. The one exception is the warm
 * path: with a {@linkplain StsPolicyCache#nonBlockingGet() non-blocking} cache, a current cached policy whose
 * id the TXT record repeats is returned on the thread that completed the TXT lookup.
 *
 * <p><b>Beware:</b> the {@linkplain Builder#cache default cache} is in memory. RFC 8461 expects the cache to
 * survive restarts; give a sender {@link StsPolicyCache#file(Path)}.
 */
public final class MtaSts implements AutoCloseable {
  /** The port of the policy host: 443 (RFC 8461 §3.3); {@link Builder#policyPort} changes it for tests only. */
  public static final int HTTPS_PORT = 443;
  /** Default of {@link Builder#fetchTimeout}: one overall deadline for a fetch, 60 s. */
  public static final Duration DEFAULT_FETCH_TIMEOUT = Duration.ofSeconds(60);
  /** Default of {@link Builder#maxPolicyBytes}: 64 KiB. */
  public static final int DEFAULT_MAX_POLICY_BYTES = 64 * 1024;
  /** The most bytes of HTTP status line, header lines and chunk-size lines read per fetch: 16 KiB. */
  public static final int MAX_RESPONSE_HEAD_BYTES = 16 * 1024;
  /** Default of {@link Builder#failureBackoff}: after a failed fetch, the same id is not fetched for 5 minutes. */
  public static final Duration DEFAULT_FAILURE_BACKOFF = Duration.ofMinutes(5);
  /** The number of fetch threads when no executor is given. */
  public static final int DEFAULT_FETCH_THREADS = 4;
  /**
   * Default of {@link Builder#refreshLead}: a cached policy is refreshed about a day before it expires (never
   * earlier than half its {@code max_age} before), spread by a per-domain jitter of up to half the lead.
   */
  public static final Duration DEFAULT_REFRESH_LEAD = Duration.ofDays(1);
  /** Default of {@link Builder#refreshCheckInterval}: how often due policies are looked for, hourly. */
  public static final Duration DEFAULT_REFRESH_CHECK_INTERVAL = Duration.ofHours(1);
  /** Default of {@link Builder#maxConcurrentRefreshes}: at most 4 proactive refreshes run at once. */
  public static final int DEFAULT_MAX_CONCURRENT_REFRESHES = 4;
  /**
   * The most domains this instance remembers for proactive refresh ({@code MAX_REFRESH_DOMAINS}); past it, newly
   * used domains are refreshed on use only, as without proactive refresh.
   */
  public static final int MAX_REFRESH_DOMAINS = StsPolicyCache.DEFAULT_MAX_ENTRIES;

  private static final Logger LOG = LoggerFactory.getLogger(MtaSts.class);

  private final DaneResolver resolver;
  private final StsPolicyCache cache;
  private final Clock clock;
  private final PolicyFetcher fetcher;
  private final Duration failureBackoff;
  private final Executor executor;
  private final ExecutorService ownedExecutor;
  private final DowngradeLog downgradeLog;
  private final WebPkiTrust.OnFirstUse webPki;
  private final Map<String, CompletableFuture<StsLookup>> inflight = new ConcurrentHashMap<>();
  private final Map<String, Backoff> backoffs = new ConcurrentHashMap<>();
  /** The domains looked up through this instance: what proactive refresh walks. */
  private final Set<String> used = ConcurrentHashMap.newKeySet();
  /** The warm path's memo: a given name's normal form, and the {@code id} of a domain's last TXT answer. */
  private final Map<String, String> normalized = new ConcurrentHashMap<>();
  private final Map<String, TxtId> txtIds = new ConcurrentHashMap<>();

  /** The {@code id} parsed from a TXT answer ({@code joined}: its texts), so that a cached answer is parsed once. */
  private record TxtId(DnsAnswer txt, String joined, String id) {}
  private final Duration refreshLead;
  private final int maxConcurrentRefreshes;
  private final ScheduledExecutorService refreshTimer;

  private record Backoff(String id, Instant until, String reason, StsFailure failure) {}

  /** Where downgrade warnings go (a seam for tests). */
  interface DowngradeLog {
    void warn(String message);
  }

  private MtaSts(Builder b) {
    this.resolver = b.resolver;
    this.cache = b.cache;
    this.clock = b.clock;
    this.failureBackoff = b.failureBackoff;
    this.webPki = new WebPkiTrust.OnFirstUse(b.extraAnchors); // the trust store is read when first needed
    this.fetcher = new PolicyFetcher(webPki::sockets, b.policyPort, b.fetchTimeout, b.maxPolicyBytes, b.lenientContentType);
    this.downgradeLog = b.downgradeLog;
    if (b.executor != null) {
      this.executor = b.executor;
      this.ownedExecutor = null;
    } else {
      AtomicInteger n = new AtomicInteger();
      this.ownedExecutor = Executors.newFixedThreadPool(DEFAULT_FETCH_THREADS, r -> {
        Thread t = new Thread(r, "dane4j-mta-sts-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
      this.executor = ownedExecutor;
    }
    this.refreshLead = b.refreshLead;
    this.maxConcurrentRefreshes = b.maxConcurrentRefreshes;
    if (b.refreshCheckInterval.isZero()) {
      this.refreshTimer = null;
    } else {
      this.refreshTimer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dane4j-mta-sts-refresh");
        t.setDaemon(true);
        return t;
      });
      long every = b.refreshCheckInterval.toMillis();
      refreshTimer.scheduleWithFixedDelay(() -> {
        try {
          refreshDue().join();
        } catch (RuntimeException e) {
          LOG.warn("MTA-STS proactive refresh failed: {}", e.toString());
        }
      }, every, every, TimeUnit.MILLISECONDS);
    }
  }

  /** A builder over {@code resolver}, which does every DNS lookup (the TXT record and the policy host). */
  public static Builder builder(DaneResolver resolver) {
    return new Builder(resolver);
  }

  /**
   * The MTA-STS policy of {@code domain} (a trailing dot and upper case are fine), as the class describes.
   * Completes normally, failures included.
   *
   * @throws IllegalArgumentException when {@code domain} is not a domain name
   */
  public CompletableFuture<StsLookup> policy(String domain) {
    String d = normalized.get(domain);
    if (d == null) {
      d = normalize(domain);
      if (normalized.size() >= MAX_REFRESH_DOMAINS) {
        normalized.clear();
      }
      normalized.put(domain, d);
    }
    if (used.size() < MAX_REFRESH_DOMAINS) {
      used.add(d);
    }
    return lookup(d, false);
  }

  private CompletableFuture<StsLookup> lookup(String d, boolean refresh) {
    if (!refresh && cache.nonBlockingGet()) { // the warm path: a current cached policy, no thread hop
      return resolver.lookup("_mta-sts." + d, Type.TXT)
          .thenCompose(txt -> {
            StsLookup current = current(d, txt);
            return current != null ? done(current) : CompletableFuture.supplyAsync(() -> decide(d, txt, false),
                executor).thenCompose(f -> f);
          })
          .exceptionally(e -> StsLookup.temporaryFailure(d, "MTA-STS lookup of " + d + " failed: " + e));
    }
    return resolver.lookup("_mta-sts." + d, Type.TXT)
        .thenComposeAsync(txt -> decide(d, txt, refresh), executor)
        .exceptionally(e -> StsLookup.temporaryFailure(d, "MTA-STS lookup of " + d + " failed: " + e));
  }

  /**
   * The cached policy when it is unexpired and the TXT lookup succeeded with its {@code id}, or "no policy" when
   * there is no TXT record and nothing is cached; null otherwise (then {@link #decide} takes every other case).
   * The same answer {@link #decide} gives in those two cases.
   */
  private StsLookup current(String d, DnsAnswer txt) {
    if (txt.failed()) {
      return null;
    }
    Optional<CachedStsPolicy> held = cache.get(d);
    if (txt.outcome() != DnsOutcome.DATA) { // no record: no policy, unless one is held (decide keeps or drops it)
      return held.isEmpty() ? StsLookup.none(d, "_mta-sts." + d + ": " + txt.outcome(), null) : null;
    }
    Optional<CachedStsPolicy> valid = held.filter(e -> e.validAt(clock.instant()));
    if (valid.isEmpty()) {
      return null;
    }
    String id = txtId(d, txt);
    return id != null && valid.get().id().equals(id) ? StsLookup.cached(valid.get(), null, null) : null;
  }

  /** The {@code id} of the domain's one {@code v=STSv1} TXT record, parsed once per answer; null if invalid. */
  private String txtId(String d, DnsAnswer txt) {
    TxtId memo = txtIds.get(d);
    if (memo != null && memo.txt() == txt) {
      return memo.id();
    }
    List<String> texts = new ArrayList<>();
    for (TXTRecord r : txt.records(TXTRecord.class)) {
      texts.add(String.join("", r.getStrings()));
    }
    String joined = String.join("\n", texts);
    String id;
    if (memo != null && memo.joined().equals(joined)) {
      id = memo.id();
    } else {
      try {
        id = StsRecord.id(texts);
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    if (txtIds.size() >= MAX_REFRESH_DOMAINS) {
      txtIds.clear();
    }
    txtIds.put(d, new TxtId(txt, joined, id));
    return id;
  }

  private CompletableFuture<StsLookup> decide(String d, DnsAnswer txt, boolean refresh) {
    Instant now = clock.instant();
    Optional<CachedStsPolicy> held = cache.get(d);
    Optional<CachedStsPolicy> valid = held.filter(e -> e.validAt(now));
    if (txt.failed()) {
      String reason = "TXT lookup of _mta-sts." + d + " failed (" + txt.status()
          + txt.reason().map(r -> ": " + r).orElse("") + ")";
      return done(valid.map(e -> StsLookup.cached(e, reason + "; the cached policy applies (RFC 8461 §5.1)", null))
          .orElseGet(() -> StsLookup.temporaryFailure(d, reason
              + "; whether the domain has an MTA-STS policy is unknown, which is not \"no policy\"")));
    }
    String id;
    try {
      List<String> texts = new ArrayList<>();
      if (txt.outcome() == DnsOutcome.DATA) {
        for (TXTRecord r : txt.records(TXTRecord.class)) {
          texts.add(String.join("", r.getStrings()));
        }
      }
      id = StsRecord.id(texts);
    } catch (IllegalArgumentException e) {
      String reason = "_mta-sts." + d + ": " + (txt.outcome() == DnsOutcome.DATA ? e.getMessage() : txt.outcome());
      if (valid.isPresent()) {
        return done(StsLookup.cached(valid.get(), reason + "; the cached policy applies (RFC 8461 §5.1)", null));
      }
      lost(d, held, reason);
      return done(StsLookup.none(d, reason, null));
    }
    if (valid.isPresent() && valid.get().id().equals(id) && !(refresh && due(valid.get(), now))) {
      return done(StsLookup.cached(valid.get(), null, null));
    }
    Backoff backoff = backoffs.get(d);
    if (backoff != null && backoff.id().equals(id) && now.isBefore(backoff.until())) {
      String reason = backoff.reason() + " (not retried before " + backoff.until()
          + ", MtaSts.Builder.failureBackoff)";
      return done(valid.map(e -> StsLookup.cached(e, reason, backoff.failure()))
          .orElseGet(() -> StsLookup.none(d, reason, backoff.failure())));
    }
    return fetchOnce(d, id, refresh);
  }

  /** Concurrent lookups of one domain and id share one fetch. */
  private CompletableFuture<StsLookup> fetchOnce(String d, String id, boolean refresh) {
    String key = d + " " + id + (refresh ? " refresh" : "");
    CompletableFuture<StsLookup> mine = new CompletableFuture<>();
    CompletableFuture<StsLookup> running = inflight.putIfAbsent(key, mine);
    if (running != null) {
      return running;
    }
    addresses("mta-sts." + d).thenAcceptAsync(addresses -> {
      try {
        mine.complete(fetch(d, id, addresses, refresh));
      } catch (RuntimeException e) {
        mine.completeExceptionally(e);
      } finally {
        inflight.remove(key, mine);
      }
    }, executor).exceptionally(e -> {
      inflight.remove(key, mine);
      mine.completeExceptionally(e);
      return null;
    });
    return mine;
  }

  /** The policy host's addresses (A, then AAAA) or, when it has none, why. */
  private record Addresses(List<InetAddress> list, String problem) {}

  private CompletableFuture<Addresses> addresses(String host) {
    CompletableFuture<DnsAnswer> a = resolver.lookup(host, Type.A);
    CompletableFuture<DnsAnswer> aaaa = resolver.lookup(host, Type.AAAA);
    return a.thenCombine(aaaa, (four, six) -> {
      List<InetAddress> out = new ArrayList<>();
      try {
        for (ARecord r : four.records(ARecord.class)) {
          out.add(InetAddress.getByAddress(host, r.getAddress().getAddress()));
        }
        for (AAAARecord r : six.records(AAAARecord.class)) {
          out.add(InetAddress.getByAddress(host, r.getAddress().getAddress()));
        }
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
      return new Addresses(out, out.isEmpty()
          ? "no address for " + host + " (A: " + describe(four) + ", AAAA: " + describe(six) + ")" : null);
    });
  }

  private static String describe(DnsAnswer a) {
    return a.outcome() + " " + a.status() + a.reason().map(r -> " " + r).orElse("");
  }

  private StsLookup fetch(String d, String id, Addresses addresses, boolean refresh) {
    Instant now = clock.instant();
    Optional<CachedStsPolicy> held = cache.get(d);
    Optional<CachedStsPolicy> valid = held.filter(e -> e.validAt(now));
    if (valid.isPresent() && valid.get().id().equals(id) && !(refresh && due(valid.get(), now))) {
      return StsLookup.cached(valid.get(), null, null);   // another lookup fetched it meanwhile
    }
    StsFetchException failed;
    try {
      if (addresses.problem() != null) {
        throw new StsFetchException(StsFailure.POLICY_FETCH_ERROR, addresses.problem());
      }
      String text = fetcher.fetch("mta-sts." + d, addresses.list());
      StsPolicy policy;
      try {
        policy = StsPolicy.parse(text);
      } catch (IllegalArgumentException e) {
        throw new StsFetchException(StsFailure.POLICY_INVALID, "policy from mta-sts." + d + ": " + e.getMessage(), e);
      }
      CachedStsPolicy entry = new CachedStsPolicy(d, id, policy, clock.instant());
      held.ifPresent(old -> downgrade(old, entry));
      cache.put(entry);
      backoffs.remove(d);
      return StsLookup.fetched(entry);
    } catch (StsFetchException e) {
      failed = e;
    }
    String reason = failed.getMessage();
    backoffs.put(d, new Backoff(id, now.plus(failureBackoff), reason, failed.failure()));
    if (valid.isPresent()) {
      return StsLookup.cached(valid.get(), (refresh ? "proactive refresh" : "refresh") + " to id " + id + " failed: " + reason
          + "; the unexpired cached policy applies (RFC 8461 §5.1)", failed.failure());
    }
    lost(d, held, reason);
    return StsLookup.none(d, reason, failed.failure());
  }

  private void downgrade(CachedStsPolicy old, CachedStsPolicy now) {
    if (old.policy().mode() == StsMode.ENFORCE && now.policy().mode() != StsMode.ENFORCE) {
      downgradeLog.warn("MTA-STS policy of " + now.domain() + " downgraded from enforce to "
          + now.policy().mode().text() + " (id " + old.id() + " -> " + now.id() + ")");
    }
  }

  /** An expired entry with nothing to replace it: an enforce policy lost is a downgrade; drop it so it is said once. */
  private void lost(String d, Optional<CachedStsPolicy> held, String reason) {
    if (held.isEmpty()) {
      return;
    }
    if (held.get().policy().mode() == StsMode.ENFORCE) {
      downgradeLog.warn("MTA-STS policy of " + d + " lost: the enforce policy (id " + held.get().id()
          + ") expired at " + held.get().validUntil() + " and no policy replaces it: " + reason);
    }
    cache.remove(held.get());   // not a fresher policy another sender stored meanwhile
  }

  private static CompletableFuture<StsLookup> done(StsLookup lookup) {
    return CompletableFuture.completedFuture(lookup);
  }

  /**
   * Refreshes, before they expire, the cached policies of the domains looked up through this instance (RFC 8461
   * §5.1: a sender should refresh a policy proactively, so that it never lapses): a policy is due from
   * its expiry minus the {@linkplain Builder#refreshLead lead} (at most half its
   * {@code max_age}) minus a per-domain jitter of up to half the lead, so that policies fetched together are not
   * refreshed together. A due domain has its TXT record looked up and its policy fetched again even when the
   * {@code id} is unchanged (that extends its validity); at most {@link Builder#maxConcurrentRefreshes} run at
   * once, the rest wait (without holding a thread) for one to end. The usual rules hold: a failed refresh keeps the unexpired policy (and
   * backs off), {@code mode: none} replaces it at once, a downgrade is logged as a warning.
   *
   * <p>Runs by itself every {@link Builder#refreshCheckInterval}; call it from a scheduler of your own when that
   * is off. The future completes, never exceptionally, with the number of domains whose refresh was started.
   */
  public CompletableFuture<Integer> refreshDue() {
    Instant now = clock.instant();
    List<String> due = new ArrayList<>();
    for (String d : used) {
      Optional<CachedStsPolicy> held;
      try {
        held = cache.get(d);
      } catch (RuntimeException e) {
        LOG.warn("MTA-STS cache read of {} failed: {}", d, e.toString());
        continue;
      }
      if (held.isEmpty()) {
        used.remove(d); // gone (expired and lost, or purged): the next use looks it up again
      } else if (held.get().validAt(now) && due(held.get(), now)) {
        due.add(d);
      }
    }
    // At most maxConcurrentRefreshes chains, each taking the next due domain when its refresh ends: nothing
    // blocks a thread while it waits for a turn.
    Queue<String> queue = new ConcurrentLinkedQueue<>(due);
    List<CompletableFuture<Void>> chains = new ArrayList<>();
    for (int i = 0; i < Math.min(maxConcurrentRefreshes, due.size()); i++) {
      chains.add(refreshNext(queue));
    }
    return CompletableFuture.allOf(chains.toArray(new CompletableFuture<?>[0])).handle((x, e) -> due.size());
  }

  private CompletableFuture<Void> refreshNext(Queue<String> queue) {
    String d = queue.poll();
    if (d == null) {
      return CompletableFuture.completedFuture(null);
    }
    return lookup(d, true).handle((found, e) -> {
      if (e != null) {
        LOG.warn("MTA-STS proactive refresh of {} failed: {}", d, e.toString());
      } else if (found.reason().isPresent()) {
        LOG.info("MTA-STS proactive refresh of {}: {}", d, found.reason().get());
      }
      return null;
    }).thenCompose(x -> refreshNext(queue));
  }

  /** Whether {@code entry} is due for a proactive refresh at {@code now}. */
  private boolean due(CachedStsPolicy entry, Instant now) {
    return !now.isBefore(refreshDueAt(entry, refreshLead));
  }

  /**
   * When {@code entry} becomes due for a proactive refresh: its expiry minus {@code lead} (capped at half its
   * {@code max_age}) minus a jitter of up to half that lead, fixed per domain and id (a hash), so that the due
   * times of many policies spread out and stay put from one check to the next.
   */
  static Instant refreshDueAt(CachedStsPolicy entry, Duration lead) {
    Duration maxAge = entry.policy().maxAge();
    Duration l = lead.compareTo(maxAge.dividedBy(2)) > 0 ? maxAge.dividedBy(2) : lead;
    long spread = l.toSeconds() / 2;
    long jitter = spread == 0 ? 0 : Math.floorMod((entry.domain() + " " + entry.id()).hashCode(), spread + 1);
    return entry.validUntil().minus(l).minusSeconds(jitter);
  }

  static String normalize(String domain) {
    Name name = DaneResolver.parseName(domain);
    if (name.labels() < 3) {
      throw new IllegalArgumentException("not a mail domain: \"" + domain + "\"");
    }
    String text = name.toString(true).toLowerCase(Locale.ROOT);
    if (!text.chars().allMatch(c -> c > 0x20 && c < 0x7f) || text.contains("\\")) {
      throw new IllegalArgumentException("not an ASCII domain name (use A-labels): \"" + domain + "\"");
    }
    if (("mta-sts." + text).length() > 253) {
      throw new IllegalArgumentException("domain too long for an MTA-STS policy host: \"" + domain + "\"");
    }
    return text;
  }

  /**
   * The WebPKI trust of this instance for SMTP sessions under an {@code enforce} policy (RFC 8461 §4.2): the
   * JDK's PKIX trust manager over the default trust store plus the {@linkplain Builder#extraTrustAnchors extra
   * anchors}. It checks no host name: the delivery planner's STS routes check the MX host name themselves
   * ({@code org.dane4j.smtp.RouteTrustManager}). Built on the first call (or the first policy fetch), which
   * reads the JDK's trust store; then shared by every route.
   */
  public X509ExtendedTrustManager webPkiTrustManager() {
    return webPki.trustManager();
  }

  /** Whether the WebPKI trust has been built yet (for tests: it is read on first use only). */
  boolean webPkiBuilt() {
    return webPki.built();
  }

  /** Stops the proactive refresh and the fetch threads this object created, if any. */
  @Override
  public void close() {
    if (refreshTimer != null) {
      refreshTimer.shutdownNow();
    }
    if (ownedExecutor != null) {
      ownedExecutor.shutdownNow();
    }
  }

  /** Settings of {@link MtaSts}; each is checked when set. */
  public static final class Builder {
    private final DaneResolver resolver;
    private StsPolicyCache cache = StsPolicyCache.inMemory();
    private final List<X509Certificate> extraAnchors = new ArrayList<>();
    private Duration fetchTimeout = DEFAULT_FETCH_TIMEOUT;
    private int maxPolicyBytes = DEFAULT_MAX_POLICY_BYTES;
    private boolean lenientContentType;
    private Duration failureBackoff = DEFAULT_FAILURE_BACKOFF;
    private Clock clock = Clock.systemUTC();
    private Executor executor;
    private int policyPort = HTTPS_PORT;
    private DowngradeLog downgradeLog = LOG::warn;
    private Duration refreshLead = DEFAULT_REFRESH_LEAD;
    private Duration refreshCheckInterval = DEFAULT_REFRESH_CHECK_INTERVAL;
    private int maxConcurrentRefreshes = DEFAULT_MAX_CONCURRENT_REFRESHES;

    private Builder(DaneResolver resolver) {
      this.resolver = Objects.requireNonNull(resolver, "resolver");
    }

    /** Where policies are kept; {@link StsPolicyCache#inMemory()} by default. */
    public Builder cache(StsPolicyCache cache) {
      this.cache = Objects.requireNonNull(cache, "cache");
      return this;
    }

    /**
     * Trusts these certificates as anchors for policy fetches, besides the JDK's default trust store — for a
     * private PKI in tests or an internal network. The host-name check still applies.
     */
    public Builder extraTrustAnchors(Collection<X509Certificate> anchors) {
      for (X509Certificate c : Objects.requireNonNull(anchors, "anchors")) {
        extraAnchors.add(Objects.requireNonNull(c, "anchor"));
      }
      return this;
    }

    /** As {@link #extraTrustAnchors(Collection)}, read from a PEM file (one or more certificates). */
    public Builder extraTrustAnchors(Path pemFile) {
      return extraTrustAnchors(WebPkiTrust.readPem(Objects.requireNonNull(pemFile, "pemFile")));
    }

    /** The overall deadline of one fetch (connect, handshake, request, response); {@link #DEFAULT_FETCH_TIMEOUT}. */
    public Builder fetchTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException("fetchTimeout must be more than 0 and at most 10 minutes: " + timeout);
      }
      this.fetchTimeout = timeout;
      return this;
    }

    /** The largest policy body accepted, in bytes; {@link #DEFAULT_MAX_POLICY_BYTES}. */
    public Builder maxPolicyBytes(int bytes) {
      if (bytes < 64 || bytes > 16 * 1024 * 1024) {
        throw new IllegalArgumentException("maxPolicyBytes must be between 64 and 16 MiB: " + bytes);
      }
      this.maxPolicyBytes = bytes;
      return this;
    }

    /**
     * Accepts a policy served with any {@code Content-Type}, or none. Off by default: RFC 8461 §3.3 says the
     * policy is served as {@code text/plain} (parameters such as {@code charset} are allowed either way). Some
     * implementations (mox) do not check it, and misconfigured web servers send {@code application/octet-stream};
     * turn this on to interoperate with them.
     */
    public Builder lenientContentType(boolean lenient) {
      this.lenientContentType = lenient;
      return this;
    }

    /** How long a failed fetch of one id is not retried; {@link #DEFAULT_FAILURE_BACKOFF}. Zero retries at once. */
    public Builder failureBackoff(Duration backoff) {
      Objects.requireNonNull(backoff, "backoff");
      if (backoff.isNegative() || backoff.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException("failureBackoff must be between 0 and a day: " + backoff);
      }
      this.failureBackoff = backoff;
      return this;
    }

    /** The clock for policy validity and fetch times; the system UTC clock by default. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Runs fetches and cache access here; by default {@link #DEFAULT_FETCH_THREADS} threads of the instance's own. */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * The policy host's port; {@link #HTTPS_PORT} by default. For tests against a policy server on an unprivileged
     * port (the testkit's {@code StsPolicyServer}); never change it in production.
     */
    public Builder policyPort(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("policyPort out of range: " + port);
      }
      this.policyPort = port;
      return this;
    }

    /**
     * How long before its expiry a cached policy is refreshed ({@link #refreshDue()}); {@link #DEFAULT_REFRESH_LEAD}.
     * Capped per policy at half its {@code max_age}; 1 minute to 30 days.
     */
    public Builder refreshLead(Duration lead) {
      Objects.requireNonNull(lead, "lead");
      if (lead.compareTo(Duration.ofMinutes(1)) < 0 || lead.compareTo(Duration.ofDays(30)) > 0) {
        throw new IllegalArgumentException("refreshLead must be between 1 minute and 30 days: " + lead);
      }
      this.refreshLead = lead;
      return this;
    }

    /**
     * How often this instance looks for policies due for a proactive refresh, on a daemon thread of its own;
     * {@link #DEFAULT_REFRESH_CHECK_INTERVAL}. Zero turns the timer off (call {@link #refreshDue()} yourself);
     * otherwise 1 minute to 1 day.
     */
    public Builder refreshCheckInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (!interval.isZero() && (interval.compareTo(Duration.ofMinutes(1)) < 0
          || interval.compareTo(Duration.ofDays(1)) > 0)) {
        throw new IllegalArgumentException("refreshCheckInterval must be 0 (off) or between 1 minute and 1 day: "
            + interval);
      }
      this.refreshCheckInterval = interval;
      return this;
    }

    /** The most proactive refreshes that run at once (1..64); {@link #DEFAULT_MAX_CONCURRENT_REFRESHES}. */
    public Builder maxConcurrentRefreshes(int max) {
      if (max < 1 || max > 64) {
        throw new IllegalArgumentException("maxConcurrentRefreshes must be 1..64: " + max);
      }
      this.maxConcurrentRefreshes = max;
      return this;
    }

    Builder downgradeLog(DowngradeLog log) {
      this.downgradeLog = Objects.requireNonNull(log, "log");
      return this;
    }

    /** Builds it. */
    public MtaSts build() {
      return new MtaSts(this);
    }
  }
}
