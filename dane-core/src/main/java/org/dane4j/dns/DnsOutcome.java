package org.dane4j.dns;

/** What a lookup found (RFC 2308 §2): data, no data of that type, no such name, or no answer at all. */
public enum DnsOutcome {
  /** Records of the requested type exist (at the end of any CNAME chain). */
  DATA,
  /** The name exists but has no record of the type (NODATA). */
  NODATA,
  /** The name does not exist (NXDOMAIN). */
  NXDOMAIN,
  /** No answer could be had: SERVFAIL, timeout, bogus, malformed reply, CNAME limit. */
  FAILURE
}
