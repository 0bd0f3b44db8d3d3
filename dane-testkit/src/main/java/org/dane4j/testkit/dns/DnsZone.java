package org.dane4j.testkit.dns;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * One zone of a {@link DnsWorld}: its records, and (when signed) its key. The SOA, the apex NS and DNSKEY,
 * the delegations to child zones (NS and DS), the NSEC chain and all signatures are managed by the world;
 * add only the zone's own data. Changes take effect at once, also while the server runs: the zone is re-signed
 * before its next answer.
 *
 * <pre>{@code
 * world.zone("example.test.")
 *     .add("example.test. 300 IN MX 10 mx.example.test.")
 *     .add("mx 300 IN A 127.0.0.1");          // names are relative to the zone apex
 * }</pre>
 */
public final class DnsZone {
  /** Default TTL of records added without one. */
  public static final long DEFAULT_TTL = 300;
  private static final Set<Integer> MANAGED_TYPES = Set.of(Type.SOA, Type.NS, Type.DNSKEY, Type.DS, Type.RRSIG,
      Type.NSEC, Type.NSEC3, Type.NSEC3PARAM, Type.OPT, Type.CDS, Type.CDNSKEY);

  private final DnsWorld world;
  private final Name apex;
  private final ZoneKey key;
  private final ZoneSigning signing;
  private final TreeMap<Name, Map<Integer, RRset>> data = new TreeMap<>();
  private ZoneSnapshot snapshot;
  private long serial = 1;

  /** A zone; {@code signing} null for an unsigned one. */
  DnsZone(DnsWorld world, Name apex, ZoneSigning signing) {
    this.world = world;
    this.apex = apex;
    this.signing = signing;
    this.key = signing != null ? ZoneKey.generate(apex, signing) : null;
  }

  /** The apex name of this zone. */
  public Name name() {
    return apex;
  }

  /** Whether this zone is signed (and has a DS in its parent). */
  public boolean isSigned() {
    return key != null;
  }

  /** How the zone is signed; throws for an unsigned zone. */
  public ZoneSigning signing() {
    requireKey();
    return signing;
  }

  /** The zone's DNSKEY (a CSK, flags 257, algorithm 13 unless its {@link ZoneSigning} says otherwise); throws for an unsigned zone. */
  public DNSKEYRecord dnskey() {
    return requireKey().dnskey();
  }

  /** The first DS record of the zone's key (SHA-256 by default), as its parent publishes it; throws for an unsigned zone. */
  public DSRecord ds() {
    return requireKey().ds();
  }

  /**
   * Adds records given as master-file lines, e.g. {@code "mx.example.test. 300 IN A 127.0.0.1"}. Names
   * without a final dot are relative to the apex; TTL (default {@value #DEFAULT_TTL}) and class (IN) may be
   * omitted. Owner names must be in this zone; SOA, NS, DNSKEY, DS, RRSIG and NSEC(3) are managed by the
   * world and refused, as are wildcards and a CNAME next to other data.
   */
  public DnsZone add(String... masterFileLines) {
    for (String line : masterFileLines) {
      for (Record record : parse(line)) {
        add(record);
      }
    }
    return this;
  }

  /** Adds one record, with the same rules as {@link #add(String...)}. */
  public DnsZone add(Record record) {
    Objects.requireNonNull(record, "record");
    synchronized (world.lock()) {
      check(record);
      data.computeIfAbsent(record.getName(), n -> new TreeMap<>())
          .computeIfAbsent(record.getRRsetType(), t -> new RRset())
          .addRR(record);
      serial++;
      world.changed();
    }
    return this;
  }

  /** Removes the RRset of {@code type} at {@code name} (relative to the apex unless it ends with a dot). */
  public DnsZone remove(String name, int type) {
    Name owner = parseName(name);
    synchronized (world.lock()) {
      Map<Integer, RRset> node = data.get(owner);
      if (node != null && node.remove(type) != null) {
        if (node.isEmpty()) {
          data.remove(owner);
        }
        serial++;
      world.changed();
      }
    }
    return this;
  }

  /** Removes every record this zone holds at {@code name}. */
  public DnsZone remove(String name) {
    Name owner = parseName(name);
    synchronized (world.lock()) {
      if (data.remove(owner) != null) {
        serial++;
      world.changed();
      }
    }
    return this;
  }

  @Override
  public String toString() {
    return (isSigned() ? "signed zone " : "unsigned zone ") + apex;
  }

  /** The zone as served now; re-signed when the world changed or the clock moved a day. Under the world lock. */
  ZoneSnapshot snapshot(long generation, Instant now, List<ZoneSigner.Delegation> delegations) {
    if (snapshot == null || !snapshot.isCurrent(generation, now)) {
      snapshot = ZoneSigner.sign(apex, key, signing == null ? ZoneSigning.defaults() : signing, data, delegations,
          serial, now).at(generation);
    }
    return snapshot;
  }

  ZoneKey key() {
    return key;
  }

  private ZoneKey requireKey() {
    if (key == null) {
      throw new IllegalStateException(apex + " is not signed");
    }
    return key;
  }

  private void check(Record record) {
    Name owner = record.getName();
    int type = record.getRRsetType();
    if (!owner.subdomain(apex)) {
      throw new IllegalArgumentException(owner + " is not in zone " + apex);
    }
    if (record.getDClass() != DClass.IN) {
      throw new IllegalArgumentException("only class IN is served: " + record);
    }
    if (MANAGED_TYPES.contains(type)) {
      throw new IllegalArgumentException(Type.string(type) + " records are managed by the DnsWorld: " + record);
    }
    if (owner.isWild()) {
      throw new IllegalArgumentException("wildcards are not supported: " + record);
    }
    DnsZone hosting = world.zoneAt(owner);
    if (hosting != this) {
      throw new IllegalArgumentException(owner + " belongs to the delegated zone " + hosting.name());
    }
    Map<Integer, RRset> node = data.get(owner);
    boolean hasOther = node != null && node.keySet().stream().anyMatch(t -> t != type);
    if (type == Type.CNAME && (owner.equals(apex) || hasOther)) {
      throw new IllegalArgumentException("a CNAME cannot share its name with other data: " + record);
    }
    if (type != Type.CNAME && node != null && node.containsKey(Type.CNAME)) {
      throw new IllegalArgumentException(owner + " already owns a CNAME: " + record);
    }
  }

  private List<Record> parse(String line) {
    try (Master master = new Master(
        new ByteArrayInputStream(line.getBytes(StandardCharsets.UTF_8)), apex, DEFAULT_TTL)) {
      List<Record> records = new java.util.ArrayList<>();
      for (Record r = master.nextRecord(); r != null; r = master.nextRecord()) {
        records.add(r);
      }
      if (records.isEmpty()) {
        throw new IllegalArgumentException("no record in: " + line);
      }
      return records;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot parse record '" + line + "': " + e.getMessage(), e);
    }
  }

  private Name parseName(String name) {
    try {
      return Name.fromString(name, apex);
    } catch (TextParseException e) {
      throw new IllegalArgumentException("bad name: " + name, e);
    }
  }
}
