package org.dane4j.tlsa;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Digest algorithm agility (RFC 7671 §9; checklist DIG-1): for each (usage, selector) pair, only the
 * records with the strongest digest present in the RRset are used, so that a weaker digest that an
 * attacker may be able to collide cannot be relied on once the zone publishes a stronger one. Full(0)
 * records are not digests and always count.
 */
final class DigestAgility {
  private DigestAgility() {}

  static List<TlsaRecord> strongest(List<TlsaRecord> usable) {
    Map<Integer, Integer> best = new HashMap<>();
    for (TlsaRecord r : usable) {
      best.merge(key(r), r.matchingType().strength(), Math::max);
    }
    return usable.stream()
        .filter(r -> r.matchingType().equals(MatchingType.FULL)
            || r.matchingType().strength() == best.get(key(r)))
        .toList();
  }

  private static int key(TlsaRecord r) {
    return r.usage().value() << 8 | r.selector().value();
  }
}
