package org.dane4j.dns;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The answer to one question with everything RFC 7672 §2 decides on (checklist DNS-1): the records, the
 * DNSSEC status of the whole answer (the weakest of its CNAME links and final RRset), whether it is data,
 * NODATA, NXDOMAIN or a failure, the CNAME chain with each link's own status, the TTL, and the reason
 * given by the validator or the network when there is one.
 *
 * <p>Treat anything but a {@link #secureDenial() secure denial} or data as "unknown", never as "none"
 * (DNS-2).
 */
public final class DnsAnswer {
  private final Name name;
  private final int type;
  private final DnssecStatus status;
  private final DnsOutcome outcome;
  private final List<Record> records;
  private final List<CnameLink> cnameChain;
  private final Duration ttl;
  private final String reason;

  DnsAnswer(Name name, int type, DnssecStatus status, DnsOutcome outcome, List<Record> records,
      List<CnameLink> cnameChain, Duration ttl, String reason) {
    this.name = Objects.requireNonNull(name, "name");
    this.type = type;
    this.status = Objects.requireNonNull(status, "status");
    this.outcome = Objects.requireNonNull(outcome, "outcome");
    this.records = List.copyOf(records);
    this.cnameChain = List.copyOf(cnameChain);
    this.ttl = Objects.requireNonNull(ttl, "ttl");
    this.reason = reason;
    if ((outcome == DnsOutcome.FAILURE) != (status == DnssecStatus.BOGUS
        || status == DnssecStatus.INDETERMINATE)) {
      throw new IllegalArgumentException("outcome " + outcome + " does not go with status " + status);
    }
  }

  static DnsAnswer failure(Name name, int type, DnssecStatus status, List<CnameLink> chain,
      Duration ttl, String reason) {
    return new DnsAnswer(name, type, status, DnsOutcome.FAILURE, List.of(), chain, ttl, reason);
  }

  /** The name asked for. */
  public Name name() {
    return name;
  }

  /** The type asked for ({@link Type}). */
  public int type() {
    return type;
  }

  /** The DNSSEC status: the weakest along the CNAME chain and the final answer. */
  public DnssecStatus status() {
    return status;
  }

  /** Data, NODATA, NXDOMAIN or failure. */
  public DnsOutcome outcome() {
    return outcome;
  }

  /** The records of the requested type, owned by the last name of the CNAME chain; empty unless DATA. */
  public List<Record> records() {
    return records;
  }

  /** The records cast to their type, e.g. {@code records(MXRecord.class)}. */
  public <T extends Record> List<T> records(Class<T> kind) {
    List<T> out = new ArrayList<>(records.size());
    for (Record r : records) {
      if (kind.isInstance(r)) {
        out.add(kind.cast(r));
      }
    }
    return Collections.unmodifiableList(out);
  }

  /** The CNAME links followed from the name asked for, in order; empty when there was no alias. */
  public List<CnameLink> cnameChain() {
    return cnameChain;
  }

  /** The name the records belong to: the last CNAME target, or the name asked for. */
  public Name finalName() {
    return cnameChain.isEmpty() ? name : cnameChain.get(cnameChain.size() - 1).target();
  }

  /** How long the answer may be cached. */
  public Duration ttl() {
    return ttl;
  }

  /** The validator's or network's reason, when there is one (bogus, insecure, failure). */
  public Optional<String> reason() {
    return Optional.ofNullable(reason);
  }

  /** Whether the answer is secure data. */
  public boolean secureData() {
    return status == DnssecStatus.SECURE && outcome == DnsOutcome.DATA;
  }

  /** Whether the answer securely proves that no record of the type exists (NODATA or NXDOMAIN). */
  public boolean secureDenial() {
    return status == DnssecStatus.SECURE && (outcome == DnsOutcome.NODATA || outcome == DnsOutcome.NXDOMAIN);
  }

  /** Whether the lookup failed: bogus or indeterminate. Never means "no records". */
  public boolean failed() {
    return outcome == DnsOutcome.FAILURE;
  }

  @Override
  public String toString() {
    return name + " " + Type.string(type) + ": " + outcome + " " + status + " " + records
        + (cnameChain.isEmpty() ? "" : " via " + cnameChain) + (reason == null ? "" : " (" + reason + ")");
  }
}
