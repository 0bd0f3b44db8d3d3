package org.dane4j.testkit.dns;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * Turns a zone's data into a {@link ZoneSnapshot}: adds the SOA, the apex NS and DNSKEY and the delegations,
 * drops data occluded by a delegation, and (for a signed zone) signs every authoritative RRset and the NSEC
 * chain (NSEC, or NSEC3 with NSEC3PARAM as the {@link ZoneSigning} says). Signatures are valid from one day
 * before {@code now} to the signing's lifetime after (30 days by default); the SOA serial is {@code serial}.
 */
final class ZoneSigner {
  static final Duration INCEPTION_BEFORE = Duration.ofDays(1);
  static final Duration EXPIRATION_AFTER = Duration.ofDays(30);
  static final long SOA_TTL = 300;
  static final long NEGATIVE_TTL = 300;
  private static final Name NAME_SERVER = Name.fromConstantString("localhost.");

  /** A child zone cut inside the zone: NS always, DS records when both sides are signed. */
  record Delegation(Name cut, List<DSRecord> ds) {}

  private ZoneSigner() {}

  static ZoneSnapshot sign(Name apex, ZoneKey key, NavigableMap<Name, Map<Integer, RRset>> data,
      List<Delegation> delegations, long serial, Instant now) {
    return sign(apex, key, ZoneSigning.defaults(), data, delegations, serial, now);
  }

  static ZoneSnapshot sign(Name apex, ZoneKey key, ZoneSigning signing,
      NavigableMap<Name, Map<Integer, RRset>> data, List<Delegation> delegations, long serial, Instant now) {
    TreeMap<Name, Map<Integer, RRset>> nodes = new TreeMap<>();
    data.forEach((owner, rrsets) -> {
      if (delegations.stream().noneMatch(d -> owner.subdomain(d.cut()))) {
        rrsets.forEach((type, rrset) -> put(nodes, new RRset(rrset.rrs(false))));
      }
    });
    put(nodes, new RRset(soa(apex, serial)));
    put(nodes, new RRset(new NSRecord(apex, DClass.IN, ZoneKey.KEY_TTL, NAME_SERVER)));
    if (key != null) {
      put(nodes, new RRset(key.dnskey()));
    }
    for (Delegation delegation : delegations) {
      put(nodes, new RRset(new NSRecord(delegation.cut(), DClass.IN, ZoneKey.KEY_TTL, NAME_SERVER)));
      if (key != null && !delegation.ds().isEmpty()) {
        RRset ds = new RRset();
        delegation.ds().forEach(ds::addRR);
        put(nodes, ds);
      }
    }
    TreeMap<Name, RRset> nsecs = new TreeMap<>();
    Nsec3Chain nsec3 = null;
    if (key != null) {
      Instant inception = now.minus(INCEPTION_BEFORE);
      Instant expiration = now.plus(signing.signatureLifetime());
      if (signing.isNsec3()) {
        nsec3 = new Nsec3Chain(apex, signing);
        put(nodes, new RRset(nsec3.param(NEGATIVE_TTL)));
        nsecs = nsec3.build(nodes, NEGATIVE_TTL);
      } else {
        nsecs = NsecChain.build(nodes, NEGATIVE_TTL);
      }
      nsecs.values().forEach(nsec -> put(nodes, nsec));
      for (Map.Entry<Name, Map<Integer, RRset>> node : nodes.entrySet()) {
        boolean cut = !node.getKey().equals(apex) && node.getValue().containsKey(Type.NS);
        for (RRset rrset : node.getValue().values()) {
          if (!(cut && rrset.getType() == Type.NS)) {
            rrset.addRR(key.sign(rrset, inception, expiration));
          }
        }
      }
    }
    return new ZoneSnapshot(apex, key, nodes, nsecs, nsec3, now, signing.signatureLifetime());
  }

  private static void put(Map<Name, Map<Integer, RRset>> nodes, RRset rrset) {
    nodes.computeIfAbsent(rrset.getName(), n -> new TreeMap<>()).put(rrset.getType(), rrset);
  }

  private static Record soa(Name apex, long serial) {
    Name admin;
    try {
      admin = Name.concatenate(Name.fromConstantString("hostmaster"), apex);
    } catch (NameTooLongException e) {
      admin = apex;
    }
    return new SOARecord(apex, DClass.IN, SOA_TTL, NAME_SERVER, admin, serial & 0xffffffffL, 3600, 600,
        86400, NEGATIVE_TTL);
  }
}
