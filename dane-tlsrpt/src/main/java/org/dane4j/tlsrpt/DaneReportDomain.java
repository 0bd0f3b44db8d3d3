package org.dane4j.tlsrpt;

/**
 * Which {@code _smtp._tls} record receives the results of DANE ({@code tlsa}) policies. RFC 8460 does not
 * settle it and the implementations differ: mox reports DANE to the MX host's record, Stalwart (and a
 * recipient domain's usual expectation) to the recipient domain's.
 */
public enum DaneReportDomain {
  /**
   * The recipient domain's record (the default): the one record operators publish and watch, the one MTA-STS
   * results already go to; the report's {@code mx-host} names the MX host whose TLSA records failed. Hosting
   * providers that run the MX for many domains get each domain's share in that domain's report.
   */
  RECIPIENT_DOMAIN,
  /** The MX host's TLSA base domain's record, as mox does: the policy domain is the host name. */
  MX_HOST,
  /** Both: each DANE session is counted under the recipient domain and under the MX host. */
  BOTH
}
