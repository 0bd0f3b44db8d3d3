package org.dane4j.dns;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Type;
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
 *
 * <p>With a persistent key cache ({@link KeyCacheFile}) the held DS/DNSKEY answers of a previous process are
 * loaded into {@link KeyChainPrefetch} at start and written back on {@link #close()}; they are validated like
 * answers from the network, and a validation that fails while they are held is repeated with the network's.
 */
final class ValidatingBackend implements DnsBackend {
  private final UpstreamRcodes upstream;
  private final KeyChainPrefetch prefetch;
  private final String trustAnchors;
  private final Clock clock;
  private final Duration keyTtl;
  private final KeyCache keyCache;
  /** Replaced (once) when an answer from the key cache file made a validation fail: a fresh key cache. */
  private volatile ValidatingResolver validator;

  /** dnsjava's key cache setting for the longest time a validated DNSKEY (or a proven unsigned delegation) is kept. */
  private static final String KEY_CACHE_MAX_TTL = "dnsjava.dnssec.keycache.max_ttl";

  /**
   * The persistent key cache: where, the trust anchors' digest, whether the file as loaded needs no rewrite, and
   * where warnings go.
   */
  private record KeyCache(Path file, byte[] anchors, boolean loadedClean, Consumer<String> warn) {}

  /**
   * @param keyTtl the longest validated keys are kept (dnsjava's key cache, by their TTL; the resolver's
   *     {@code maxTtl}, so keys live as long as answers may)
   * @param keyCacheFile the persistent key cache, or null for none
   * @param warn where the key cache's warnings go
   */
  ValidatingBackend(Resolver head, String trustAnchors, Clock clock, Duration keyTtl, Path keyCacheFile,
      Consumer<String> warn) {
    this.trustAnchors = trustAnchors;
    this.clock = clock;
    this.keyTtl = keyTtl;
    this.prefetch = new KeyChainPrefetch(head, keyTtl, clock);
    this.upstream = new UpstreamRcodes(prefetch);
    this.validator = newValidator();
    prefetch.anchors(validator.getTrustAnchors().items());
    if (keyCacheFile != null) {
      byte[] digest = KeyCacheFile.anchorsDigest(validator.getTrustAnchors().items());
      KeyCacheFile.Loaded loaded = KeyCacheFile.load(keyCacheFile, clock, digest, keyTtl, warn);
      prefetch.preload(loaded.entries(), keyTtl);
      this.keyCache = new KeyCache(keyCacheFile, digest, loaded.clean(), warn);
    } else {
      this.keyCache = null;
    }
  }

  ValidatingBackend(Resolver head, String trustAnchors, Clock clock, Duration keyTtl) {
    this(head, trustAnchors, clock, keyTtl, null, m -> {});
  }

  private ValidatingResolver newValidator() {
    ValidatingResolver v = new ValidatingResolver(upstream, clock);
    try {
      // The constructor read JVM-wide dnsjava.dnssec.* properties; replace them with defaults of our own.
      Properties settings = new Properties();
      settings.setProperty(KEY_CACHE_MAX_TTL, Long.toString(keyTtl.toSeconds()));
      v.init(settings);
      v.loadTrustAnchors(new ByteArrayInputStream(trustAnchors.getBytes(StandardCharsets.US_ASCII)));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot load trust anchors: " + e.getMessage(), e);
    }
    if (v.getTrustAnchors().items().isEmpty()) {
      throw new IllegalArgumentException("no DS or DNSKEY trust anchor found in the trust anchor text");
    }
    return v;
  }

  /**
   * Validates the answer to {@code query}. When it is bogus while answers from the key cache file were held,
   * those answers may be why (a damaged or altered file, or keys that changed within their TTL): every held
   * answer is dropped, the validator starts with an empty key cache (dnsjava remembers bad keys), and the query
   * is asked once more, now with the chain from the upstream. A bogus answer is never turned into anything but
   * what the upstream's own answers give.
   */
  @Override
  public CompletionStage<Reply> send(Message query, Executor executor) {
    boolean fileAnswers = prefetch.fileAnswersHeld();
    ValidatingResolver v = validator;
    CompletionStage<Reply> first = attempt(v, query, executor);
    if (!fileAnswers) {
      return first;
    }
    return first.thenCompose(reply -> {
      if (reply.status() != DnssecStatus.BOGUS) {
        return CompletableFuture.completedFuture(reply);
      }
      synchronized (this) {
        if (validator == v) {
          validator = newValidator();
        }
      }
      return attempt(validator, query, executor);
    });
  }

  private CompletionStage<Reply> attempt(ValidatingResolver v, Message query, Executor executor) {
    UpstreamRcodes.Question question = UpstreamRcodes.Question.of(query);
    if (question != null && (question.type() == Type.DS || question.type() == Type.DNSKEY)) {
      prefetch.dropFileAnswer(question); // a client's own key question (a DNSSEC lint's) reads the upstream
    }
    upstream.expect(question);
    return StagesOn.of(v.sendAsync(query, executor), executor)
        .thenApply(response -> {
          Reply reply = classify(response, upstream.take(question));
          if (reply.status() == DnssecStatus.BOGUS) {
            prefetch.forgetHeld(); // never keep serving a chain that failed: fetch it afresh next time
          }
          return reply;
        });
  }

  /** Writes the held DS/DNSKEY answers to the key cache file, if there is one and they changed. */
  @Override
  public void close() {
    if (keyCache != null && (prefetch.changed() || !keyCache.loadedClean())) {
      KeyCacheFile.save(keyCache.file(), prefetch.snapshot(), keyCache.anchors(), clock, keyCache.warn());
    }
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
