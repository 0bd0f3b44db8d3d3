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
  private final Instant signedAt;
  private long generation = -1;

  ZoneSnapshot(Name apex, ZoneKey key, NavigableMap<Name, Map<Integer, RRset>> nodes,
      NavigableMap<Name, RRset> nsecs, Instant signedAt) {
    this.apex = apex;
    this.key = key;
    this.nodes = Collections.unmodifiableNavigableMap(nodes);
    this.nsecs = Collections.unmodifiableNavigableMap(nsecs);
    this.signedAt = signedAt;
  }

  /** Marks this snapshot as built for the world's {@code generation}; returns it. */
  ZoneSnapshot at(long worldGeneration) {
    this.generation = worldGeneration;
    return this;
  }

  boolean isCurrent(long currentGeneration, Instant now) {
    return generation == currentGeneration && Duration.between(signedAt, now).abs().compareTo(RESIGN_AFTER) < 0;
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

  /** The NSEC owned by {@code name}, or null. */
  RRset nsecAt(Name name) {
    return nsecs.get(name);
  }

  /** The NSEC with the greatest owner before {@code name} in canonical order: it covers the name. */
  RRset nsecCovering(Name name) {
    Map.Entry<Name, RRset> entry = nsecs.lowerEntry(name);
    return entry == null ? nsecs.lastEntry().getValue() : entry.getValue();
  }
}
