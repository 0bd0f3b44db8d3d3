/**
 * MTA-STS (RFC 8461) for SMTP senders: discovery of the {@code _mta-sts} TXT record, the HTTPS policy fetch,
 * a strict policy parser and a policy cache (checklist STS-1, STS-3). The entry point is
 * {@link org.dane4j.sts.MtaSts}; {@link org.dane4j.sts.StsLookup} is its answer, {@link org.dane4j.sts.StsPolicy}
 * the parsed policy with its raw text, {@link org.dane4j.sts.StsPolicyCache} where policies live.
 *
 * <p>Applying a policy to MX hosts — DANE first per host (RFC 8461 §2), {@code enforce} and {@code testing}
 * semantics — is the planner's job, not this package's.
 */
package org.dane4j.sts;
