package org.dane4j.dns;

import java.util.Objects;

/**
 * Whether DNSSEC validation works through the configured upstream (checklist DNS-4): a resolver that
 * strips signatures, or a network that blocks large answers, makes every signed zone bogus, and that
 * must be reported once, clearly, not discovered as a wave of deferred mail.
 *
 * @param working whether a signed name validated as secure
 * @param answer the probe's own lookup
 * @param explanation what that means and what to check
 */
public record DnssecProbe(boolean working, DnsAnswer answer, String explanation) {
  /** Checks for nulls. */
  public DnssecProbe {
    Objects.requireNonNull(answer, "answer");
    Objects.requireNonNull(explanation, "explanation");
  }

  static DnssecProbe of(DnsAnswer answer) {
    String reason = answer.reason().map(r -> ": " + r).orElse("");
    String name = answer.name().toString();
    return switch (answer.status()) {
      case SECURE -> new DnssecProbe(true, answer, "DNSSEC validation works: " + name + " validated as secure");
      case INSECURE -> new DnssecProbe(false, answer, name + " is not covered by the trust anchors"
          + reason + "; check the trust anchor configuration");
      case BOGUS -> new DnssecProbe(false, answer, name + " validates as bogus" + reason
          + "; the upstream resolver or the network probably strips DNSSEC records (RRSIG, DNSKEY, DS)");
      case INDETERMINATE -> new DnssecProbe(false, answer, "no usable answer for " + name + reason
          + "; check that the upstream resolver is reachable");
    };
  }
}
