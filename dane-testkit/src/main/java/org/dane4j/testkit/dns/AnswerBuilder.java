package org.dane4j.testkit.dns;

import java.util.Map;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Answers a question the way a recursive resolver would for the whole world: from the deepest hosted zone (the
 * parent for DS at a zone cut), chasing CNAMEs across zones, with NSEC or NSEC3 denials for NODATA and NXDOMAIN.
 */
final class AnswerBuilder {
  /** CNAME links followed before the answer becomes SERVFAIL. */
  static final int MAX_CNAME_LINKS = 10;

  /** Finds the zone that answers a name and type; null when that zone is lame. */
  interface Zones {
    ZoneSnapshot answering(Name name, int type);
  }

  private final Zones zones;

  AnswerBuilder(Zones zones) {
    this.zones = zones;
  }

  Answer answer(Name qname, int qtype) {
    Answer result = new Answer();
    Name name = qname;
    for (int links = 0; ; links++) {
      ZoneSnapshot zone = zones.answering(name, qtype);
      if (zone == null) {
        return Answer.servfail();
      }
      Map<Integer, RRset> node = zone.node(name);
      if (node == null) {
        if (zone.isEmptyNonTerminal(name)) {
          // NSEC: the previous name's NSEC spans the empty non-terminal; NSEC3 gives it its own (RFC 5155 §7.1)
          noData(result, zone, zone.isNsec3() ? zone.nsecAt(name) : zone.nsecCovering(name));
        } else {
          nameError(result, zone, name);
        }
        return result;
      }
      if (qtype == Type.ANY) {
        node.values().forEach(rrset -> result.addAnswer(rrset, zone));
        return result;
      }
      RRset match = node.get(qtype);
      if (match != null) {
        result.addAnswer(match, zone);
        return result;
      }
      RRset cname = node.get(Type.CNAME);
      if (cname == null) {
        noData(result, zone, zone.nsecAt(name));
        return result;
      }
      result.addAnswer(cname, zone);
      if (links == MAX_CNAME_LINKS) {
        return Answer.servfail();
      }
      name = ((CNAMERecord) cname.first()).getTarget();
    }
  }

  private static void noData(Answer result, ZoneSnapshot zone, RRset nsec) {
    result.addAuthority(zone.soa(), zone);
    result.addAuthority(nsec, zone);
  }

  private static void nameError(Answer result, ZoneSnapshot zone, Name name) {
    result.rcode = Rcode.NXDOMAIN;
    result.addAuthority(zone.soa(), zone);
    if (zone.isSigned() && zone.isNsec3()) {
      // RFC 5155 §7.2.2: the closest encloser's NSEC3, one covering the next closer name, one covering *.encloser
      Name encloser = zone.closestEncloser(name);
      result.addAuthority(zone.nsecAt(encloser), zone);
      result.addAuthority(zone.nsecCovering(new Name(name, name.labels() - encloser.labels() - 1)), zone);
      result.addAuthority(zone.nsecCovering(name.wild(name.labels() - encloser.labels())), zone);
    } else if (zone.isSigned()) {
      result.addAuthority(zone.nsecCovering(name), zone);
      Name encloser = zone.closestEncloser(name);
      result.addAuthority(zone.nsecCovering(name.wild(name.labels() - encloser.labels())), zone);
    }
  }
}
