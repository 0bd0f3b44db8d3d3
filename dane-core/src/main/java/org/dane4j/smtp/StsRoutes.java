package org.dane4j.smtp;

import java.util.function.Supplier;
import javax.net.ssl.X509ExtendedTrustManager;
import org.dane4j.sts.StsLookup;
import org.dane4j.sts.StsMode;
import org.dane4j.sts.StsPolicy;
import org.dane4j.tlsa.FailureType;

/**
 * MTA-STS applied per MX host, DANE first (RFC 8461 §2, §4, §5; checklist POL-3, STS-2): the one place that
 * turns a host's DANE plan and the domain's MTA-STS lookup into the host's requirement.
 *
 * <ul>
 *   <li>A host with a DNSSEC-secure TLSA RRset keeps its DANE plan (DANE, or ENCRYPT for an RRset without usable
 *       records): MTA-STS never overrides it, so a TLSA mismatch still defers.</li>
 *   <li>An UNUSABLE host stays unusable: a failed TLSA (or address) lookup never falls back to MTA-STS.</li>
 *   <li>A host without DANE (secure denial or insecure data; no TLSA RRset) under an {@code enforce} policy: when
 *       its MX host name matches a policy {@code mx} pattern, {@link TlsRequirement#STS}; otherwise UNUSABLE
 *       ({@code validation-failure}, a temporary failure of the plan).</li>
 *   <li>{@code testing}: the requirement stays as without MTA-STS, the route carries the policy, and its trust
 *       manager runs the STS check report-only; a pattern mismatch is said in the reason.</li>
 *   <li>{@code mode: none}, or no policy (no TXT record; or a TXT record whose policy could not be fetched and
 *       nothing unexpired is cached, RFC 8461 §3.3): as without MTA-STS; a fetch failure is said in the reason.</li>
 *   <li>A TXT lookup that failed (SERVFAIL, timeout, bogus) with no unexpired cached policy ({@link
 *       org.dane4j.sts.MtaSts} decides that from its cache): whether the domain has a policy is unknown, so a
 *       host without DANE is UNUSABLE (a temporary failure, STS-1); hosts with DANE are not affected.</li>
 * </ul>
 */
final class StsRoutes {
  private StsRoutes() {}

  /** Whether the domain's MTA-STS policy can change this route: usable and without a TLSA RRset. */
  static boolean applies(MxRoute route) {
    return route.tlsa().isEmpty() && (route.requirement() == TlsRequirement.OPPORTUNISTIC
        || route.requirement() == TlsRequirement.ENCRYPT);
  }

  /** The route under the lookup's outcome, as the class says. */
  static MxRoute apply(MxRoute route, StsLookup lookup, Supplier<X509ExtendedTrustManager> webPki) {
    if (!applies(route)) {
      return route;
    }
    if (lookup.status() == StsLookup.Status.TEMPORARY_FAILURE) {
      // STS-1: a failed lookup is never "no policy" (the fault postfix-mta-sts-resolver #60 had): a host that only
      // MTA-STS could protect waits until it is known whether the domain has a policy
      return MxRoute.Builder.from(route).unusable(FailureType.VALIDATION_FAILURE, "MTA-STS: "
          + lookup.reason().orElse("lookup failed") + "; no cached policy, so whether " + lookup.domain()
          + " has one is unknown: a host without DANE is not used until it is known (STS-1; a lookup failure is "
          + "never \"no policy\")");
    }
    StsPolicy policy = lookup.policy().orElse(null);
    if (policy == null && lookup.status() == StsLookup.Status.NO_POLICY && lookup.failure().isPresent()) {
      // RFC 8461 §3.3: an announced policy that cannot be had is no policy; TLS reports still count it (RFC 8460)
      return MxRoute.Builder.from(route).stsFetchFailure(lookup.failure().get()).require(route.requirement(),
          route.reason() + "; MTA-STS: " + lookup.reason().orElse(lookup.failure().get().resultType())
              + ", so as without MTA-STS (RFC 8461 §3.3)");
    }
    if (policy == null || policy.mode() == StsMode.NONE) {
      return route;
    }
    String id = lookup.entry().map(e -> " (id " + e.id() + (lookup.fromCache() ? ", cached" : "") + ")").orElse("");
    boolean matches = policy.matches(route.mxHost());
    MxRoute.Builder b = MxRoute.Builder.from(route).sts(policy, webPki.get()); // the trust store is read only when a policy needs it
    if (policy.mode() == StsMode.TESTING) {
      return b.require(route.requirement(), route.reason() + "; MTA-STS testing policy of " + lookup.domain() + id
          + (matches ? ": enforce would require a WebPKI-valid certificate for " + route.mxHost()
              : ": enforce would refuse this host: " + route.mxHost() + " matches no mx pattern "
                  + policy.mxPatterns()) + " (RFC 8461 §5)");
    }
    if (!matches) {
      return b.unusable(FailureType.VALIDATION_FAILURE, "MTA-STS enforce policy of " + lookup.domain() + id
          + ": MX host " + route.mxHost() + " matches no mx pattern " + policy.mxPatterns()
          + " (RFC 8461 §4.1; STS-2)");
    }
    return b.require(TlsRequirement.STS, "no DANE (" + route.reason() + "); MTA-STS enforce policy of "
        + lookup.domain() + id + ": TLS mandatory, a WebPKI-valid certificate for " + route.mxHost()
        + " (RFC 8461 §4.2)");
  }
}
