package org.dane4j.dns;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * One response as it came, with its DNSSEC status: the RRsets of the answer and authority sections each with
 * its RRSIG records, the rcode, and the validator's reason. For tools that judge how a zone is signed (RFC 4034
 * DNSKEY, DS and RRSIG; RFC 5155 NSEC3 and NSEC3PARAM; RFC 8624 algorithms) rather than for delivery decisions,
 * which use {@link DnsAnswer}. Got with {@link DaneResolver#lookupSigned}: one question, no CNAME chase, no cache.
 *
 * <p>With in-process validation the status is the validator's; with a trusted AD bit, the upstream's. A response
 * that did not come ({@link DnssecStatus#INDETERMINATE} with no rcode) has empty sections.
 */
public final class SignedAnswer {
  private final Name name;
  private final int type;
  private final DnssecStatus status;
  private final int rcode;
  private final List<RRset> answer;
  private final List<RRset> authority;
  private final String reason;

  SignedAnswer(Name name, int type, DnssecStatus status, int rcode, List<RRset> answer, List<RRset> authority,
      String reason) {
    this.name = Objects.requireNonNull(name, "name");
    this.type = type;
    this.status = Objects.requireNonNull(status, "status");
    this.rcode = rcode;
    this.answer = List.copyOf(answer);
    this.authority = List.copyOf(authority);
    this.reason = reason;
  }

  /** The name asked for. */
  public Name name() {
    return name;
  }

  /** The type asked for ({@link Type}). */
  public int type() {
    return type;
  }

  /** The DNSSEC status of the response. */
  public DnssecStatus status() {
    return status;
  }

  /** The response's rcode ({@link Rcode}), or -1 when no response came. */
  public int rcode() {
    return rcode;
  }

  /** The answer section's RRsets, each with its signatures ({@link RRset#sigs()}). */
  public List<RRset> answer() {
    return answer;
  }

  /** The authority section's RRsets (SOA, NSEC, NSEC3 of a denial), each with its signatures. */
  public List<RRset> authority() {
    return authority;
  }

  /** The answer RRset of the type asked for, owned by the name asked for, if the response holds one. */
  public Optional<RRset> rrset() {
    return answer.stream().filter(r -> r.getType() == type && r.getName().equals(name)).findFirst();
  }

  /** The records of the answer RRset asked for, cast, e.g. {@code records(DSRecord.class)}; empty when none. */
  public <T extends Record> List<T> records(Class<T> kind) {
    return rrset().map(r -> r.rrs(false).stream().filter(kind::isInstance).map(kind::cast).toList())
        .orElse(List.of());
  }

  /** The signatures over the answer RRset asked for; empty when none. */
  public List<RRSIGRecord> signatures() {
    return rrset().map(RRset::sigs).orElse(List.of());
  }

  /** The records of {@code kind} in the authority section, e.g. the NSEC3 records of a denial. */
  public <T extends Record> List<T> authorityRecords(Class<T> kind) {
    return authority.stream().flatMap(r -> r.rrs(false).stream()).filter(kind::isInstance).map(kind::cast)
        .toList();
  }

  /** The validator's or network's reason, when there is one. */
  public Optional<String> reason() {
    return Optional.ofNullable(reason);
  }

  @Override
  public String toString() {
    return name + " " + Type.string(type) + ": " + (rcode < 0 ? "no response" : Rcode.string(rcode)) + " " + status
        + " " + answer + (reason == null ? "" : " (" + reason + ")");
  }
}
