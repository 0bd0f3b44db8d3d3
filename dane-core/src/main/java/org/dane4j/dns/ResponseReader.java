package org.dane4j.dns;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;

/**
 * Reads one response: follows the CNAME chain in its answer section from the name asked for, collects the
 * records of the type at the end of it, and works out the TTL (RFC 2308 §5 for negative answers, never
 * past an RRSIG's expiry).
 */
final class ResponseReader {
  /** What one response says about {@code name}. */
  record Read(List<CNAMERecord> cnames, List<Record> records, int rcode, Duration ttl) {
    Name finalName(Name asked) {
      return cnames.isEmpty() ? asked : cnames.get(cnames.size() - 1).getTarget();
    }
  }

  /** Negative answers without an SOA are kept this long. */
  static final Duration NEGATIVE_WITHOUT_SOA = Duration.ofSeconds(60);

  private ResponseReader() {}

  /** Null when the response cannot be made to fit the question (dnsjava's normalization refused it). */
  static Read read(Message query, Message response, int type, Clock clock) {
    Message normalized = response.normalize(query);
    if (normalized == null) {
      return null;
    }
    Name sname = query.getQuestion().getName();
    List<CNAMERecord> cnames = new ArrayList<>();
    List<Record> records = new ArrayList<>();
    long ttl = Long.MAX_VALUE;
    for (RRset rrset : normalized.getSectionRRsets(Section.ANSWER)) {
      if (!rrset.getName().equals(sname)) {
        continue;
      }
      if (rrset.getType() == type) {
        records.addAll(rrset.rrs());
        ttl = Math.min(ttl, rrset.getTTL());
      } else if (rrset.getType() == org.xbill.DNS.Type.CNAME && !rrset.rrs().isEmpty()) {
        CNAMERecord cname = (CNAMERecord) rrset.first();
        cnames.add(cname);
        ttl = Math.min(ttl, rrset.getTTL());
        sname = cname.getTarget();
      }
    }
    if (records.isEmpty()) {
      ttl = Math.min(ttl, negativeTtl(normalized));
    }
    ttl = Math.min(ttl, untilSignaturesExpire(response, clock.instant()));
    return new Read(cnames, records, normalized.getRcode(), Duration.ofSeconds(Math.max(0, ttl)));
  }

  private static long negativeTtl(Message response) {
    for (Record r : response.getSection(Section.AUTHORITY)) {
      if (r instanceof SOARecord soa) {
        return Math.min(soa.getTTL(), soa.getMinimum());
      }
    }
    return NEGATIVE_WITHOUT_SOA.toSeconds();
  }

  private static long untilSignaturesExpire(Message response, Instant now) {
    long seconds = Long.MAX_VALUE;
    for (int section : new int[] {Section.ANSWER, Section.AUTHORITY}) {
      for (Record r : response.getSection(section)) {
        if (r instanceof RRSIGRecord sig) {
          seconds = Math.min(seconds, Duration.between(now, sig.getExpire()).toSeconds());
        }
      }
    }
    return seconds;
  }

  static boolean isAnswerRcode(int rcode) {
    return rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN;
  }
}
