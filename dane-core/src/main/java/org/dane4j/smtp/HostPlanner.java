package org.dane4j.smtp;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.dane4j.dns.DaneResolver;
import org.dane4j.dns.DnsAnswer;
import org.dane4j.dns.DnssecStatus;
import org.dane4j.tlsa.FailureType;
import org.dane4j.tlsa.TlsaRecord;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.Type;

/**
 * Plans one host: its addresses, then (when they are secure) its TLSA records, and from them its TLS
 * requirement (RFC 7672 §2.2; checklist ADDR-1..ADDR-3, TLSA-1..TLSA-4, POL-1). The single place where the
 * per-host rules of RFC 7672 §2 live.
 */
final class HostPlanner {
  private final DaneResolver resolver;
  private final DaneMode mode;
  private final Clock clock;

  HostPlanner(DaneResolver resolver, DaneMode mode, Clock clock) {
    this.resolver = resolver;
    this.mode = mode;
    this.clock = clock;
  }

  /**
   * @param host the MX host (or relay, or implicit MX) name, checked
   * @param nextHopNames the recipient domain and its secure CNAME expansion (reference names, TA-3)
   */
  CompletableFuture<MxRoute> plan(String host, int preference, int port, boolean mxSecure,
      List<String> nextHopNames) {
    MxRoute.Builder route = MxRoute.builder(host, preference, port, clock).mxSecure(mxSecure);
    CompletableFuture<DnsAnswer> a = resolver.lookup(host, Type.A);
    CompletableFuture<DnsAnswer> aaaa = resolver.lookup(host, Type.AAAA);
    return a.thenCombine(aaaa, (v4, v6) -> new Addresses(v4, v6)).thenCompose(addresses -> {
      if (addresses.v4.failed() || addresses.v6.failed()) { // ADDR-2
        DnsAnswer failed = addresses.v4.failed() ? addresses.v4 : addresses.v6;
        return done(route.unusable(dnsFailureType(failed), "address lookup failed: " + describe(failed)));
      }
      String target = addresses.primary().finalName().toString();
      String expanded = HostNames.normalizedOrNull(target);
      if (expanded == null) {
        return done(route.unusable(FailureType.VALIDATION_FAILURE, host + " leads by CNAME to " + target
            + ", which is not a host name"));
      }
      // TA-3: a name learned from insecure DNS data is never the route's host nor a reference identifier
      String secureName = addresses.secure() ? expanded : host;
      List<InetAddress> ips = addresses.ips(host);
      route.host(secureName).addresses(ips);
      if (ips.isEmpty()) {
        return done(route.noAddress("no address records for " + host + " (" + addresses.v4.outcome() + ")"));
      }
      return requirement(route, host, secureName, addresses, port, nextHopNames);
    });
  }

  /** @param expanded the CNAME expansion of {@code host} when the whole expansion is secure, else host */
  private CompletableFuture<MxRoute> requirement(MxRoute.Builder route, String host, String expanded,
      Addresses addresses, int port, List<String> nextHopNames) {
    if (mode == DaneMode.MAY) {
      return done(route.require(TlsRequirement.OPPORTUNISTIC, "mode may: opportunistic TLS, no TLSA lookup"));
    }
    if (mode == DaneMode.ENCRYPT) {
      return done(route.require(TlsRequirement.ENCRYPT, "mode encrypt: TLS mandatory, no TLSA lookup"));
    }
    DnsAnswer primary = addresses.primary();
    boolean addressesSecure = addresses.secure();
    boolean ownCnameSecure = !primary.cnameChain().isEmpty()
        && primary.cnameChain().get(0).status() == DnssecStatus.SECURE;
    List<String> bases;
    if (addressesSecure) { // TLSA-2: the expanded name first, then the original
      bases = expanded.equals(host) ? List.of(host) : List.of(expanded, host);
    } else if (ownCnameSecure) { // TLSA-2: expansion insecure part-way, own CNAME secure (Postfix)
      bases = List.of(host);
    } else { // ADDR-1
      return done(noDane(route, "address records of " + host + " are " + primary.status().name().toLowerCase(java.util.Locale.ROOT)
          + ": no TLSA lookup (RFC 7672 §2.2.2)"));
    }
    return tlsa(route, bases, 0, host, expanded, port, nextHopNames);
  }

  private CompletableFuture<MxRoute> tlsa(MxRoute.Builder route, List<String> bases, int index, String host,
      String expanded, int port, List<String> nextHopNames) {
    String base = bases.get(index);
    String owner = "_" + port + "._tcp." + base;
    if (owner.length() > 253) {
      return done(route.unusable(FailureType.TLSA_INVALID, "TLSA query name " + owner
          + " is longer than 255 octets"));
    }
    return resolver.lookup(owner, Type.TLSA).thenCompose(answer -> {
      if (answer.failed()) { // TLSA-2: an error ends the search; TLSA-3: unusable
        return done(route.unusable(dnsFailureType(answer), "TLSA lookup failed: " + describe(answer)));
      }
      if (answer.status() != DnssecStatus.SECURE) {
        return done(noDane(route, "TLSA at " + owner + " is insecure" + reasonSuffix(answer)));
      }
      if (answer.secureDenial()) {
        if (index + 1 < bases.size()) {
          return tlsa(route, bases, index + 1, host, expanded, port, nextHopNames);
        }
        return done(noDane(route, "no TLSA records at " + owner + " (secure " + answer.outcome() + ")"));
      }
      List<TlsaRecord> records = answer.records(TLSARecord.class).stream().map(TlsaRecord::from).toList();
      route.tlsa(records, base).referenceNames(referenceNames(base, host, expanded, nextHopNames));
      if (records.stream().anyMatch(TlsaRecord::usableForSmtp)) {
        return done(route.require(TlsRequirement.DANE, "secure TLSA RRset at " + owner + " ("
            + records.size() + (records.size() == 1 ? " record)" : " records)")));
      }
      if (mode == DaneMode.DANE_ONLY) {
        return done(route.unusable(FailureType.TLSA_INVALID, "mode dane-only: no usable TLSA record at "
            + owner));
      }
      return done(route.require(TlsRequirement.ENCRYPT, "secure TLSA RRset at " + owner
          + " has no usable record: TLS mandatory, unauthenticated (RFC 7672 §3.1.3)"));
    });
  }

  /** No DANE for this host: opportunistic TLS, or nothing under {@code dane-only}. */
  private MxRoute noDane(MxRoute.Builder route, String reason) {
    if (mode == DaneMode.DANE_ONLY) {
      return route.unusable(FailureType.DANE_REQUIRED, "mode dane-only: " + reason);
    }
    return route.require(TlsRequirement.OPPORTUNISTIC, reason);
  }

  /**
   * TA-3: the TLSA base domain first, the MX host before and after CNAME, the next-hop names. The caller
   * passes the expansion only when the whole expansion is secure (RFC 7672 §3.2.2, RFC 7525 §6.1).
   */
  private static List<String> referenceNames(String base, String host, String expanded, List<String> nextHop) {
    Set<String> names = new LinkedHashSet<>();
    names.add(base);
    names.add(host);
    names.add(expanded);
    names.addAll(nextHop);
    return List.copyOf(names);
  }

  static FailureType dnsFailureType(DnsAnswer failed) {
    return failed.status() == DnssecStatus.BOGUS ? FailureType.DNSSEC_INVALID : FailureType.VALIDATION_FAILURE;
  }

  static String describe(DnsAnswer a) {
    return a.name() + " " + Type.string(a.type()) + " is " + a.status().name().toLowerCase(java.util.Locale.ROOT) + reasonSuffix(a);
  }

  private static String reasonSuffix(DnsAnswer a) {
    return a.reason().map(r -> " (" + r + ")").orElse("");
  }

  private static CompletableFuture<MxRoute> done(MxRoute route) {
    return CompletableFuture.completedFuture(route);
  }

  /** The A and AAAA answers of one host. */
  private record Addresses(DnsAnswer v4, DnsAnswer v6) {
    /** Both answers, with every CNAME link that led to them, are DNSSEC-secure. */
    boolean secure() {
      return v4.status() == DnssecStatus.SECURE && v6.status() == DnssecStatus.SECURE;
    }

    /** The answer whose CNAME chain names the host: the one with data, A preferred. */
    DnsAnswer primary() {
      return v4.records().isEmpty() && !v6.records().isEmpty() ? v6 : v4;
    }

    /** The addresses, each carrying the host name so that no second lookup happens (ADDR-3). */
    List<InetAddress> ips(String host) {
      List<InetAddress> out = new ArrayList<>();
      try {
        for (ARecord r : v4.records(ARecord.class)) {
          out.add(InetAddress.getByAddress(host, r.getAddress().getAddress()));
        }
        for (AAAARecord r : v6.records(AAAARecord.class)) {
          out.add(InetAddress.getByAddress(host, r.getAddress().getAddress()));
        }
      } catch (UnknownHostException e) {
        throw new IllegalStateException("an A/AAAA record held a bad address length", e);
      }
      return out;
    }
  }
}
