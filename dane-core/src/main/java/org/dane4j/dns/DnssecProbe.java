package org.dane4j.dns;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Whether DNSSEC validation works through the configured upstream (checklist DNS-4, RFC 7672 §2.1; the
 * counterpart of Postfix's {@code dnssec_probe}). A resolver whose AD bit is trusted but that does not
 * validate makes every answer look insecure, which silently turns DANE into opportunistic TLS; a resolver or
 * network that strips signatures makes every signed zone bogus. Either must be reported once, clearly, and
 * carried in every delivery report, not discovered as silent opportunistic TLS or a wave of deferred mail.
 *
 * @param state what the probe found
 * @param answer the probe's own lookup, or null when no probe has run ({@link State#NOT_PROBED})
 * @param explanation what that means and what to check, in words
 */
public record DnssecProbe(State state, DnsAnswer answer, String explanation) {
  /** What a probe found. */
  public enum State {
    /** A signed name validated as secure: DNSSEC validation works. */
    VALIDATING,
    /**
     * DNSSEC validation does not work: a resolver whose AD bit is trusted returned the signed name without
     * AD (it does not validate), the signed name is bogus (signatures stripped, wrong trust anchor), or it is
     * outside the trust anchors. DANE cannot be enforced; mode {@code dane-only} refuses to deliver.
     */
    NOT_VALIDATING,
    /** The resolver did not answer the probe (timeout, SERVFAIL, network error): unknown, probed again soon. */
    UNKNOWN,
    /** No probe has completed yet. */
    NOT_PROBED;

    /** The word used in reports and JSON: {@code validating}, {@code not-validating}, ... */
    public String word() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** Checks for nulls; only a {@link State#NOT_PROBED} probe has no answer. */
  public DnssecProbe {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(explanation, "explanation");
    if ((answer == null) != (state == State.NOT_PROBED)) {
      throw new IllegalArgumentException("a " + state + " probe " + (answer == null ? "needs" : "has no") + " answer");
    }
  }

  /** The state before any probe completed. */
  public static DnssecProbe notProbed() {
    return new DnssecProbe(State.NOT_PROBED, null, "DNSSEC validation has not been probed yet");
  }

  /** Whether DNSSEC validation was shown to work. */
  public boolean working() {
    return state == State.VALIDATING;
  }

  /**
   * Classifies the probe's lookup.
   *
   * @param trustAd whether the AD bit of the upstream is trusted (else validation runs in process)
   * @param servers the upstream servers, named in the explanation
   */
  static DnssecProbe of(DnsAnswer answer, boolean trustAd, List<InetSocketAddress> servers) {
    String reason = answer.reason().map(r -> " (" + r + ")").orElse("");
    String what = answer.name().equals(org.xbill.DNS.Name.root) ? "the root SOA" : "the SOA of " + answer.name();
    String at = (servers.size() == 1 ? "the resolver at " : "the resolvers at ") + format(servers);
    return switch (answer.status()) {
      case SECURE -> new DnssecProbe(State.VALIDATING, answer, trustAd
          ? "DNSSEC validation works: " + at + " returned " + what + " with the AD bit set"
          : "DNSSEC validation works: " + what + " validated as secure in process (upstream " + format(servers) + ")");
      case INSECURE -> new DnssecProbe(State.NOT_VALIDATING, answer, trustAd
          ? at + " returned " + what + " without the AD bit: it does not validate DNSSEC; with the AD bit"
              + " trusted (trust-AD) dane4j cannot tell secure from insecure answers, so DANE cannot be enforced"
              + " (every host gets opportunistic TLS); enable DNSSEC validation in that resolver, or validate in"
              + " process (drop trust-AD)"
          : what + " is insecure: " + answer.name() + " is not covered by the configured trust anchors" + reason
              + ", so the probe cannot show that validation works; use trust anchors that cover it, or set the"
              + " probe name to a signed name under them");
      case BOGUS -> new DnssecProbe(State.NOT_VALIDATING, answer, trustAd
          ? at + " reports " + what + " as bogus" + reason + ": it validates but fails on the root of trust;"
              + " check its trust anchor and whether its upstream path strips DNSSEC records (RRSIG, DNSKEY, DS);"
              + " signed zones cannot be validated, so DANE hosts will be deferred"
          : what + " validates as bogus" + reason + ": " + at + " or the network probably strips DNSSEC records"
              + " (RRSIG, DNSKEY, DS), or the trust anchors are wrong; signed zones cannot be validated, so"
              + " DANE hosts will be deferred");
      case INDETERMINATE -> new DnssecProbe(State.UNKNOWN, answer, "no usable answer to the DNSSEC probe ("
          + what + ") from " + at + reason + ": whether it validates is unknown; it is probed again later");
    };
  }

  /** {@code 127.0.0.1:53}, {@code [::1]:53}, comma-separated. */
  static String format(List<InetSocketAddress> servers) {
    return servers.stream().map(s -> {
      String host = s.getAddress() == null ? s.getHostString() : s.getAddress().getHostAddress();
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + s.getPort();
    }).collect(Collectors.joining(", "));
  }
}
