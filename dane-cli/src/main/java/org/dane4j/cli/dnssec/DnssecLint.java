package org.dane4j.cli.dnssec;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.dane4j.cli.WarningCode;
import org.dane4j.dns.DaneResolver;
import org.dane4j.dns.DnssecProbe;
import org.dane4j.dns.DnssecStatus;
import org.dane4j.dns.SignedAnswer;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.NSEC3PARAMRecord;
import org.xbill.DNS.NSEC3Record;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * The DNSSEC side that breaks DANE, checked from the root down to each TLSA owner name (and the MX host and the
 * recipient domain on the way): for every zone cut the DS digest types and DNSKEY/RRSIG algorithms against RFC
 * 8624 §3.1 and §3.3, NSEC3 parameters against RFC 9276 §3.1 (iterations 0, no salt) and opt-out at the TLSA
 * name's zone (RFC 5155 §6), the denial of existence at the TLSA name (the check of internet.nl: a query for a
 * type that is not there must validate), signatures that expire within a window, the TLSA TTL against the time
 * a certificate has left (RFC 7671 §8), and, first, whether the resolver validates at all (checklist DNS-4).
 *
 * <p>Every record comes through the command's {@link DaneResolver} ({@link DaneResolver#lookupSigned}); the
 * findings carry stable {@link WarningCode}s. The lint only reports: it changes no verdict or exit code.
 */
public final class DnssecLint {
  /** Severity "error": the zone breaks or will break validation (MUST NOT, bogus, failed). */
  public static final String ERROR = "error";
  /** Severity "warning": works today, but against current advice or about to break. */
  public static final String WARNING = "warning";
  /** The NSEC3 iteration count above which many validating resolvers give up on a zone (RFC 9276 §3.2). */
  static final int RESOLVER_ITERATION_LIMIT = 150;

  /**
   * One name the lint walks to: its chain from the root is checked; at a TLSA owner also the denial of
   * existence, the TLSA RRset's signatures and TTL.
   *
   * @param name the name, absolute
   * @param tlsaOwner whether it is a TLSA owner name ({@code _25._tcp.mx.example.com.})
   * @param certificateNotAfter the expiry of the certificate the host presented, for the TTL check; null if none
   */
  public record Target(Name name, boolean tlsaOwner, Instant certificateNotAfter) {}

  /**
   * One finding.
   *
   * @param code the stable code
   * @param severity {@link #ERROR} or {@link #WARNING}
   * @param name the zone or owner name it is about
   * @param message one sentence
   * @param fix what to do
   * @param rfc the rule, e.g. {@code RFC 9276 §3.1}
   */
  public record Finding(WarningCode code, String severity, String name, String message, String fix, String rfc) {
    /** As a JSON object: the keys of a host warning (code, message, fix) plus severity, name and rfc. */
    public Map<String, Object> json() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("code", code.name());
      m.put("message", message);
      m.put("fix", fix);
      m.put("severity", severity);
      m.put("name", name);
      m.put("rfc", rfc);
      return m;
    }
  }

  /**
   * What the lint saw of one zone on the way.
   *
   * @param name the apex
   * @param dnssec secure, insecure, bogus or indeterminate (the DNSKEY lookup's status)
   * @param dnskeys {@code "tag 12345 alg 13 (ECDSAP256SHA256) flags 257"} per key
   * @param ds {@code "tag 12345 alg 13 digest 2 (SHA-256)"} per DS in the parent; empty at the root
   * @param denial {@code "NSEC"}, {@code "NSEC3 iterations 0 salt -"} or null when unknown
   * @param signaturesExpire the earliest expiry of the signatures the lint read in the zone, or null
   */
  public record Zone(String name, String dnssec, List<String> dnskeys, List<String> ds, String denial,
      Instant signaturesExpire) {
    /** As a JSON object. */
    public Map<String, Object> json() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("zone", name);
      m.put("dnssec", dnssec);
      m.put("dnskey", dnskeys);
      m.put("ds", ds);
      m.put("denial", denial);
      m.put("signatures_expire", signaturesExpire == null ? null : signaturesExpire.toString());
      return m;
    }
  }

  /**
   * The lint's result.
   *
   * @param zones the zones from the root down, each once
   * @param findings the findings, each once
   * @param signatureWarnDays the window for expiring signatures, days
   */
  public record Report(List<Zone> zones, List<Finding> findings, int signatureWarnDays) {
    /** The {@code dnssec_lint} object of {@code check --json}. */
    public Map<String, Object> json() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("signature_warn_days", signatureWarnDays);
      m.put("zones", zones.stream().map(Zone::json).toList());
      m.put("warnings", findings.stream().map(Finding::json).toList());
      return m;
    }
  }

  private final DaneResolver resolver;
  private final Duration timeout;
  private final Instant now;
  private final int signatureWarnDays;
  private final Map<Name, ZoneState> zones = new LinkedHashMap<>();
  private final Map<String, Finding> findings = new LinkedHashMap<>();
  private final Map<Name, Step> steps = new LinkedHashMap<>();
  private final Map<Name, List<Expiring>> expiringBySigner = new LinkedHashMap<>();

  private DnssecLint(DaneResolver resolver, Duration timeout, Instant now, int signatureWarnDays) {
    this.resolver = resolver;
    this.timeout = timeout;
    this.now = now;
    this.signatureWarnDays = signatureWarnDays;
  }

  /**
   * Runs the lint.
   *
   * @param timeout the DNS timeout unit; one lookup waits at most 4 times it
   * @param now the instant signatures and certificates are judged at
   * @param signatureWarnDays warn when a signature expires within this many days
   */
  public static Report run(DaneResolver resolver, List<Target> targets, Duration timeout, Instant now,
      int signatureWarnDays) {
    DnssecLint lint = new DnssecLint(resolver, timeout, now, signatureWarnDays);
    DnssecProbe probe = lint.await(resolver.currentProbe());
    if (probe != null && probe.state() == DnssecProbe.State.NOT_VALIDATING) {
      lint.add(new Finding(WarningCode.DNSSEC_NOT_VALIDATING, ERROR, ".", "the resolver does not validate DNSSEC,"
          + " so no zone can be judged: " + probe.explanation(), "use a validating resolver (or drop --trust-ad"
          + " to validate in process)", "RFC 7672 §2.1"));
      return lint.report();
    }
    for (Target t : targets) {
      lint.walk(t);
    }
    return lint.report();
  }

  private Report report() {
    expiringFindings();
    List<Zone> list = new ArrayList<>();
    zones.values().forEach(z -> list.add(z.zone()));
    return new Report(list, List.copyOf(findings.values()), signatureWarnDays);
  }

  // ---- the walk ----

  /** What is known of one zone apex. */
  private static final class ZoneState {
    final Name apex;
    String dnssec;
    List<String> keys = List.of();
    List<String> ds = List.of();
    String denial;
    Instant expires;

    ZoneState(Name apex) {
      this.apex = apex;
    }

    void expiry(List<RRSIGRecord> sigs) {
      for (RRSIGRecord s : sigs) {
        if (expires == null || s.getExpire().isBefore(expires)) {
          expires = s.getExpire();
        }
      }
    }

    Zone zone() {
      return new Zone(apex.toString(), dnssec, keys, ds, denial, expires);
    }
  }

  private void walk(Target target) {
    ZoneState zone = null;
    for (int labels = 1; labels <= target.name().labels(); labels++) {
      Name name = new Name(target.name(), target.name().labels() - labels);
      boolean parentSecure = zone == null || "secure".equals(zone.dnssec);
      ZoneState enclosing = zone;
      Step step = steps.computeIfAbsent(name, n -> classify(n, parentSecure, enclosing));
      if (step.stop()) {
        return;
      }
      if (step.apex() != null) {
        zone = step.apex();
        if (!"secure".equals(zone.dnssec)) {
          return;
        }
      }
    }
    if (target.tlsaOwner() && zone != null) {
      tlsaOwner(target, zone);
    }
  }

  /** What one name on the way is: a signed apex, a name inside the zone above, or where the walk stops. */
  private record Step(ZoneState apex, boolean stop) {}

  private Step classify(Name name, boolean parentSecure, ZoneState enclosing) {
    SignedAnswer keys = lookup(name, Type.DNSKEY);
    if (keys == null) {
      return new Step(null, true);
    }
    Optional<RRset> rrset = keys.rrset();
    if (rrset.isPresent()) {
      return new Step(apex(name, keys, parentSecure), false);
    }
    switch (keys.status()) {
      case INSECURE -> {
        Name apex = soaOwner(keys).orElse(name);
        ZoneState known = zones.get(apex);
        if (known != null && "secure".equals(known.dnssec)) {
          return new Step(null, false); // an insecure denial inside a signed zone (opt-out): judged at the owner
        }
        zones.computeIfAbsent(apex, a -> {
          ZoneState z = new ZoneState(a);
          z.dnssec = "insecure";
          return z;
        });
        return new Step(null, true); // below an insecure delegation nothing is signed for a validator
      }
      case BOGUS, INDETERMINATE -> {
        if (enclosing != null && "secure".equals(enclosing.dnssec) && keys.status() == DnssecStatus.BOGUS) {
          SignedAnswer ds = lookup(name, Type.DS);
          boolean cut = ds != null && ds.status() == DnssecStatus.SECURE && ds.rrset().isPresent();
          if (!cut) {
            denialProblem(name, enclosing, keys); // no signed zone cut here: the bogus answer is a denial
            return new Step(null, false);
          }
        }
        if (enclosing != null && "secure".equals(enclosing.dnssec) && keys.status() == DnssecStatus.INDETERMINATE
            && enclosing.denial != null && enclosing.denial.startsWith("NSEC3")) {
          denialProblem(name, enclosing, keys);
          return new Step(null, false);
        }
        add(new Finding(keys.status() == DnssecStatus.BOGUS ? WarningCode.DNSSEC_BOGUS
            : WarningCode.DNS_LOOKUP_FAILED, ERROR, name.toString(), "the DNSKEY lookup at " + name + " is "
            + word(keys.status()) + keys.reason().map(r -> " (" + r + ")").orElse("") + ".",
            "fix the zone's signatures and keys (dnsviz.net shows where the chain breaks)", "RFC 4035 §5"));
        return new Step(null, true);
      }
      default -> {
        return new Step(null, false);
      }
    }
  }

  /** A zone apex with DNSKEY records: algorithms, DS, NSEC3PARAM. */
  private ZoneState apex(Name name, SignedAnswer keys, boolean parentSecure) {
    ZoneState z = new ZoneState(name);
    zones.put(name, z);
    z.dnssec = word(keys.status());
    List<String> keyLines = new ArrayList<>();
    TreeSet<Integer> algorithms = new TreeSet<>();
    for (DNSKEYRecord k : keys.records(DNSKEYRecord.class)) {
      keyLines.add("tag " + k.getFootprint() + " alg " + Rfc8624.algorithm(k.getAlgorithm()) + " flags "
          + k.getFlags());
      algorithms.add(k.getAlgorithm());
    }
    z.keys = keyLines;
    keys.signatures().forEach(s -> algorithms.add(s.getAlgorithm()));
    z.expiry(keys.signatures());
    expiring(name, "DNSKEY", keys.signatures(), name);
    if (keys.status() == DnssecStatus.INSECURE && parentSecure && !name.equals(Name.root)) {
      add(new Finding(WarningCode.DNSSEC_NO_DS, ERROR, name.toString(), "the zone " + name + " is signed (it has"
          + " DNSKEY records) but its parent has no DS record for it: validators treat it as unsigned, so DANE"
          + " does not apply below it.", "publish the DS of the zone's key (KSK or CSK) in the parent zone"
          + " through the registrar or the parent's operator", "RFC 4035 §5.2"));
    }
    for (int a : algorithms) {
      algorithm(name, a);
    }
    if (!name.equals(Name.root)) {
      SignedAnswer ds = lookup(name, Type.DS);
      if (ds != null) {
        List<String> dsLines = new ArrayList<>();
        for (DSRecord d : ds.records(DSRecord.class)) {
          dsLines.add("tag " + d.getFootprint() + " alg " + Rfc8624.algorithm(d.getAlgorithm()) + " digest "
              + Rfc8624.digest(d.getDigestID()));
          digest(name, d, ds.records(DSRecord.class));
        }
        z.ds = dsLines;
        expiring(name, "DS", ds.signatures(), new Name(name, 1));
      }
    }
    SignedAnswer param = lookup(name, Type.NSEC3PARAM);
    if (param != null && param.status() == DnssecStatus.SECURE) {
      List<NSEC3PARAMRecord> p = param.records(NSEC3PARAMRecord.class);
      if (p.isEmpty()) {
        z.denial = "NSEC";
      } else {
        NSEC3PARAMRecord first = p.get(0);
        z.denial = nsec3(first.getIterations(), first.getSalt(), false);
        nsec3Parameters(name, first.getIterations(), first.getSalt());
      }
    }
    return z;
  }

  /** The TLSA owner: its RRset's signatures and TTL, and the denial of existence of a type it has not. */
  private void tlsaOwner(Target target, ZoneState zone) {
    Name owner = target.name();
    SignedAnswer tlsa = lookup(owner, Type.TLSA);
    if (tlsa != null && tlsa.status() == DnssecStatus.SECURE) {
      zone.expiry(tlsa.signatures());
      expiring(owner, "TLSA", tlsa.signatures(), zone.apex);
      Optional<RRset> rrset = tlsa.rrset();
      if (rrset.isPresent() && target.certificateNotAfter() != null) {
        ttlAgainstCertificate(owner, Duration.ofSeconds(rrset.get().getTTL()), target.certificateNotAfter());
      }
    }
    // internet.nl: the denial of existence at the TLSA name must validate; asked with a type that is not there
    SignedAnswer denial = lookup(owner, Type.A);
    if (denial == null) {
      return;
    }
    List<NSEC3Record> nsec3 = denial.authorityRecords(NSEC3Record.class);
    boolean optOut = nsec3.stream().anyMatch(r -> (r.getFlags() & NSEC3Record.Flags.OPT_OUT) != 0);
    if (!nsec3.isEmpty()) {
      NSEC3Record first = nsec3.get(0);
      if (zone.denial == null || zone.denial.equals("NSEC")) {
        zone.denial = nsec3(first.getIterations(), first.getSalt(), optOut);
        nsec3Parameters(zone.apex, first.getIterations(), first.getSalt());
      } else if (optOut && !zone.denial.endsWith("opt-out")) {
        zone.denial = zone.denial + " opt-out";
      }
    } else if (zone.denial == null && !denial.authorityRecords(NSECRecord.class).isEmpty()) {
      zone.denial = "NSEC";
    }
    for (RRset r : denial.authority()) {
      zone.expiry(r.sigs());
      expiring(r.getName(), Type.string(r.getType()), r.sigs(), zone.apex);
    }
    if (optOut) {
      add(new Finding(WarningCode.NSEC3_OPT_OUT, WARNING, zone.apex.toString(), "the zone " + zone.apex + " of the"
          + " TLSA name uses NSEC3 opt-out: a denial that an opt-out record covers is insecure, so an attacker"
          + " can deny TLSA records below an unsigned delegation there.", "sign the zone without opt-out (it is"
          + " for large delegation-only zones, not for a mail host's zone)", "RFC 5155 §6, RFC 9276 §3.1"));
    }
    if (denial.status() == DnssecStatus.INSECURE) {
      boolean noData = denial.rcode() == Rcode.NOERROR || denial.rcode() == Rcode.NXDOMAIN;
      if (noData) {
        add(new Finding(WarningCode.DENIAL_INSECURE, ERROR, owner.toString(), "the denial of existence at "
            + owner + " (an " + (denial.rcode() == Rcode.NXDOMAIN ? "NXDOMAIN" : "NODATA") + " for type A) is"
            + " not secure although the zone " + zone.apex + " is signed" + (optOut ? " (NSEC3 opt-out)" : "")
            + ": senders cannot prove that records are absent there" + denial.reason().map(r -> " (" + r + ")")
                .orElse("") + ".", "sign the zone with NSEC, or NSEC3 with 0 iterations, no salt and no"
            + " opt-out", "RFC 9276 §3.1"), "DENIAL " + zone.apex);
      }
    } else if (denial.status() != DnssecStatus.SECURE) {
      denialProblem(owner, zone, denial);
    }
  }

  /** A denial of existence inside the signed {@code zone} that is bogus or gets no answer; once per zone. */
  private void denialProblem(Name name, ZoneState zone, SignedAnswer denial) {
    String why = denial.reason().map(r -> " (" + r + ")").orElse("");
    boolean nsec3 = zone.denial != null && zone.denial.startsWith("NSEC3");
    if (denial.status() == DnssecStatus.BOGUS) {
      add(new Finding(WarningCode.DENIAL_BOGUS, ERROR, name.toString(), "the denial of existence at " + name
          + " does not validate" + why + (nsec3 ? "; the zone uses " + zone.denial : "") + ": senders that look up"
          + " a record that is not there (TLSA, AAAA) get a bogus answer and defer mail.", nsec3
              ? "sign the zone with NSEC3 iterations 0 and no salt (RFC 9276), or NSEC, and check it with"
                  + " dnsviz.net" : "re-sign the zone so that its NSEC/NSEC3 chain and signatures are complete"
                  + " (a signer or zone transfer that dropped them), and check it with dnsviz.net",
          "RFC 4035 §5.4, RFC 9276 §3.2, internet.nl"), "DENIAL " + zone.apex);
    } else {
      add(new Finding(WarningCode.DENIAL_FAILED, ERROR, name.toString(), "a query at " + name + " for a type that"
          + " is not there got no usable answer" + why + ": the denial of existence fails; a validating resolver"
          + " answering SERVFAIL for a denial is the classic sign of NSEC3 with more iterations than it"
          + " accepts.", "sign the zone with NSEC3 iterations 0 and no salt (RFC 9276), or NSEC; check that"
          + " every name server of the zone serves the NSEC3 records", "RFC 9276 §3.2"), "DENIAL " + zone.apex);
    }
  }

  // ---- the rules ----

  private void algorithm(Name zone, int algorithm) {
    switch (Rfc8624.signing(algorithm)) {
      case MUST_NOT -> add(new Finding(WarningCode.DNSSEC_ALGORITHM_MUST_NOT, ERROR, zone.toString(), "the zone "
          + zone + " is signed with algorithm " + Rfc8624.algorithm(algorithm) + ", which zones MUST NOT use:"
          + " validators may treat the zone as unsigned (then DANE does not apply) or fail to validate it.",
          "roll the zone to algorithm 13 (ECDSAP256SHA256) or 8 (RSASHA256), and update the DS in the parent",
          "RFC 8624 §3.1"));
      case NOT_RECOMMENDED -> add(new Finding(WarningCode.DNSSEC_ALGORITHM_NOT_RECOMMENDED, WARNING,
          zone.toString(), "the zone " + zone + " is signed with algorithm " + Rfc8624.algorithm(algorithm)
          + ", which RFC 8624 does NOT RECOMMEND for signing (SHA-1 based, or being phased out): some validators"
          + " already treat it as unsigned.", "roll the zone to algorithm 13 (ECDSAP256SHA256) or 8"
          + " (RSASHA256), and update the DS in the parent", "RFC 8624 §3.1"));
      default -> { }
    }
  }

  private void digest(Name zone, DSRecord ds, List<DSRecord> all) {
    if (Rfc8624.dsDigest(ds.getDigestID()) != Rfc8624.Level.MUST_NOT) {
      return;
    }
    boolean alsoGood = all.stream().anyMatch(d -> d.getFootprint() == ds.getFootprint()
        && Rfc8624.dsDigest(d.getDigestID()) == Rfc8624.Level.FINE);
    add(new Finding(WarningCode.DS_DIGEST_MUST_NOT, alsoGood ? WARNING : ERROR, zone.toString(), "the parent"
        + " publishes a DS for " + zone + " (key tag " + ds.getFootprint() + ") with digest type "
        + Rfc8624.digest(ds.getDigestID()) + ", which RFC 8624 says MUST NOT be used"
        + (alsoGood ? "; a SHA-256 DS for the same key is published too." : ": validators that no longer accept"
            + " it treat the zone as unsigned."), (alsoGood ? "remove the " : "replace the ")
        + Rfc8624.digest(ds.getDigestID()) + " DS" + (alsoGood ? "" : " with a SHA-256 (digest type 2) DS")
        + " at the registrar or parent", "RFC 8624 §3.3"));
  }

  private void nsec3Parameters(Name zone, int iterations, byte[] salt) {
    if (iterations > 0) {
      add(new Finding(WarningCode.NSEC3_ITERATIONS, iterations > RESOLVER_ITERATION_LIMIT ? ERROR : WARNING,
          zone.toString(), "the zone " + zone + " uses NSEC3 with " + iterations + " extra iterations; RFC 9276 says"
          + " 0" + (iterations > RESOLVER_ITERATION_LIMIT ? ", and above " + RESOLVER_ITERATION_LIMIT + " many"
              + " validating resolvers treat its denials as insecure or answer SERVFAIL" : ", and resolvers"
              + " lower the counts they accept") + ".", "re-sign with NSEC3 iterations 0 (e.g. BIND: nsec3param"
          + " iterations 0 optout no salt-length 0; Knot: nsec3-iterations: 0), or use NSEC", "RFC 9276 §3.1"));
    }
    if (salt != null && salt.length > 0) {
      add(new Finding(WarningCode.NSEC3_SALT, WARNING, zone.toString(), "the zone " + zone + " uses an NSEC3 salt ("
          + HexFormat.of().formatHex(salt) + "): it adds nothing against zone walking and costs resolvers"
          + " work.", "re-sign with an empty NSEC3 salt (\"-\")", "RFC 9276 §3.1"));
    }
  }

  /** Notes the signatures over one RRset that expire within the window; reported per signer by {@link #report}. */
  private void expiring(Name owner, String type, List<RRSIGRecord> sigs, Name zone) {
    Instant window = now.plus(Duration.ofDays(signatureWarnDays));
    for (RRSIGRecord s : sigs) {
      if (s.getExpire().isBefore(window)) {
        expiringBySigner.computeIfAbsent(s.getSigner(), k -> new ArrayList<>()).add(new Expiring(owner + " " + type,
            s.getExpire()));
        return;
      }
    }
  }

  /** One RRset whose signature expires within the window. */
  private record Expiring(String rrset, Instant expires) {}

  /** One finding per signing zone: its earliest expiry, and which RRsets the lint saw expiring. */
  private void expiringFindings() {
    expiringBySigner.forEach((signer, list) -> {
      Expiring first = list.stream().min(java.util.Comparator.comparing(Expiring::expires)).orElseThrow();
      Duration left = Duration.between(now, first.expires());
      List<String> names = list.stream().map(Expiring::rrset).distinct().toList();
      String which = names.size() <= 3 ? String.join(", ", names)
          : String.join(", ", names.subList(0, 3)) + " and " + (names.size() - 3) + " more";
      add(new Finding(WarningCode.RRSIG_EXPIRING, left.isNegative() ? ERROR : WARNING, signer.toString(),
          "signatures of the zone " + signer + " expire" + (left.isNegative() ? "d on " : " on ") + first.expires()
          + (left.isNegative() ? "" : " (in " + span(left) + ")") + ", within --warn-signature-days ("
          + signatureWarnDays + "): " + which + "; once they expire validators treat those RRsets as bogus and"
          + " DANE senders defer mail.", "check that the signer of " + signer + " is running and re-signing"
          + " the zone, and that every name server serves the new signatures", "RFC 4035 §5.3.1"));
    });
  }

  private void ttlAgainstCertificate(Name owner, Duration ttl, Instant notAfter) {
    Duration left = Duration.between(now, notAfter);
    if (left.isNegative() || left.compareTo(ttl) >= 0) {
      return;
    }
    add(new Finding(WarningCode.TLSA_TTL_EXCEEDS_CERT_LIFETIME, WARNING, owner.toString(), "the certificate expires"
        + " in " + span(left) + ", less than the TLSA TTL (" + ttl.toSeconds() + " s): a record for the next key"
        + " published now may not reach resolvers that cached the current RRset before the certificate must"
        + " change.", "publish the 3 1 1 of the next key now (dane4j tlsa create --smtp), and lower the TLSA TTL"
        + " before the next renewal, or renew earlier", "RFC 7671 §8.1"));
  }

  // ---- helpers ----

  private void add(Finding f) {
    add(f, f.code() + " " + f.name());
  }

  /** Adds a finding unless one with the same {@code key} is there (one per code and name, or per zone). */
  private void add(Finding f, String key) {
    findings.putIfAbsent(key, f);
  }

  private SignedAnswer lookup(Name name, int type) {
    return await(resolver.lookupSigned(name, type));
  }

  private <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(timeout.toSeconds() * 4, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static Optional<Name> soaOwner(SignedAnswer a) {
    return a.authority().stream().filter(r -> r.getType() == Type.SOA).map(RRset::getName).findFirst()
        .or(() -> a.answer().stream().filter(r -> r.first() instanceof SOARecord).map(RRset::getName).findFirst());
  }

  private static String nsec3(int iterations, byte[] salt, boolean optOut) {
    return "NSEC3 iterations " + iterations + " salt " + (salt == null || salt.length == 0 ? "-"
        : HexFormat.of().formatHex(salt)) + (optOut ? " opt-out" : "");
  }

  private static String word(DnssecStatus s) {
    return s.name().toLowerCase(java.util.Locale.ROOT);
  }

  /** "20 h", "3 d 4 h", "15 min". */
  static String span(Duration d) {
    long minutes = Math.max(0, d.toMinutes());
    if (minutes < 120) {
      return minutes + " min";
    }
    long hours = minutes / 60;
    return hours < 48 ? hours + " h" : hours / 24 + " d" + (hours % 24 == 0 ? "" : " " + hours % 24 + " h");
  }
}
