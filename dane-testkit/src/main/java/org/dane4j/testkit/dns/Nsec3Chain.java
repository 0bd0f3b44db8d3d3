package org.dane4j.testkit.dns;

import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSEC3PARAMRecord;
import org.xbill.DNS.NSEC3Record;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.RRset;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.utils.base32;

/**
 * The NSEC3 chain of a signed zone (RFC 5155 §7.1): one NSEC3 per owner name that holds data or a delegation
 * and per empty non-terminal, owned by the base32hex SHA-1 hash of the name (with the zone's iterations and salt)
 * below the apex, in hash order, each pointing at the next hash, the last back to the first. The type bitmap lists
 * the types present, plus RRSIG where the node is signed (not at an insecure delegation). With opt-out every record
 * carries the flag; no delegation is left out of the chain (allowed, RFC 5155 §7.1).
 */
final class Nsec3Chain {
  private static final base32 BASE32HEX = new base32(base32.Alphabet.BASE32HEX, false, true);

  private final Name apex;
  private final ZoneSigning signing;
  private final NSEC3PARAMRecord hasher;

  Nsec3Chain(Name apex, ZoneSigning signing) {
    this.apex = apex;
    this.signing = signing;
    this.hasher = new NSEC3PARAMRecord(apex, DClass.IN, 0, NSEC3Record.SHA1_DIGEST_ID, 0,
        signing.nsec3Iterations(), signing.nsec3Salt());
  }

  /** The NSEC3PARAM record at the apex (flags 0, RFC 5155 §4.1.2). */
  NSEC3PARAMRecord param(long ttl) {
    return new NSEC3PARAMRecord(apex, DClass.IN, ttl, NSEC3Record.SHA1_DIGEST_ID, 0, signing.nsec3Iterations(),
        signing.nsec3Salt());
  }

  /** The owner name of the NSEC3 of {@code name}: its hash, base32hex, as a label below the apex. */
  Name hashedOwner(Name name) {
    try {
      return Name.concatenate(Name.fromString(BASE32HEX.toString(hash(name))), apex);
    } catch (TextParseException | NameTooLongException e) {
      throw new IllegalStateException("cannot form the NSEC3 owner of " + name, e);
    }
  }

  /** One unsigned NSEC3 RRset per owner and empty non-terminal of {@code nodes}, keyed by hashed owner name. */
  TreeMap<Name, RRset> build(NavigableMap<Name, Map<Integer, RRset>> nodes, long ttl) {
    TreeMap<Name, TreeSet<Integer>> names = new TreeMap<>();
    for (Map.Entry<Name, Map<Integer, RRset>> node : nodes.entrySet()) {
      Name owner = node.getKey();
      TreeSet<Integer> types = new TreeSet<>(node.getValue().keySet());
      boolean insecureCut = !owner.equals(apex) && types.contains(Type.NS) && !types.contains(Type.DS);
      if (!insecureCut) {
        types.add(Type.RRSIG);
      }
      names.put(owner, types);
      for (Name up = owner; up.labels() > apex.labels() + 1; ) {
        up = new Name(up, 1);
        names.putIfAbsent(up, new TreeSet<>()); // an empty non-terminal: no types
      }
    }
    TreeMap<Name, byte[]> hashes = new TreeMap<>();
    TreeMap<Name, TreeSet<Integer>> byHash = new TreeMap<>();
    names.forEach((name, types) -> {
      byte[] h = hash(name);
      Name owner = hashedOwner(name);
      hashes.put(owner, h);
      byHash.put(owner, types);
    });
    TreeMap<Name, RRset> chain = new TreeMap<>();
    int flags = signing.isNsec3OptOut() ? NSEC3Record.Flags.OPT_OUT : 0;
    Map.Entry<Name, byte[]> first = hashes.firstEntry();
    for (Map.Entry<Name, byte[]> e : hashes.entrySet()) {
      Map.Entry<Name, byte[]> next = hashes.higherEntry(e.getKey());
      byte[] nextHash = (next == null ? first : next).getValue();
      int[] bitmap = byHash.get(e.getKey()).stream().mapToInt(Integer::intValue).toArray();
      chain.put(e.getKey(), new RRset(new NSEC3Record(e.getKey(), DClass.IN, ttl, NSEC3Record.SHA1_DIGEST_ID,
          flags, signing.nsec3Iterations(), signing.nsec3Salt(), nextHash, bitmap)));
    }
    return chain;
  }

  private byte[] hash(Name name) {
    try {
      return hasher.hashName(name);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is not available for NSEC3", e);
    }
  }
}
