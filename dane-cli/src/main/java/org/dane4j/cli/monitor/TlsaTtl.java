package org.dane4j.cli.monitor;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.dane4j.dns.DaneResolver;
import org.dane4j.dns.DnsAnswer;
import org.dane4j.smtp.MxRoute;
import org.xbill.DNS.Type;

/**
 * How long before a certificate switch the next TLSA record must be published: until every resolver that
 * cached the old answer has fetched it again, that is at least one TTL of the TLSA RRset, or, when there is
 * no RRset yet, the TTL of the negative answer that denies it (RFC 7671 §8; RFC 2308 §5). Read from the
 * lookup's answer; a recursive resolver may return what is left of its cached TTL, so the zone's own TTL
 * may be higher, which the advice says.
 *
 * @param owner the TLSA owner name, {@code _25._tcp.mx.example.com.}
 * @param seconds the TTL in seconds, or null when the lookup failed
 * @param kind {@code "rrset"}, {@code "negative"} (no RRset: the TTL of the denial), or {@code "unknown"}
 * @param secureDenial whether the lookup securely denied the RRset
 */
record TlsaTtl(String owner, Long seconds, String kind, boolean secureDenial) {
  /** Looks up the TLSA RRset of {@code route} (the resolver's cache usually answers: the plan asked it). */
  static TlsaTtl of(DaneResolver resolver, MxRoute route, Duration timeout) {
    String base = route.tlsaBaseDomain() == null ? route.host() : route.tlsaBaseDomain();
    String name = base.toLowerCase(Locale.ROOT);
    String owner = "_" + route.port() + "._tcp." + (name.endsWith(".") ? name : name + ".");
    try {
      DnsAnswer a = resolver.lookup(owner, Type.TLSA).get(timeout.toSeconds() * 4, TimeUnit.SECONDS);
      if (a.failed()) {
        return new TlsaTtl(owner, null, "unknown", false);
      }
      long ttl = a.ttl().toSeconds();
      return a.records().isEmpty() ? new TlsaTtl(owner, ttl, "negative", a.secureDenial())
          : new TlsaTtl(owner, ttl, "rrset", false);
    } catch (ExecutionException | TimeoutException | IllegalArgumentException e) {
      return new TlsaTtl(owner, null, "unknown", false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new TlsaTtl(owner, null, "unknown", false);
    }
  }

  /** "at least one TTL of the TLSA RRset (300 s)", for a problem's one line. */
  String ahead() {
    return switch (kind) {
      case "rrset" -> "at least one TTL of the TLSA RRset (" + duration(seconds) + ")";
      case "negative" -> "at least the TTL of the negative answer for " + owner + " (" + duration(seconds) + ")";
      default -> "at least one TTL of the TLSA RRset (unknown: the TLSA lookup failed)";
    };
  }

  /** The whole advice for publishing {@code publish} (a zone-file line), for the detail lines and JSON. */
  String advice(String publish) {
    String wait = switch (kind) {
      case "rrset" -> "wait at least one TTL of the TLSA RRset (" + duration(seconds) + ")";
      case "negative" -> "there is no TLSA RRset yet: wait at least the TTL of the negative answer that denies"
          + " it (" + duration(seconds) + ")";
      default -> "wait at least one TTL of the TLSA RRset (unknown here: the TLSA lookup failed)";
    };
    return "publish the record now, " + wait + ", then deploy the certificate; keep the old records until"
        + " the new certificate is in service (the TTL is as the resolver returned it: use the zone's TTL if"
        + " that is higher)";
  }

  /**
   * The latest instant to publish the next record so that it is in every cache before the certificate now in
   * service expires: that expiry less the TTL (RFC 7671 §8.1, the rule of the DNSSEC lint's
   * TLSA_TTL_EXCEEDS_CERT_LIFETIME); null when the TTL or the current certificate is unknown.
   */
  java.time.Instant publishBy(java.time.Instant currentNotAfter) {
    return seconds == null || currentNotAfter == null ? null : currentNotAfter.minusSeconds(seconds);
  }

  /**
   * One sentence on the deadline {@link #publishBy}, or "" when it is unknown: by when, or, once it has
   * passed, that a seamless switch is no longer possible.
   */
  String deadline(java.time.Instant currentNotAfter, java.time.Instant now) {
    java.time.Instant by = publishBy(currentNotAfter);
    if (by == null) {
      return "";
    }
    if (by.isBefore(now)) {
      return ". The certificate in service expires " + currentNotAfter + ", sooner than that wait: resolvers that"
          + " cached the old RRset may fail the host until it is renewed; publish now, deploy as late as"
          + " possible, and renew earlier next time [TLSA_TTL_EXCEEDS_CERT_LIFETIME].";
    }
    return ". The certificate in service expires " + currentNotAfter + ": publish by " + by + " at the latest.";
  }

  /** "300 s", or "7200 s, 2 h" from an hour on. */
  static String duration(long seconds) {
    if (seconds < 3600) {
      return seconds + " s";
    }
    String more = seconds % 86_400 == 0 ? seconds / 86_400 + " d"
        : seconds % 3600 == 0 ? seconds / 3600 + " h" : seconds / 60 + " min";
    return seconds + " s, " + more;
  }
}
