package org.dane4j.cli;

/**
 * The stable codes of what {@code check --json} ({@code warnings[].code}) and {@code monitor --json}
 * ({@code problems[].code}) report, so that a script can act on a finding without parsing its text. The
 * text of a finding may change from release to release; a code, once published, keeps its meaning. Codes
 * may be added; changing the meaning of one, or removing one, raises the document's {@code schema_version}.
 * The rules behind them are RFC 7672 (DANE for SMTP) and RFC 7671 §8 (key rollover).
 */
public enum WarningCode {
  /** Only one TLSA record: nothing still matches while it is being changed (RFC 7671 §8). */
  TLSA_SINGLE_RECORD,
  /** More than one record, but not the recommended 3 1 1 + 2 1 1 pair (NCSC FS-2017-01). */
  NO_EE_TA_PAIR,
  /** A DANE-EE (3 x x) record matches no key the server presented: an old key left after a rollover. */
  STALE_EE,
  /** A DANE-TA (2 x x) record matches no CA of the presented chain. */
  STALE_TA,
  /** DANE-TA records are published but the certificate does not name the MX host (RFC 7672 §3.2.3). */
  TA_NAME_MISMATCH,
  /** DANE-TA: the host name is only in the subject CN, which some senders ignore. */
  TA_NAME_CN_ONLY,
  /** TLSA records are published but the host does not offer STARTTLS: DANE senders defer all mail. */
  NO_STARTTLS_WITH_TLSA,
  /** The MX RRset is not DNSSEC-signed: senders reach the host only as "trusted" (RFC 7672 §2.2.1). */
  INSECURE_MX,
  /** The MX RRset is signed but the MX host's zone is not: no DANE for that host (RFC 7672 §2.2.2). */
  INSECURE_DELEGATION,
  /** The server's certificate expires within {@code --warn-days}. */
  CERT_EXPIRING,
  /** The server's certificate has expired (DANE-EE still works; PKIX and MTA-STS senders fail). */
  CERT_EXPIRED,
  /** A {@code --next-certificate} is not authenticated by any published record: deploying it breaks DANE. */
  NEXT_CERT_NOT_COVERED,
  /**
   * A {@code --next-certificate} is covered only by a DANE-TA record: after the switch no DANE-EE record
   * matches; publish its 3 1 1 at least one TTL before deploying it (RFC 7671 §8).
   */
  NEXT_KEY_NOT_COVERED,
  /** A host presented a chain that no TLSA record authenticates, or the TLS session failed. */
  DANE_FAILED,
  /** A host has no DANE: no TLSA records, or an insecure TLSA lookup. */
  NO_DANE,
  /** The TLSA RRset holds no record usable for SMTP (RFC 7672 §3.1.3). */
  NO_USABLE_TLSA,
  /** A lookup was DNSSEC-bogus. */
  DNSSEC_BOGUS,
  /** A lookup failed or timed out (never "no records"). */
  DNS_LOOKUP_FAILED,
  /** The host or domain cannot be delivered to for another reason (e.g. a null MX, no address). */
  UNDELIVERABLE,
  /** The resolver does not validate DNSSEC, so no DNSSEC status can be trusted (checklist DNS-4). */
  DNSSEC_NOT_VALIDATING,
  /**
   * MTA-STS (RFC 8461): the {@code _mta-sts} TXT record announces a policy but it could not be fetched or
   * parsed (RFC 8460 {@code sts-policy-fetch-error} / {@code sts-policy-invalid}); senders without a cached
   * policy deliver as if there were none.
   */
  STS_POLICY_FETCH_ERROR,
  /** MTA-STS: the {@code _mta-sts} TXT lookup failed; whether a policy exists is unknown (never "no policy"). */
  STS_LOOKUP_FAILED,
  /** MTA-STS: an MX host without DANE matches no {@code mx} pattern: under enforce senders skip it (§4.1). */
  STS_MX_NOT_COVERED,
  /**
   * MTA-STS: a host an STS policy applies to presents a certificate that is not WebPKI-valid for its MX name
   * (RFC 8461 §4.2): under enforce senders defer; under testing they report it.
   */
  STS_WEBPKI_INVALID,
  /**
   * DANE and MTA-STS disagree on a host with TLSA records: its name matches no {@code mx} pattern of the
   * enforce or testing policy, so a sender with MTA-STS but no DANE refuses (enforce) or reports it.
   */
  STS_DANE_NOT_COVERED,
  /**
   * DANE and MTA-STS disagree on a host with TLSA records: DANE fails there while the domain's policy is
   * {@code enforce}; DANE senders defer (DANE takes precedence, POL-3), MTA-STS-only senders may deliver.
   */
  STS_DANE_MISMATCH,
  /**
   * The server holds certificates of several key types (RSA, ECDSA) and no TLSA record authenticates one of
   * them: senders that get that one defer mail (RFC 7671 §5.1; see {@link KeyTypes}).
   */
  KEY_TYPE_NOT_COVERED,
  /**
   * A DANE-TA (2 x x) record pins one intermediate of a CA that issues from several (see {@link CaWatchlist}):
   * the next renewal may come from another one, which no record then matches.
   */
  TA_PINS_ONE_INTERMEDIATE
}
