package org.dane4j.testkit.dns;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.ListIterator;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;

/** Applies {@link DnsFault#CORRUPT_RRSIG}, {@link DnsFault#EXPIRED_RRSIG} and {@link DnsFault#MISSING_RRSIG}. */
final class SignatureFaults {
  private SignatureFaults() {}

  /**
   * Replaces the faulted RRsets of {@code answer} with altered copies: those whose owner and type carry a
   * signature fault, and, when the question itself carries one, every RRset of the authority section.
   */
  static void apply(Answer answer, Name qname, int qtype, FaultTable faults, Instant now) {
    DnsFault questionFault = faults.signatureFault(qname, qtype);
    alter(answer.answer, null, faults, now);
    alter(answer.authority, questionFault, faults, now);
  }

  private static void alter(List<Answer.Entry> entries, DnsFault sectionFault, FaultTable faults, Instant now) {
    for (ListIterator<Answer.Entry> it = entries.listIterator(); it.hasNext(); ) {
      Answer.Entry entry = it.next();
      RRset rrset = entry.rrset();
      DnsFault fault = faults.signatureFault(rrset.getName(), rrset.getType());
      if (fault == null) {
        fault = sectionFault;
      }
      if (fault != null && entry.key() != null) {
        it.set(new Answer.Entry(altered(rrset, fault, entry.key(), now), entry.key()));
      }
    }
  }

  private static RRset altered(RRset rrset, DnsFault fault, ZoneKey key, Instant now) {
    RRset copy = new RRset(rrset.rrs(false));
    switch (fault) {
      case CORRUPT_RRSIG:
        rrset.sigs().forEach(sig -> copy.addRR(ZoneKey.corrupt(sig)));
        break;
      case EXPIRED_RRSIG:
        Instant expiration = now.minus(Duration.ofDays(1));
        RRSIGRecord expired = key.sign(copy, expiration.minus(ZoneSigner.EXPIRATION_AFTER), expiration);
        copy.addRR(expired);
        break;
      case MISSING_RRSIG:
      default:
        break;
    }
    return copy;
  }
}
