package org.dane4j.dns;

import java.util.Objects;
import org.xbill.DNS.Name;

/**
 * One link of a CNAME chain: {@code owner CNAME target}, with the DNSSEC status of that record (RFC 7672
 * §2.2.2 needs to know whether the host name's own CNAME is secure even when the chain turns insecure).
 *
 * @param owner the alias
 * @param target the canonical name it points to
 * @param status the DNSSEC status of this CNAME record
 */
public record CnameLink(Name owner, Name target, DnssecStatus status) {
  /** Checks for nulls. */
  public CnameLink {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(status, "status");
  }

  @Override
  public String toString() {
    return owner + " CNAME " + target + " (" + status.name().toLowerCase(java.util.Locale.ROOT) + ")";
  }
}
