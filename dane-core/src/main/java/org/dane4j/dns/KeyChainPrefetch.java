package org.dane4j.dns;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Fetches the chain of trust in parallel for dnsjava's validator, which walks it one question after another
 * (DNSKEY of the trust anchor, then DS and DNSKEY of each zone down to the signer, RFC 4035 §5), and keeps the
 * DS/DNSKEY answers by their TTL. It sits between the validator and the upstream and only changes <em>when</em>
 * the upstream is asked, never what the validator checks:
 *
 * <ul>
 *   <li>when a query leaves for a name whose closest trust anchor is a DS anchor, the anchor's DNSKEY is asked
 *       for at the same time (unless its answer is held);</li>
 *   <li>when a response arrives, for each RRSIG signer (an ancestor of the signed RRset) whose keys dnsjava has
 *       not fetched recently, the DS of every name from the anchor down to the signer and the signer's DNSKEY
 *       are asked for at once; an intermediate name's DNSKEY as soon as its DS turns out to exist;</li>
 *   <li>the validator's DS and DNSKEY questions are answered from these answers (with the validator's message
 *       id); identical questions in flight share one upstream query; NOERROR and NXDOMAIN answers are kept for
 *       their smallest TTL, at most the key cache's maximum (the resolver's {@code maxTtl}); any other answer,
 *       or none, is never kept: the validator's question then goes upstream itself. This matters because
 *       dnsjava 3.7 walks again from the trust anchor for every zone not in its key cache, even when the keys
 *       of the zones above it are cached.</li>
 * </ul>
 *
 * <p>Every signature is still checked by the validator, every time, so a bogus chain stays bogus; after a
 * bogus result every held answer is dropped ({@link #forgetHeld()}). "Fetched recently" mirrors dnsjava's key
 * cache (a zone's keys kept for their TTL, at most the resolver's {@code maxTtl}, on the system clock): a zone
 * counts as known for that long after the validator asked for its DNSKEY, and for {@link #PREFETCH_GUARD} after a
 * prefetch for it started, so a zone whose chain fails is prefetched at most once per guard period. Deadlines
 * are on {@link System#nanoTime()}, like dnsjava's key cache on the system clock. Limits: {@link #MAX_HELD}
 * answers held, {@link #MAX_PREFETCH_PER_RESPONSE} questions started per response, {@link #MAX_KNOWN_ZONES}
 * zones remembered.
 */
final class KeyChainPrefetch extends ForwardingResolver {
  /** At most this many DS/DNSKEY answers are held at once; beyond it nothing is prefetched or kept. */
  static final int MAX_HELD = 1_000;
  /** At most this many key questions are started for one response (a hostile upstream cannot fan out more). */
  static final int MAX_PREFETCH_PER_RESPONSE = 16;
  /** How long a zone is not prefetched again after a prefetch for it started (dnsjava's bad-key TTL). */
  static final Duration PREFETCH_GUARD = Duration.ofSeconds(60);
  /** The most zones remembered as known (dnsjava's key cache holds 1,000 by default). */
  static final long MAX_KNOWN_ZONES = 10_000;

  /** A trust anchor's owner and whether it is a DS (its DNSKEY must be fetched) or a DNSKEY anchor. */
  record Anchor(Name name, boolean ds) {}

  /**
   * An answer in flight (no deadline yet) or kept until its deadline on {@link System#nanoTime()}; with the
   * time it was received on the resolver's clock and how long it may be kept from then, for the key cache file.
   */
  private static final class Held {
    final CompletableFuture<Message> response;
    final boolean fromFile;
    volatile boolean done;
    volatile long deadline;
    volatile long receivedAtMillis;
    volatile long keepSeconds;

    Held(CompletableFuture<Message> response, boolean fromFile) {
      this.response = response;
      this.fromFile = fromFile;
    }
  }

  private final Duration keyCacheMaxTtl;
  private final Clock clock;
  private final List<Anchor> anchors;
  /** Whether answers loaded from the key cache file may be held (until the next {@link #forgetHeld()}). */
  private volatile boolean fileAnswersHeld;
  /** Whether an answer from the upstream was held, or held answers dropped, since the file was loaded. */
  private volatile boolean changed;
  private final Map<UpstreamRcodes.Question, Held> held = new ConcurrentHashMap<>();
  private final Cache<Name, Duration> known = Caffeine.newBuilder()
      .maximumSize(MAX_KNOWN_ZONES)
      .expireAfter(new Expiry<Name, Duration>() {
        @Override
        public long expireAfterCreate(Name zone, Duration ttl, long now) {
          return ttl.toNanos();
        }

        @Override
        public long expireAfterUpdate(Name zone, Duration ttl, long now, long current) {
          return ttl.toNanos();
        }

        @Override
        public long expireAfterRead(Name zone, Duration ttl, long now, long current) {
          return current;
        }
      })
      .executor(Runnable::run)
      .build();

  /**
   * @param keyCacheMaxTtl the longest dnsjava's key cache keeps a zone's keys (its {@code keycache.max_ttl})
   * @param clock the resolver's clock, for the time each answer was received (the key cache file's)
   */
  KeyChainPrefetch(Resolver upstream, Duration keyCacheMaxTtl, Clock clock) {
    super(upstream);
    this.keyCacheMaxTtl = keyCacheMaxTtl;
    this.clock = clock;
    this.anchors = new ArrayList<>();
  }

  /** Sets the trust anchors (after the validator has loaded them). */
  void anchors(Collection<RRset> trustAnchors) {
    List<Anchor> list = new ArrayList<>();
    for (RRset rrset : trustAnchors) {
      list.add(new Anchor(rrset.getName(), rrset.getType() == Type.DS));
    }
    synchronized (anchors) {
      anchors.clear();
      anchors.addAll(list);
    }
  }

  @Override
  public CompletionStage<Message> sendAsync(Message query, Executor executor) {
    Record q = query.getQuestion();
    if (q == null || q.getDClass() != DClass.IN) {
      return upstream.sendAsync(query, executor);
    }
    if (q.getType() == Type.DS || q.getType() == Type.DNSKEY) {
      return keyQuestion(query, q, executor);
    }
    Anchor anchor = closestAnchor(q.getName());
    if (anchor != null && anchor.ds()) { // nothing is sent when the anchor's DNSKEY answer is held
      prefetch(anchor.name(), Type.DNSKEY, executor, new int[] {1});
    }
    return upstream.sendAsync(query, executor).thenApply(response -> {
      try {
        prefetchChains(response, executor);
      } catch (RuntimeException e) {
        // only an optimisation: the validator asks for whatever it still needs itself
      }
      return response;
    });
  }

  /** The validator's DS or DNSKEY question: from a held answer, or sent and held for others. */
  private CompletionStage<Message> keyQuestion(Message query, Record q, Executor executor) {
    UpstreamRcodes.Question key = new UpstreamRcodes.Question(q.getName(), q.getType(), q.getDClass());
    Held h = held.get(key);
    CompletableFuture<Message> answer;
    if (h != null && !expired(h)) {
      answer = h.response.handle((m, e) -> reusable(m, e) ? m : null).thenCompose(m -> {
        if (m != null) {
          return CompletableFuture.completedFuture(m);
        }
        held.remove(key, h);
        return upstream.sendAsync(query, executor).toCompletableFuture();
      });
    } else {
      answer = shared(key, () -> upstream.sendAsync(query, executor));
      if (answer == null) { // no room to share it
        answer = upstream.sendAsync(query, executor).toCompletableFuture();
      }
    }
    int id = query.getHeader().getID();
    return answer.thenApply(m -> {
      if (q.getType() == Type.DNSKEY) {
        known.put(q.getName(), keyTtl(m, q.getName()));
      }
      Message copy = m.clone();
      copy.getHeader().setID(id);
      return copy;
    });
  }

  /**
   * The held answer to {@code key}, or a new one from {@code send} held for others; null when
   * {@link #MAX_HELD} answers are held. Only one caller sends for a question at a time.
   */
  private CompletableFuture<Message> shared(UpstreamRcodes.Question key,
      java.util.function.Supplier<CompletionStage<Message>> send) {
    if (!roomToHold()) {
      Held h = held.get(key);
      return h != null && !expired(h) ? h.response : null;
    }
    CompletableFuture<Message> mine = new CompletableFuture<>();
    Held fresh = new Held(mine, false);
    Held winner = held.compute(key, (k, old) -> old != null && !expired(old) ? old : fresh);
    if (winner != fresh) {
      return winner.response;
    }
    try {
      send.get().whenComplete((m, e) -> {
        if (reusable(m, e)) { // kept for its TTL, at most as long as dnsjava keeps keys
          Duration keep = keepFor(m);
          fresh.receivedAtMillis = clock.millis();
          fresh.keepSeconds = keep.toSeconds();
          fresh.deadline = System.nanoTime() + keep.toNanos();
          fresh.done = true;
          changed = true;
        } else {
          held.remove(key, fresh);
        }
        if (e != null) {
          mine.completeExceptionally(e);
        } else {
          mine.complete(m);
        }
      });
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
    }
    return mine;
  }

  /** Starts the DS/DNSKEY questions for each signer of {@code response} whose keys are not known. */
  private void prefetchChains(Message response, Executor executor) {
    if (response.getRcode() != Rcode.NOERROR && response.getRcode() != Rcode.NXDOMAIN) {
      return;
    }
    Set<Name> signers = new LinkedHashSet<>();
    for (int section : new int[] {Section.ANSWER, Section.AUTHORITY}) {
      for (Record r : response.getSection(section)) {
        if (r instanceof RRSIGRecord sig && r.getDClass() == DClass.IN && sig.getName().subdomain(sig.getSigner())) {
          signers.add(sig.getSigner());
        }
      }
    }
    int[] budget = {MAX_PREFETCH_PER_RESPONSE};
    for (Name signer : signers) {
      if (budget[0] <= 0 || isKnown(signer)) {
        continue;
      }
      Anchor anchor = closestAnchor(signer);
      if (anchor == null) {
        continue;
      }
      known.put(signer, PREFETCH_GUARD);
      // dnsjava 3.7 walks from the trust anchor for every zone not in its key cache, even when the keys of the
      // zones above are cached: so the whole chain, each question answered from a held answer if there is one.
      Name top = anchor.name();
      if (anchor.ds()) {
        prefetch(anchor.name(), Type.DNSKEY, executor, budget);
      }
      for (int labels = top.labels() + 1; labels <= signer.labels(); labels++) {
        Name zone = new Name(signer, signer.labels() - labels);
        CompletableFuture<Message> ds = prefetch(zone, Type.DS, executor, budget);
        if (zone.equals(signer)) {
          prefetch(zone, Type.DNSKEY, executor, budget);
        } else if (ds != null) {
          ds.thenAccept(m -> {
            if (hasAnswer(m, zone, Type.DS)) {
              prefetch(zone, Type.DNSKEY, executor, new int[] {1});
            }
          });
        }
      }
    }
  }

  /** Sends one key question ahead of the validator, unless it is held already or a limit is reached. */
  private CompletableFuture<Message> prefetch(Name name, int type, Executor executor, int[] budget) {
    UpstreamRcodes.Question key = new UpstreamRcodes.Question(name, type, DClass.IN);
    Held h = held.get(key);
    if (h != null && !expired(h)) {
      return h.response;
    }
    if (budget[0] <= 0) {
      return null;
    }
    budget[0]--;
    return shared(key, () -> {
      Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
      query.getHeader().setFlag(Flags.CD); // as the validator asks: it checks everything itself
      return upstream.sendAsync(query, executor);
    });
  }

  private boolean roomToHold() {
    if (held.size() >= MAX_HELD) {
      held.values().removeIf(KeyChainPrefetch::expired);
    }
    return held.size() < MAX_HELD;
  }

  private static boolean expired(Held h) {
    return h.done && System.nanoTime() - h.deadline > 0;
  }

  /** Forgets every held answer (after a bogus result: the next lookups fetch the chain afresh). */
  void forgetHeld() {
    fileAnswersHeld = false;
    changed = true;
    held.clear();
  }

  /**
   * Holds answers read from the key cache file (already cut to their remaining TTL) as if they had just come
   * from the upstream: the validator checks them like any other. Held answers are not replaced.
   */
  void preload(List<KeyCacheFile.Entry> entries, Duration maxTtl) {
    long now = clock.millis();
    for (KeyCacheFile.Entry e : entries) {
      long left = e.remainingSeconds(now, maxTtl);
      UpstreamRcodes.Question key = UpstreamRcodes.Question.of(e.message());
      if (left <= 0 || key == null || !roomToHold()) {
        continue;
      }
      Held h = new Held(CompletableFuture.completedFuture(e.message()), true);
      h.receivedAtMillis = e.receivedAtMillis();
      h.keepSeconds = Math.min(e.keepSeconds(), maxTtl.toSeconds());
      h.deadline = System.nanoTime() + Duration.ofSeconds(left).toNanos();
      h.done = true;
      if (held.putIfAbsent(key, h) == null) {
        fileAnswersHeld = true;
      }
    }
  }

  /** Whether answers from the key cache file may be among those held. */
  boolean fileAnswersHeld() {
    return fileAnswersHeld;
  }

  /** Whether answers were fetched or dropped since {@link #preload}: the file would say something new. */
  boolean changed() {
    return changed;
  }

  /**
   * Drops the held answer to {@code question} if it came from the key cache file, so that a client's own DS or
   * DNSKEY question (e.g. a DNSSEC lint's) is answered by the upstream, never from the file.
   */
  void dropFileAnswer(UpstreamRcodes.Question question) {
    if (question != null) {
      held.computeIfPresent(question, (k, h) -> h.fromFile ? null : h);
    }
  }

  /** The answers held now that may be written to the key cache file (complete, unexpired DS/DNSKEY answers). */
  List<KeyCacheFile.Entry> snapshot() {
    List<KeyCacheFile.Entry> out = new ArrayList<>();
    for (Held h : held.values()) {
      if (!h.done || expired(h)) {
        continue;
      }
      Message m = h.response.getNow(null);
      if (m != null && KeyCacheFile.keyAnswer(m)) {
        out.add(new KeyCacheFile.Entry(h.receivedAtMillis, h.keepSeconds, m));
      }
    }
    return out;
  }

  /** The smallest TTL in the answer and authority sections, at most dnsjava's key cache maximum. */
  private Duration keepFor(Message m) {
    long ttl = Long.MAX_VALUE;
    for (int section : new int[] {Section.ANSWER, Section.AUTHORITY}) {
      for (Record r : m.getSection(section)) {
        ttl = Math.min(ttl, r.getTTL());
      }
    }
    Duration d = Duration.ofSeconds(ttl == Long.MAX_VALUE ? 0 : ttl);
    return d.compareTo(keyCacheMaxTtl) > 0 ? keyCacheMaxTtl : d;
  }

  private static boolean reusable(Message m, Throwable error) {
    return error == null && m != null && (m.getRcode() == Rcode.NOERROR || m.getRcode() == Rcode.NXDOMAIN);
  }

  private boolean isKnown(Name zone) {
    return known.getIfPresent(zone) != null;
  }

  private Anchor closestAnchor(Name name) {
    Anchor best = null;
    synchronized (anchors) {
      for (Anchor a : anchors) {
        if (name.subdomain(a.name()) && (best == null || a.name().labels() > best.name().labels())) {
          best = a;
        }
      }
    }
    return best;
  }

  private static boolean hasAnswer(Message m, Name name, int type) {
    if (m == null || m.getRcode() != Rcode.NOERROR) {
      return false;
    }
    for (Record r : m.getSection(Section.ANSWER)) {
      if (r.getType() == type && r.getName().equals(name)) {
        return true;
      }
    }
    return false;
  }

  /** How long dnsjava keeps the zone's keys after this DNSKEY answer: their TTL, at most its maximum. */
  private Duration keyTtl(Message m, Name zone) {
    long ttl = -1;
    for (Record r : m.getSection(Section.ANSWER)) {
      if (r.getType() == Type.DNSKEY && r.getName().equals(zone)) {
        ttl = ttl < 0 ? r.getTTL() : Math.min(ttl, r.getTTL());
      }
    }
    if (ttl < 0) {
      return PREFETCH_GUARD;
    }
    Duration d = Duration.ofSeconds(ttl);
    return d.compareTo(keyCacheMaxTtl) > 0 ? keyCacheMaxTtl : d;
  }
}
