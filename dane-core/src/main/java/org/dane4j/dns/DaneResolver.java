package org.dane4j.dns;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Name;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.config.ResolvConfResolverConfigProvider;

/**
 * DNS lookups with their DNSSEC status, for the RFC 7672 §2 decisions (checklist DNS-1..DNS-4).
 *
 * <pre>{@code
 * try (DaneResolver dns = DaneResolver.builder().build()) {   // /etc/resolv.conf, in-process validation
 *   DnsAnswer tlsa = dns.lookup("_25._tcp.mx.example.com", Type.TLSA).join();
 *   if (tlsa.secureData()) { ... } else if (tlsa.failed()) { ... never "no records" ... }
 * }
 * }</pre>
 *
 * <p>By default DNSSEC is validated in process from the IANA root trust anchors (KSK-2017 and KSK-2024),
 * over the servers of {@code /etc/resolv.conf}; the upstream's AD bit is not trusted. With
 * {@link Builder#trustAd()} the AD bit of a validating resolver is trusted instead — only on loopback,
 * unless explicitly allowed. Answers are cached by TTL; identical concurrent lookups share one query.
 * Nothing here reads or writes JVM system properties.
 *
 * <p>The resolver keeps one DNSSEC probe result (DNS-4, {@link #currentProbe()}): the planner starts it before
 * the first plan and it is repeated every {@link Builder#probeInterval probe interval} on the injected clock; a
 * resolver that does not validate is logged once as an error, makes mode {@code dane-only} refuse, and is
 * carried in every plan and delivery report.
 */
public final class DaneResolver implements AutoCloseable {
  /** Default for {@link Builder#probeInterval}: the DNSSEC probe (DNS-4) is repeated every hour. */
  public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofHours(1);
  /** How soon the DNSSEC probe is repeated after the resolver did not answer it (or the interval, if shorter). */
  public static final Duration PROBE_RETRY_AFTER_NO_ANSWER = Duration.ofMinutes(1);

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DaneResolver.class);
  /** The default warning sink of the key cache file. */
  private static final java.util.function.Consumer<String> KEY_CACHE_SLF4J = LOG::warn;

  /** The most name texts whose parsed form {@link #lookup(String, int)} keeps (a warm plan parses none). */
  static final int PARSED_NAMES_KEPT = 10_000;

  private final CnameChase chase;
  private final AnswerCache cache;
  private final Cache<String, Name> names = Caffeine.newBuilder().maximumSize(PARSED_NAMES_KEPT)
      .executor(Runnable::run).build();
  private final Name probeName;
  private final boolean trustAd;
  private final ProbeSchedule probes;
  private final ExecutorService ownedExecutor;
  private final List<InetSocketAddress> servers;
  private final DnsBackend backend;

  private DaneResolver(Builder b, List<InetSocketAddress> servers, DnsBackend backend, Executor executor,
      ExecutorService owned) {
    this.servers = List.copyOf(servers);
    this.chase = new CnameChase(backend, executor, b.clock, b.maxCnameChain, b.failureTtl);
    this.cache = new AnswerCache(b.cacheSize, b.maxTtl, b.clock, executor);
    this.probeName = b.probeName;
    this.trustAd = b.trustAd;
    this.probes = new ProbeSchedule(this::runProbe, b.clock, b.probeInterval, b.probeLog);
    this.ownedExecutor = owned;
    this.backend = backend;
  }

  /** A builder with the defaults described on the class. */
  public static Builder builder() {
    return new Builder();
  }

  /** The upstream servers in use. */
  public List<InetSocketAddress> servers() {
    return servers;
  }

  /** Looks up {@code type} records of {@code name}; completes normally, failures included. */
  public CompletableFuture<DnsAnswer> lookup(Name name, int type) {
    Objects.requireNonNull(name, "name");
    Name absolute;
    try {
      absolute = name.isAbsolute() ? name : Name.concatenate(name, Name.root);
    } catch (org.xbill.DNS.NameTooLongException e) {
      throw new IllegalArgumentException("domain name longer than 255 octets: " + name, e);
    }
    return cache.get(absolute, type, key -> chase.resolve(key.name(), key.type()));
  }

  /**
   * Looks up {@code type} records of a name given as text (a trailing dot is optional).
   *
   * @throws IllegalArgumentException when the text is not a domain name
   */
  public CompletableFuture<DnsAnswer> lookup(String name, int type) {
    Name parsed = names.getIfPresent(name);
    if (parsed == null) {
      parsed = parseName(name);
      names.put(name, parsed);
    }
    return lookup(parsed, type);
  }

  /**
   * Asks one question as it is, for tools that judge how a zone is signed (DNSKEY, DS, NSEC3PARAM, the NSEC3
   * records of a denial): the response's RRsets with their RRSIGs and its DNSSEC status, through the same
   * upstream and validation as {@link #lookup}, but not cached and without following CNAMEs. Completes normally,
   * failures included (status {@link DnssecStatus#INDETERMINATE} or {@link DnssecStatus#BOGUS}).
   */
  public CompletableFuture<SignedAnswer> lookupSigned(Name name, int type) {
    Objects.requireNonNull(name, "name");
    Name absolute;
    try {
      absolute = name.isAbsolute() ? name : Name.concatenate(name, Name.root);
    } catch (org.xbill.DNS.NameTooLongException e) {
      throw new IllegalArgumentException("domain name longer than 255 octets: " + name, e);
    }
    return chase.once(absolute, type);
  }

  /**
   * Probes now whether DNSSEC validation works through the upstream (DNS-4), by looking up a signed name (the
   * root SOA by default); the result becomes {@link #lastProbe()}. Completes normally.
   */
  public CompletableFuture<DnssecProbe> probe() {
    return probes.now();
  }

  /**
   * The DNSSEC probe's result as the planner uses it (DNS-4): the first call starts the probe and completes
   * with its result; later calls complete at once with the latest result and start a fresh probe in the
   * background when it is older than the {@link Builder#probeInterval probe interval} (or than
   * {@link #PROBE_RETRY_AFTER_NO_ANSWER} when the resolver did not answer). A change of state is logged once:
   * a resolver that does not validate as an error. Completes normally.
   */
  public CompletableFuture<DnssecProbe> currentProbe() {
    return probes.current();
  }

  /**
   * Counts of the answer cache since the resolver was built, for metrics (e.g. dane-micrometer): all zero when
   * the {@link Builder#cacheSize cache size} is 0.
   *
   * @param hits lookups answered from the cache, or by joining an identical lookup in flight
   * @param misses lookups that asked DNS
   * @param size answers held now (an estimate)
   */
  public record CacheStats(long hits, long misses, long size) {}

  /** The answer cache's counts so far; cheap, starts nothing. */
  public CacheStats cacheStats() {
    return cache.stats();
  }

  /** The latest DNSSEC probe result, {@link DnssecProbe#notProbed()} before the first; starts nothing. */
  public DnssecProbe lastProbe() {
    return probes.last();
  }

  private CompletableFuture<DnssecProbe> runProbe() {
    return chase.resolve(probeName, Type.SOA).thenApply(a -> DnssecProbe.of(a, trustAd, servers));
  }

  /** Parses a domain name, absolute or not, into an absolute {@link Name}, with a clear error. */
  public static Name parseName(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("empty domain name");
    }
    try {
      return Name.fromString(name, Name.root);
    } catch (TextParseException e) {
      throw new IllegalArgumentException("not a domain name: \"" + name + "\": " + e.getMessage(), e);
    }
  }

  /**
   * Writes the {@link Builder#keyCache key cache} file, if there is one (a failure is logged, not thrown), and
   * stops the resolver's own threads, if it created any.
   */
  @Override
  public void close() {
    try {
      backend.close();
    } finally {
      if (ownedExecutor != null) {
        ownedExecutor.shutdownNow();
      }
    }
  }

  /** Settings of a {@link DaneResolver}; each is checked when set. */
  public static final class Builder {
    private final List<InetSocketAddress> servers = new ArrayList<>();
    private boolean trustAd;
    private boolean trustNonLoopbackAd;
    private String trustAnchors;
    private Duration timeout = Duration.ofSeconds(5);
    private int retries = 2;
    private Clock clock = Clock.systemUTC();
    private Executor executor;
    private long cacheSize = 10_000;
    private int maxCnameChain = 8;
    private Duration failureTtl = Duration.ofSeconds(5);
    private Duration maxTtl = Duration.ofHours(1);
    private Name probeName = Name.root;
    private Duration probeInterval = DEFAULT_PROBE_INTERVAL;
    private ProbeSchedule.Log probeLog = ProbeSchedule.SLF4J;
    private Path keyCache;
    private java.util.function.Consumer<String> keyCacheLog = KEY_CACHE_SLF4J;

    private Builder() {}

    /** Upstream servers (IP and port); by default those of {@code /etc/resolv.conf}. */
    public Builder servers(InetSocketAddress... upstreams) {
      for (InetSocketAddress s : upstreams) {
        if (Objects.requireNonNull(s, "server").isUnresolved()) {
          throw new IllegalArgumentException("server must be an IP address, not a name to resolve: " + s);
        }
        servers.add(s);
      }
      return this;
    }

    /**
     * Trusts the AD bit of the upstream validating resolver instead of validating in process (DNS-3).
     * Only loopback upstreams are accepted unless {@link #trustNonLoopbackAd()} is also called. Cannot be
     * combined with trust anchors (the upstream validates with its own). Whether the upstream really validates
     * is checked by the DNSSEC probe (DNS-4, {@link DaneResolver#currentProbe()}).
     */
    public Builder trustAd() {
      this.trustAd = true;
      return this;
    }

    /** Explicitly accepts the AD bit of a non-loopback resolver (only over a path you trust). */
    public Builder trustNonLoopbackAd() {
      this.trustNonLoopbackAd = true;
      return this;
    }

    /** Trust anchors in master-file format (DS or DNSKEY records), replacing the IANA root anchors. */
    public Builder trustAnchors(String masterFileText) {
      if (Objects.requireNonNull(masterFileText, "masterFileText").isBlank()) {
        throw new IllegalArgumentException("trust anchor text is empty");
      }
      this.trustAnchors = masterFileText;
      return this;
    }

    /** Trust anchors read from a file (DS or DNSKEY records), replacing the IANA root anchors. */
    public Builder trustAnchors(Path file) {
      try {
        return trustAnchors(Files.readString(file, StandardCharsets.US_ASCII));
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read trust anchor file " + file + ": " + e.getMessage(), e);
      }
    }

    /** Trust anchors read from a stream (DS or DNSKEY records), replacing the IANA root anchors. */
    public Builder trustAnchors(InputStream in) {
      try {
        return trustAnchors(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read trust anchors: " + e.getMessage(), e);
      }
    }

    /** How long to wait for one upstream answer (10 ms..60 s; default 5 s). */
    public Builder timeout(Duration timeout) {
      if (timeout.compareTo(Duration.ofMillis(10)) < 0 || timeout.compareTo(Duration.ofSeconds(60)) > 0) {
        throw new IllegalArgumentException("timeout must be 10 ms..60 s, got " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /** How many times to retry a query over all servers (0..10; default 2). */
    public Builder retries(int retries) {
      if (retries < 0 || retries > 10) {
        throw new IllegalArgumentException("retries must be 0..10, got " + retries);
      }
      this.retries = retries;
      return this;
    }

    /** The clock for signature validity and cache expiry; the system UTC clock by default. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Where validation and callbacks run; by default a small pool of the resolver's own daemon threads. */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** The most answers cached (0..10,000,000; default 10,000). */
    public Builder cacheSize(long size) {
      if (size < 0 || size > 10_000_000) {
        throw new IllegalArgumentException("cacheSize must be 0..10000000, got " + size);
      }
      this.cacheSize = size;
      return this;
    }

    /** The longest CNAME chain followed (1..16; default 8); longer chains fail as indeterminate. */
    public Builder maxCnameChain(int links) {
      if (links < 1 || links > 16) {
        throw new IllegalArgumentException("maxCnameChain must be 1..16, got " + links);
      }
      this.maxCnameChain = links;
      return this;
    }

    /** How long failed lookups are cached (0..5 min; default 5 s). */
    public Builder failureTtl(Duration ttl) {
      if (ttl.isNegative() || ttl.compareTo(Duration.ofMinutes(5)) > 0) {
        throw new IllegalArgumentException("failureTtl must be 0..5 min, got " + ttl);
      }
      this.failureTtl = ttl;
      return this;
    }

    /**
     * The longest any answer is cached (1 s..1 day; default 1 h); with in-process validation also the longest the
     * validated DNSKEYs of the chain of trust are kept (by their TTL, up to this), so a long-lived resolver
     * fetches the root's and TLDs' keys again at most this often.
     */
    public Builder maxTtl(Duration ttl) {
      if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException("maxTtl must be 1 s..1 day, got " + ttl);
      }
      this.maxTtl = ttl;
      return this;
    }

    /** The signed name the DNSSEC probe (DNS-4) looks up (default: the root, whose SOA is signed). */
    public Builder probeName(String name) {
      this.probeName = parseName(name);
      return this;
    }

    /** How often the DNSSEC probe (DNS-4) is repeated (1 min..1 day; default {@link DaneResolver#DEFAULT_PROBE_INTERVAL}, 1 h). */
    public Builder probeInterval(Duration interval) {
      if (interval.compareTo(Duration.ofMinutes(1)) < 0 || interval.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException("probeInterval must be 1 min..1 day, got " + interval);
      }
      this.probeInterval = interval;
      return this;
    }

    /**
     * Keeps the upstream's DS and DNSKEY answers of the chain of trust in {@code file} between processes, so that
     * a short-lived process (a command-line run) does not fetch the root's, the TLDs' and each zone's keys again on
     * every start; off by default. Only with in-process validation (not with {@link #trustAd()}).
     *
     * <p>The file is never a trust input: it holds the upstream's raw answers (DNS wire format, with the time
     * each was received on the {@link #clock clock} and its TTL, at most {@link #maxTtl}), which go through
     * dnsjava's validator exactly like answers from the network, every signature checked up to the trust anchors
     * (RFC 4035 §5). Expired answers are not loaded, the TTLs of loaded records are cut to the time left, and a
     * file written under other trust anchors is not loaded. When a validation fails while answers from the file
     * are held, they are all dropped and the lookup is asked again with the network's answers; a DS or DNSKEY
     * question of the application's own ({@link DaneResolver#lookupSigned}, {@link DaneResolver#lookup}) is
     * always answered by the upstream. A file that cannot be read, is damaged, or is over a limit (1,000 answers,
     * 4 MiB) is ignored with one warning (SLF4J) and replaced.
     *
     * <p>Loaded when the resolver is built; written on {@link DaneResolver#close()} (only when answers were
     * fetched or dropped), to a temporary file in the same directory, owner-only on POSIX (0600; a missing
     * directory is created 0700), moved over the old file atomically: concurrent processes never leave a torn
     * file, the last to close wins.
     */
    public Builder keyCache(Path file) {
      this.keyCache = Objects.requireNonNull(file, "file");
      return this;
    }

    /** Where the key cache's warnings go (tests); SLF4J by default. */
    Builder keyCacheLog(java.util.function.Consumer<String> log) {
      this.keyCacheLog = Objects.requireNonNull(log, "log");
      return this;
    }

    /** Where changes of the probe's state go (tests); SLF4J by default. */
    Builder probeLog(ProbeSchedule.Log log) {
      this.probeLog = Objects.requireNonNull(log, "log");
      return this;
    }

    /**
     * The resolver.
     *
     * @throws IllegalStateException when no upstream is configured or found, a non-loopback upstream
     *     is to be trusted for AD without {@link #trustNonLoopbackAd()}, or trust anchors or a key cache are
     *     given together with {@link #trustAd()} (they would be ignored: the upstream validates with its own)
     */
    public DaneResolver build() {
      if (trustAd && keyCache != null) {
        throw new IllegalStateException("keyCache and trustAd() cannot be combined: with trustAd() the upstream"
            + " resolver validates DNSSEC and keeps the keys itself; drop one of them");
      }
      if (trustAd && trustAnchors != null) {
        throw new IllegalStateException("trust anchors and trustAd() cannot be combined: with trustAd() the"
            + " upstream resolver validates DNSSEC with its own trust anchors and dane4j only reads its AD bit, so"
            + " the trust anchors given would be ignored; drop one of them");
      }
      List<InetSocketAddress> upstreams = servers.isEmpty() ? resolvConfServers() : servers;
      if (upstreams.isEmpty()) {
        throw new IllegalStateException("no DNS server configured and none found in /etc/resolv.conf");
      }
      if (trustAd && !trustNonLoopbackAd) {
        for (InetSocketAddress s : upstreams) {
          if (!s.getAddress().isLoopbackAddress()) {
            throw new IllegalStateException("refusing to trust the AD bit of " + s + ": not a loopback "
                + "address (DNS-3); validate in process, or call trustNonLoopbackAd() to override");
          }
        }
      }
      ExecutorService owned = executor == null ? Executors.newFixedThreadPool(
          Math.max(2, Runtime.getRuntime().availableProcessors()), daemonThreads()) : null;
      Executor runOn = executor != null ? executor : owned;
      Resolver head = head(upstreams);
      DnsBackend backend = trustAd ? new AdTrustingBackend(head)
          : new ValidatingBackend(head, trustAnchors != null ? trustAnchors : RootAnchors.text(), clock, maxTtl,
              keyCache, keyCacheLog);
      return new DaneResolver(this, upstreams, backend, runOn, owned);
    }

    private Resolver head(List<InetSocketAddress> upstreams) {
      List<Resolver> each = new ArrayList<>();
      for (InetSocketAddress s : upstreams) {
        SimpleResolver r = new SimpleResolver(s);
        r.setTimeout(timeout);
        r.setEDNS(0, 1232, ExtendedFlags.DO, List.of());
        each.add(r);
      }
      ExtendedResolver head = new ExtendedResolver(each);
      head.setTimeout(timeout);
      head.setRetries(retries + 1);
      head.setLoadBalance(false);
      return head;
    }

    private static List<InetSocketAddress> resolvConfServers() {
      ResolvConfResolverConfigProvider conf = new ResolvConfResolverConfigProvider();
      try {
        conf.initialize();
      } catch (Exception e) {
        throw new IllegalStateException("cannot read /etc/resolv.conf: " + e.getMessage(), e);
      }
      return conf.servers();
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
      AtomicInteger n = new AtomicInteger();
      return r -> {
        Thread t = new Thread(r, "dane4j-dns-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      };
    }
  }
}
