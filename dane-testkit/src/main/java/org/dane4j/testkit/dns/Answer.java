package org.dane4j.testkit.dns;

import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;

/** What the world says to one question: an rcode and the RRsets (with signatures) of two sections. */
final class Answer {
  /** An RRset with its signatures, and the key of the zone that signed it (null when unsigned). */
  record Entry(RRset rrset, ZoneKey key) {}

  int rcode = Rcode.NOERROR;
  final List<Entry> answer = new ArrayList<>();
  final List<Entry> authority = new ArrayList<>();

  static Answer servfail() {
    Answer answer = new Answer();
    answer.rcode = Rcode.SERVFAIL;
    return answer;
  }

  void addAnswer(RRset rrset, ZoneSnapshot zone) {
    answer.add(new Entry(rrset, zone.key()));
  }

  void addAuthority(RRset rrset, ZoneSnapshot zone) {
    if (rrset != null && authority.stream().noneMatch(e -> e.rrset() == rrset)) {
      authority.add(new Entry(rrset, zone.key()));
    }
  }
}
