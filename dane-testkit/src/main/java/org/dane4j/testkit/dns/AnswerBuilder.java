package org.dane4j.testkit.dns;

import java.util.Map;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Answers a question the way a recursive resolver would for the whole world: from the deepest hosted zone (the
 * parent for DS at a zone cut), chasing CNAMEs across zones, with NSEC denials for NODATA and NXDOMAIN.
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
          noData(result, zone, zone.nsecCovering(name));
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
    if (zone.isSigned()) {
      result.addAuthority(zone.nsecCovering(name), zone);
      Name encloser = zone.closestEncloser(name);
      result.addAuthority(zone.nsecCovering(name.wild(name.labels() - encloser.labels())), zone);
    }
  }
}
