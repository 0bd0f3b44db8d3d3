package org.dane4j.testkit.dns;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Type;

/**
 * Builds the NSEC chain of a signed zone (RFC 4034 section 4): one NSEC at every owner name that holds data or
 * a delegation, in canonical order, the last pointing back to the apex. Empty non-terminals get no NSEC of
 * their own (RFC 4035 section 2.3): the NSEC of the preceding name, whose next name lies below the empty
 * non-terminal, proves that it exists without data.
 */
final class NsecChain {
  private NsecChain() {}

  /**
   * One unsigned NSEC RRset per owner of {@code nodes} (keyed by owner name in canonical order); the type
   * bitmap lists the types present plus RRSIG and NSEC.
   */
  static TreeMap<Name, RRset> build(NavigableMap<Name, Map<Integer, RRset>> nodes, long ttl) {
    List<Name> owners = new ArrayList<>(nodes.keySet());
    TreeMap<Name, RRset> chain = new TreeMap<>();
    for (int i = 0; i < owners.size(); i++) {
      Name owner = owners.get(i);
      Name next = owners.get((i + 1) % owners.size());
      TreeSet<Integer> types = new TreeSet<>(nodes.get(owner).keySet());
      types.add(Type.RRSIG);
      types.add(Type.NSEC);
      int[] bitmap = types.stream().mapToInt(Integer::intValue).toArray();
      chain.put(owner, new RRset(new NSECRecord(owner, DClass.IN, ttl, next, bitmap)));
    }
    return chain;
  }
}
