package org.dane4j.sts;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link MtaSts#policy(String)} found for a domain (RFC 8461 §3, §5.1): a policy (fetched now or from the
 * cache), no policy, or a temporary failure.
 *
 * <ul>
 *   <li>{@link Status#POLICY}: apply {@link #policy()} — under mode {@code none} that means "no policy". A
 *       {@link #reason()} is set when a fresh one could not be had and the cached one applies.</li>
 *   <li>{@link Status#NO_POLICY}: the domain has no usable policy (no or several {@code v=STSv1} records, an
 *       invalid record, or a fetch that failed with nothing cached: RFC 8461 §5.1 says to deliver as without
 *       MTA-STS). {@link #reason()} says which; {@link #failure()} is set when a policy fetch failed, for
 *       TLS-RPT.</li>
 *   <li>{@link Status#TEMPORARY_FAILURE}: the TXT lookup failed (SERVFAIL, timeout, DNSSEC-bogus) and nothing
 *       is cached: whether the domain has a policy is unknown, which is never "no policy" — defer.</li>
 * </ul>
 */
public final class StsLookup {
  /** The kind of outcome. */
  public enum Status {
    /** A policy applies. */
    POLICY,
    /** The domain has no usable policy. */
    NO_POLICY,
    /** Whether the domain has a policy is unknown: defer. */
    TEMPORARY_FAILURE
  }

  private final String domain;
  private final Status status;
  private final CachedStsPolicy entry;
  private final boolean fromCache;
  private final String reason;
  private final StsFailure failure;

  private StsLookup(String domain, Status status, CachedStsPolicy entry, boolean fromCache, String reason,
      StsFailure failure) {
    this.domain = Objects.requireNonNull(domain, "domain");
    this.status = status;
    this.entry = entry;
    this.fromCache = fromCache;
    this.reason = reason;
    this.failure = failure;
  }

  static StsLookup fetched(CachedStsPolicy entry) {
    return new StsLookup(entry.domain(), Status.POLICY, entry, false, null, null);
  }

  static StsLookup cached(CachedStsPolicy entry, String reason, StsFailure failure) {
    return new StsLookup(entry.domain(), Status.POLICY, entry, true, reason, failure);
  }

  static StsLookup none(String domain, String reason, StsFailure failure) {
    return new StsLookup(domain, Status.NO_POLICY, null, false, reason, failure);
  }

  static StsLookup temporaryFailure(String domain, String reason) {
    return new StsLookup(domain, Status.TEMPORARY_FAILURE, null, false, reason, null);
  }

  /** The policy domain, lower case, without a trailing dot. */
  public String domain() {
    return domain;
  }

  /** Policy, no policy, or temporary failure. */
  public Status status() {
    return status;
  }

  /** The policy that applies; present exactly when the status is {@link Status#POLICY}. */
  public Optional<StsPolicy> policy() {
    return Optional.ofNullable(entry).map(CachedStsPolicy::policy);
  }

  /** The policy with its id and fetch time; present exactly when the status is {@link Status#POLICY}. */
  public Optional<CachedStsPolicy> entry() {
    return Optional.ofNullable(entry);
  }

  /** Whether the mode that applies is {@code enforce}. */
  public boolean enforce() {
    return entry != null && entry.policy().mode() == StsMode.ENFORCE;
  }

  /** Whether the policy came from the cache rather than a fetch during this lookup. */
  public boolean fromCache() {
    return fromCache;
  }

  /** When the policy that applies expires; empty without one. */
  public Optional<Instant> validUntil() {
    return Optional.ofNullable(entry).map(CachedStsPolicy::validUntil);
  }

  /**
   * Why there is no policy, why the lookup failed, or why a fresh policy could not be had when a cached one
   * applies; empty when a policy was fetched or the cached one is current.
   */
  public Optional<String> reason() {
    return Optional.ofNullable(reason);
  }

  /** The TLS-RPT failure of a policy fetch during this lookup, if one failed. */
  public Optional<StsFailure> failure() {
    return Optional.ofNullable(failure);
  }

  @Override
  public String toString() {
    return "StsLookup[" + domain + ": " + status
        + (entry == null ? "" : " " + entry.policy() + " id " + entry.id() + (fromCache ? " (cached)" : ""))
        + (reason == null ? "" : ", " + reason) + "]";
  }
}
