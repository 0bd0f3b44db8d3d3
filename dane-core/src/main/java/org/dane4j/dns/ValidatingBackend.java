package org.dane4j.dns;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * In-process DNSSEC validation with dnsjava's {@link ValidatingResolver} (the default backend; checklist
 * DNS-3). It sets CD upstream and clears the upstream's AD before validating, so no upstream is trusted.
 * Its outcome encoding: AD set = secure; SERVFAIL with an extended DNS error = bogus, unless the upstream
 * itself failed for the question (see {@link UpstreamRcodes}); any other rcode without AD = insecure.
 *
 * <p>Between the validator and the upstream: {@link UpstreamRcodes}, then {@link KeyChainPrefetch}, which asks
 * for the chain of trust's DS and DNSKEY records in parallel; the validator's stages run on the executor given
 * to {@link #send} ({@link StagesOn}).
 */
final class ValidatingBackend implements DnsBackend {
  private final ValidatingResolver validator;
  private final UpstreamRcodes upstream;
  private final KeyChainPrefetch prefetch;

  /** dnsjava's key cache setting for the longest time a validated DNSKEY (or a proven unsigned delegation) is kept. */
  private static final String KEY_CACHE_MAX_TTL = "dnsjava.dnssec.keycache.max_ttl";

  /**
   * @param keyTtl the longest validated keys are kept (dnsjava's key cache, by their TTL; the resolver's
   *     {@code maxTtl}, so keys live as long as answers may)
   */
  ValidatingBackend(Resolver head, String trustAnchors, Clock clock, Duration keyTtl) {
    this.prefetch = new KeyChainPrefetch(head, keyTtl);
    this.upstream = new UpstreamRcodes(prefetch);
    this.validator = new ValidatingResolver(upstream, clock);
    try {
      // The constructor read JVM-wide dnsjava.dnssec.* properties; replace them with defaults of our own.
      Properties settings = new Properties();
      settings.setProperty(KEY_CACHE_MAX_TTL, Long.toString(keyTtl.toSeconds()));
      validator.init(settings);
      validator.loadTrustAnchors(new ByteArrayInputStream(trustAnchors.getBytes(StandardCharsets.US_ASCII)));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot load trust anchors: " + e.getMessage(), e);
    }
    if (validator.getTrustAnchors().items().isEmpty()) {
      throw new IllegalArgumentException("no DS or DNSKEY trust anchor found in the trust anchor text");
    }
    prefetch.anchors(validator.getTrustAnchors().items());
  }

  @Override
  public CompletionStage<Reply> send(Message query, Executor executor) {
    UpstreamRcodes.Question question = UpstreamRcodes.Question.of(query);
    upstream.expect(question);
    return StagesOn.of(validator.sendAsync(query, executor), executor)
        .thenApply(response -> {
          Reply reply = classify(response, upstream.take(question));
          if (reply.status() == DnssecStatus.BOGUS) {
            prefetch.forgetHeld(); // never keep serving a chain that failed: fetch it afresh next time
          }
          return reply;
        });
  }

  private static Reply classify(Message response, Integer upstreamRcode) {
    if (response.getHeader().getFlag(Flags.AD)) {
      return new Reply(response, DnssecStatus.SECURE, null);
    }
    String reason = ValidationReasons.of(response);
    if (upstreamRcode != null && upstreamRcode != Rcode.NOERROR && upstreamRcode != Rcode.NXDOMAIN) {
      return new Reply(response, DnssecStatus.INDETERMINATE, "the upstream answered "
          + Rcode.string(upstreamRcode));
    }
    if (response.getRcode() == Rcode.SERVFAIL) {
      return ValidationReasons.extendedErrors(response).isEmpty()
          ? new Reply(response, DnssecStatus.INDETERMINATE, reason == null ? "SERVFAIL" : reason)
          : new Reply(response, DnssecStatus.BOGUS, reason);
    }
    return new Reply(response, DnssecStatus.INSECURE, reason);
  }
}
