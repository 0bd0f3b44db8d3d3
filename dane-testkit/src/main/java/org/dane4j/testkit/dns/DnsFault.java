package org.dane4j.testkit.dns;

/**
 * A misbehaviour a {@link DnsWorld} can be told to show, for an owner name and type (or any type at the name)
 * with {@link DnsWorld#fault(String, int, DnsFault)}, or for a whole zone where noted, with
 * {@link DnsWorld#fault(String, DnsFault)} on the zone's apex.
 *
 * <p>Question faults ({@link #SERVFAIL} to {@link #WRONG_QUESTION} below, except the signature faults) match the
 * question of a query. Signature faults ({@link #CORRUPT_RRSIG}, {@link #EXPIRED_RRSIG},
 * {@link #MISSING_RRSIG}) change the signatures of the faulted RRset wherever it appears in a response (also at
 * the end of a CNAME chain), and, when the faulted name and type is the question of a negative answer, the
 * signatures of every RRset of that denial (SOA and NSEC).
 */
public enum DnsFault {
  /** Answer with rcode SERVFAIL (2), empty sections and no extended DNS error. */
  SERVFAIL(false),
  /** Never answer, over UDP or TCP (a TCP connection stays open and serves later queries). */
  TIMEOUT(false),
  /** Answer with rcode REFUSED (5) and empty sections. */
  REFUSED(false),
  /** Flip one byte of each signature of the RRset, so that it fails cryptographic verification. */
  CORRUPT_RRSIG(false),
  /** Sign the RRset with a validity window that ended a day before the world's clock (31 days long). */
  EXPIRED_RRSIG(false),
  /** Strip the signatures of the RRset (the data is still served). */
  MISSING_RRSIG(false),
  /**
   * Zone-level: the parent zone publishes a DS whose digest matches no key of the child (same key tag and
   * algorithm, wrong digest).
   */
  WRONG_DS(true),
  /**
   * Zone-level: the delegation exists (NS and DS in the parent still answer) but the zone's own data is not
   * served: every query answered from the zone gets a quick SERVFAIL.
   */
  LAME(true),
  /** Answer with 12 to 64 random bytes instead of a DNS message. */
  GARBAGE(false),
  /** Over UDP, always answer with the TC flag and empty sections; TCP answers normally. */
  TRUNCATED_UDP(false),
  /** Answer correctly, but with another transaction id (the query's id plus one). */
  WRONG_ID(false),
  /** Answer correctly, but for another question: the name is replaced by {@code wrong-question.invalid.}. */
  WRONG_QUESTION(false);

  private final boolean zoneLevel;

  DnsFault(boolean zoneLevel) {
    this.zoneLevel = zoneLevel;
  }

  /** Whether this fault applies to a whole zone (set on the zone's apex name, without a type). */
  public boolean isZoneLevel() {
    return zoneLevel;
  }

  boolean isSignatureFault() {
    return this == CORRUPT_RRSIG || this == EXPIRED_RRSIG || this == MISSING_RRSIG;
  }
}
