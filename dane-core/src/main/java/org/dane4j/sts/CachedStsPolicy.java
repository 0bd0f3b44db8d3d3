package org.dane4j.sts;

import java.time.Instant;
import java.util.Objects;

/**
 * One cache entry (RFC 8461 §5.1): the policy of a domain, the TXT {@code id} it was fetched under and when it
 * was fetched. It is valid until {@code fetchedAt + max_age}; an expired entry is never applied.
 *
 * @param domain the policy domain, lower case, without a trailing dot
 * @param id the TXT record's {@code id} the policy was fetched under
 * @param policy the policy, with its raw text
 * @param fetchedAt when it was fetched (by the injected clock); stores keep the latest per domain
 */
public record CachedStsPolicy(String domain, String id, StsPolicy policy, Instant fetchedAt) {
  /** Checks that no part is null. */
  public CachedStsPolicy {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(fetchedAt, "fetchedAt");
  }

  /** The end of validity: {@code fetchedAt} plus the policy's capped {@code max_age}. */
  public Instant validUntil() {
    return fetchedAt.plus(policy.maxAge());
  }

  /** Whether the entry may still be applied at {@code now}. */
  public boolean validAt(Instant now) {
    return now.isBefore(validUntil());
  }
}
