package org.dane4j.testkit.dns;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Type;

/**
 * A zone as served at one moment: every RRset with its signatures (when signed), and the NSEC chain.
 * Immutable but for the world generation it is current for (under the world lock); rebuilt by
 * {@link ZoneSigner} when the world changes.
 */
final class ZoneSnapshot {
  private static final Duration RESIGN_AFTER = Duration.ofDays(1);

  private final Name apex;
  private final ZoneKey key;
  private final NavigableMap<Name, Map<Integer, RRset>> nodes;
  private final NavigableMap<Name, RRset> nsecs;
  private final Nsec3Chain nsec3;
  private final Instant signedAt;
  private final Duration resignAfter;
  private long generation = -1;

  /**
   * A snapshot; {@code nsecs} are keyed by owner name, the hashed owner name with NSEC3 ({@code nsec3} not
   * null), and re-signing is due after a day or half the signature lifetime, whichever is shorter.
   */
  ZoneSnapshot(Name apex, ZoneKey key, NavigableMap<Name, Map<Integer, RRset>> nodes,
      NavigableMap<Name, RRset> nsecs, Nsec3Chain nsec3, Instant signedAt, Duration signatureLifetime) {
    this.apex = apex;
    this.key = key;
    this.nodes = Collections.unmodifiableNavigableMap(nodes);
    this.nsecs = Collections.unmodifiableNavigableMap(nsecs);
    this.nsec3 = nsec3;
    this.signedAt = signedAt;
    Duration half = signatureLifetime.dividedBy(2);
    this.resignAfter = half.compareTo(RESIGN_AFTER) < 0 ? half : RESIGN_AFTER;
  }

  /** Marks this snapshot as built for the world's {@code generation}; returns it. */
  ZoneSnapshot at(long worldGeneration) {
    this.generation = worldGeneration;
    return this;
  }

  boolean isCurrent(long currentGeneration, Instant now) {
    return generation == currentGeneration && Duration.between(signedAt, now).abs().compareTo(resignAfter) < 0;
  }

  Name apex() {
    return apex;
  }

  /** The signing key, or null for an unsigned zone. */
  ZoneKey key() {
    return key;
  }

  boolean isSigned() {
    return key != null;
  }

  /** The RRsets at {@code name} by type, or null when the name owns no data here. */
  Map<Integer, RRset> node(Name name) {
    return nodes.get(name);
  }

  RRset soa() {
    return nodes.get(apex).get(Type.SOA);
  }

  /** Whether {@code name} owns no data but has descendants that do. */
  boolean isEmptyNonTerminal(Name name) {
    Name after = nodes.higherKey(name);
    return !nodes.containsKey(name) && after != null && after.subdomain(name) && !after.equals(name);
  }

  /** The deepest existing ancestor of a name that does not exist (the apex at worst). */
  Name closestEncloser(Name name) {
    Name candidate = name;
    while (!candidate.equals(apex)) {
      candidate = new Name(candidate, 1);
      if (nodes.containsKey(candidate) || isEmptyNonTerminal(candidate)) {
        return candidate;
      }
    }
    return apex;
  }

  /** Whether denial of existence uses NSEC3. */
  boolean isNsec3() {
    return nsec3 != null;
  }

  /** The NSEC owned by {@code name}, or with NSEC3 the NSEC3 matching it; null when there is none. */
  RRset nsecAt(Name name) {
    return nsecs.get(nsec3 == null ? name : nsec3.hashedOwner(name));
  }

  /**
   * The NSEC (or NSEC3, by hashed owner) with the greatest owner before {@code name} (or its hash) in canonical
   * order: it covers the name.
   */
  RRset nsecCovering(Name name) {
    Map.Entry<Name, RRset> entry = nsecs.lowerEntry(nsec3 == null ? name : nsec3.hashedOwner(name));
    return entry == null ? nsecs.lastEntry().getValue() : entry.getValue();
  }
}
