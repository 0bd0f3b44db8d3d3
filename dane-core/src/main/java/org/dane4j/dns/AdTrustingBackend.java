package org.dane4j.dns;

import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Resolver;

/**
 * Trusts the AD bit of a validating resolver (unbound, etc.) reached over loopback (checklist DNS-3). The
 * query asks for AD (RFC 6840 §5.7) with DO set; SERVFAIL with a DNSSEC extended error counts as bogus,
 * any other SERVFAIL as indeterminate.
 */
final class AdTrustingBackend implements DnsBackend {
  /** RFC 8914 codes that say DNSSEC validation failed. */
  private static final Set<Integer> DNSSEC_ERRORS = Set.of(ExtendedErrorCodeOption.DNSSEC_BOGUS,
      ExtendedErrorCodeOption.SIGNATURE_EXPIRED, ExtendedErrorCodeOption.SIGNATURE_NOT_YET_VALID,
      ExtendedErrorCodeOption.DNSKEY_MISSING, ExtendedErrorCodeOption.RRSIGS_MISSING,
      ExtendedErrorCodeOption.NO_ZONE_KEY_BIT_SET, ExtendedErrorCodeOption.NSEC_MISSING,
      ExtendedErrorCodeOption.UNSUPPORTED_DNSKEY_ALGORITHM, ExtendedErrorCodeOption.UNSUPPORTED_DS_DIGEST_TYPE,
      ExtendedErrorCodeOption.DNSSEC_INDETERMINATE, ExtendedErrorCodeOption.SIGNATURE_EXPIRED_BEFORE_VALID);

  private final Resolver head;

  AdTrustingBackend(Resolver head) {
    this.head = head;
  }

  @Override
  public CompletionStage<Reply> send(Message query, Executor executor) {
    Message q = query.clone();
    q.getHeader().setFlag(Flags.AD);
    return head.sendAsync(q, executor).thenApply(AdTrustingBackend::classify);
  }

  private static Reply classify(Message response) {
    if (response.getHeader().getFlag(Flags.AD)) {
      return new Reply(response, DnssecStatus.SECURE, null);
    }
    String reason = ValidationReasons.of(response);
    if (response.getRcode() == Rcode.SERVFAIL) {
      boolean dnssec = ValidationReasons.extendedErrors(response).stream()
          .anyMatch(e -> DNSSEC_ERRORS.contains(e.getErrorCode()));
      return new Reply(response, dnssec ? DnssecStatus.BOGUS : DnssecStatus.INDETERMINATE,
          reason == null ? "SERVFAIL" : reason);
    }
    return new Reply(response, DnssecStatus.INSECURE, reason);
  }
}
