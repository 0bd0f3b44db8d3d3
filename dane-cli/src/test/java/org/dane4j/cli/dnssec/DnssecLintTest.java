package org.dane4j.cli.dnssec;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.dane4j.cli.WarningCode;
import org.dane4j.dns.DaneResolver;
import org.dane4j.testkit.dns.DnsFault;
import org.dane4j.testkit.dns.DnsTestServer;
import org.dane4j.testkit.dns.DnsWorld;
import org.dane4j.testkit.dns.ZoneSigning;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/** The DNSSEC lint (#16) against the testkit's signed world, one zone per fault. */
class DnssecLintTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2030-05-01T12:00:00Z"), ZoneOffset.UTC);
  static final String TLSA = "TLSA 3 1 1 " + "ab".repeat(32);

  static DnsWorld world;
  static DnsTestServer server;
  static DaneResolver resolver;

  @BeforeAll
  static void start() {
    world = DnsWorld.create(CLOCK);
    world.zone("test.");
    zone("good", ZoneSigning.defaults());
    zone("old", ZoneSigning.defaults().algorithm(DNSSEC.Algorithm.RSASHA1).dsDigests(DNSSEC.Digest.SHA1));
    zone("both", ZoneSigning.defaults().dsDigests(DNSSEC.Digest.SHA1, DNSSEC.Digest.SHA256));
    zone("nsec3", ZoneSigning.defaults().nsec3(10, "aabbccdd"));
    zone("clean3", ZoneSigning.defaults().nsec3(0, "-"));
    zone("many", ZoneSigning.defaults().nsec3(200, ""));
    zone("soon", ZoneSigning.defaults().signatureLifetime(Duration.ofHours(20)));
    zone("island", ZoneSigning.defaults().withoutDs());
    zone("bogusdenial", ZoneSigning.defaults());
    zone("failing", ZoneSigning.defaults());
    world.zone("optout.test.", ZoneSigning.defaults().nsec3OptOut()).add("mx.optout.test. A 127.0.0.1");
    world.fault("_25._tcp.mx.bogusdenial.test.", Type.A, DnsFault.CORRUPT_RRSIG);
    world.fault("_25._tcp.mx.failing.test.", Type.A, DnsFault.SERVFAIL);
    server = world.start();
    resolver = resolver(false);
  }

  static void zone(String label, ZoneSigning signing) {
    String apex = label + ".test.";
    world.zone(apex, signing).add("mx." + apex + " A 127.0.0.1", "_25._tcp.mx." + apex + " 300 " + TLSA);
  }

  static DaneResolver resolver(boolean trustAd) {
    DaneResolver.Builder b = DaneResolver.builder().servers(server.address()).clock(CLOCK)
        .timeout(Duration.ofSeconds(2)).retries(0).cacheSize(0);
    return (trustAd ? b.trustAd() : b.trustAnchors(world.trustAnchor())).build();
  }

  @AfterAll
  static void stop() {
    resolver.close();
    server.close();
  }

  static DnssecLint.Report lint(String label) {
    return lint(label, null);
  }

  static DnssecLint.Report lint(String label, Instant notAfter) {
    Name owner = Name.fromConstantString("_25._tcp.mx." + label + ".test.");
    return DnssecLint.run(resolver, List.of(new DnssecLint.Target(owner, true, notAfter)), Duration.ofSeconds(2),
        CLOCK.instant(), DnssecLintOptions.DEFAULT_SIGNATURE_WARN_DAYS);
  }

  static List<WarningCode> codes(DnssecLint.Report r) {
    return r.findings().stream().map(DnssecLint.Finding::code).toList();
  }

  static DnssecLint.Finding finding(DnssecLint.Report r, WarningCode code) {
    return r.findings().stream().filter(f -> f.code() == code).findFirst().orElseThrow(
        () -> new AssertionError("no " + code + " in " + r.findings()));
  }

  @Test
  @DisplayName("a zone signed as RFC 8624 and RFC 9276 advise: no finding; every zone from the root is listed")
  void clean() {
    DnssecLint.Report r = lint("good");
    assertThat(r.findings()).isEmpty();
    assertThat(r.zones()).extracting(DnssecLint.Zone::name).containsExactly(".", "test.", "good.test.");
    assertThat(r.zones()).allMatch(z -> z.dnssec().equals("secure") && "NSEC".equals(z.denial()));
    assertThat(r.zones().get(2).ds()).singleElement().asString().contains("digest 2 (SHA-256)");
    assertThat(lint("clean3").findings()).isEmpty();
  }

  @Test
  @DisplayName("RFC 8624: an RSASHA1 key is NOT RECOMMENDED; a SHA-1 DS alone MUST NOT be used (error)")
  void rsaSha1AndSha1Ds() {
    DnssecLint.Report r = lint("old");
    assertThat(finding(r, WarningCode.DNSSEC_ALGORITHM_NOT_RECOMMENDED).message()).contains("5 (RSASHA1)");
    DnssecLint.Finding ds = finding(r, WarningCode.DS_DIGEST_MUST_NOT);
    assertThat(ds.severity()).isEqualTo(DnssecLint.ERROR);
    assertThat(ds.name()).isEqualTo("old.test.");
    assertThat(ds.fix()).contains("SHA-256");
  }

  @Test
  @DisplayName("RFC 8624: a SHA-1 DS beside a SHA-256 DS is a warning: remove it")
  void sha1BesideSha256() {
    DnssecLint.Finding ds = finding(lint("both"), WarningCode.DS_DIGEST_MUST_NOT);
    assertThat(ds.severity()).isEqualTo(DnssecLint.WARNING);
    assertThat(ds.fix()).startsWith("remove the 1 (SHA-1) DS");
  }

  @Test
  @DisplayName("RFC 8624: the algorithm and digest tables (MUST NOT, NOT RECOMMENDED)")
  void tables() {
    assertThat(Rfc8624.signing(DNSSEC.Algorithm.RSAMD5)).isEqualTo(Rfc8624.Level.MUST_NOT);
    assertThat(Rfc8624.signing(DNSSEC.Algorithm.DSA)).isEqualTo(Rfc8624.Level.MUST_NOT);
    assertThat(Rfc8624.signing(DNSSEC.Algorithm.ECC_GOST)).isEqualTo(Rfc8624.Level.MUST_NOT);
    assertThat(Rfc8624.signing(DNSSEC.Algorithm.RSA_NSEC3_SHA1)).isEqualTo(Rfc8624.Level.NOT_RECOMMENDED);
    assertThat(Rfc8624.signing(DNSSEC.Algorithm.RSASHA256)).isEqualTo(Rfc8624.Level.FINE);
    assertThat(Rfc8624.signing(DNSSEC.Algorithm.ED25519)).isEqualTo(Rfc8624.Level.FINE);
    assertThat(Rfc8624.dsDigest(DNSSEC.Digest.GOST3411)).isEqualTo(Rfc8624.Level.MUST_NOT);
    assertThat(Rfc8624.dsDigest(DNSSEC.Digest.SHA384)).isEqualTo(Rfc8624.Level.FINE);
  }

  @Test
  @DisplayName("RFC 9276: NSEC3 iterations above 0 and a salt are flagged; the zone line says the parameters")
  void nsec3Parameters() {
    DnssecLint.Report r = lint("nsec3");
    assertThat(finding(r, WarningCode.NSEC3_ITERATIONS).severity()).isEqualTo(DnssecLint.WARNING);
    assertThat(finding(r, WarningCode.NSEC3_SALT).message()).contains("aabbccdd");
    assertThat(r.zones().get(2).denial()).isEqualTo("NSEC3 iterations 10 salt aabbccdd");
    assertThat(codes(r)).doesNotContain(WarningCode.DENIAL_INSECURE, WarningCode.DENIAL_BOGUS);
  }

  @Test
  @DisplayName("RFC 9276: more than 150 iterations is an error; the validator's bogus denial is named as such, once"
      + " per zone, not as a broken zone cut")
  void tooManyIterations() {
    DnssecLint.Report r = lint("many");
    assertThat(finding(r, WarningCode.NSEC3_ITERATIONS).severity()).isEqualTo(DnssecLint.ERROR);
    assertThat(finding(r, WarningCode.NSEC3_ITERATIONS).message()).contains("200 extra iterations");
    assertThat(finding(r, WarningCode.DENIAL_BOGUS).message()).contains("NSEC3 iterations 200");
    assertThat(codes(r)).doesNotContain(WarningCode.DNSSEC_BOGUS).containsOnlyOnce(WarningCode.DENIAL_BOGUS);
  }

  @Test
  @DisplayName("a zone cut whose DNSKEY RRset does not validate is DNSSEC_BOGUS, and the walk stops there")
  void bogusKeys() {
    world.zone("brokenkeys.test.").add("mx.brokenkeys.test. A 127.0.0.1");
    world.fault("brokenkeys.test.", Type.DNSKEY, DnsFault.CORRUPT_RRSIG);
    try {
      DnssecLint.Report r = lint("brokenkeys");
      assertThat(finding(r, WarningCode.DNSSEC_BOGUS).name()).isEqualTo("brokenkeys.test.");
      assertThat(codes(r)).doesNotContain(WarningCode.DENIAL_BOGUS);
    } finally {
      world.clearFaults("brokenkeys.test.");
    }
  }

  @Test
  @DisplayName("RFC 5155 §6: opt-out at the TLSA name's zone is flagged, and the NXDOMAIN it makes insecure too")
  void optOut() {
    DnssecLint.Report r = lint("optout");
    assertThat(codes(r)).contains(WarningCode.NSEC3_OPT_OUT, WarningCode.DENIAL_INSECURE);
    assertThat(finding(r, WarningCode.DENIAL_INSECURE).message()).contains("opt-out");
  }

  @Test
  @DisplayName("internet.nl: a bogus denial of existence at the TLSA name is an error")
  void bogusDenial() {
    DnssecLint.Finding f = finding(lint("bogusdenial"), WarningCode.DENIAL_BOGUS);
    assertThat(f.severity()).isEqualTo(DnssecLint.ERROR);
    assertThat(f.name()).isEqualTo("_25._tcp.mx.bogusdenial.test.");
  }

  @Test
  @DisplayName("a SERVFAIL for the denial at the TLSA name is named as the NSEC3-iterations break")
  void servfailDenial() {
    DnssecLint.Finding f = finding(lint("failing"), WarningCode.DENIAL_FAILED);
    assertThat(f.message()).contains("SERVFAIL").contains("NSEC3");
  }

  @Test
  @DisplayName("signatures that expire within --warn-signature-days are flagged with the time left")
  void expiringSignatures() {
    DnssecLint.Report r = lint("soon");
    DnssecLint.Finding f = finding(r, WarningCode.RRSIG_EXPIRING);
    assertThat(f.message()).contains("in 20 h").contains("soon.test. DNSKEY").contains("TLSA");
    assertThat(f.name()).isEqualTo("soon.test.");
    assertThat(codes(r)).containsOnlyOnce(WarningCode.RRSIG_EXPIRING);
    assertThat(lint("good").findings()).isEmpty();
    DnssecLint.Report wide = DnssecLint.run(resolver, List.of(new DnssecLint.Target(
        Name.fromConstantString("_25._tcp.mx.good.test."), true, null)), Duration.ofSeconds(2), CLOCK.instant(), 31);
    assertThat(codes(wide)).contains(WarningCode.RRSIG_EXPIRING);
  }

  @Test
  @DisplayName("a signed zone without a DS in its signed parent is an island: flagged, and the walk stops there")
  void island() {
    DnssecLint.Report r = lint("island");
    assertThat(finding(r, WarningCode.DNSSEC_NO_DS).name()).isEqualTo("island.test.");
    assertThat(r.zones().get(2).dnssec()).isEqualTo("insecure");
  }

  @Test
  @DisplayName("RFC 7671 §8: a certificate with less time left than the TLSA TTL is flagged; more time is fine")
  void ttlAgainstCertificate() {
    assertThat(codes(lint("good", CLOCK.instant().plusSeconds(120))))
        .containsExactly(WarningCode.TLSA_TTL_EXCEEDS_CERT_LIFETIME);
    assertThat(lint("good", CLOCK.instant().plus(Duration.ofDays(30))).findings()).isEmpty();
  }

  @Test
  @DisplayName("DNS-4: with a resolver that does not validate, the lint says so and judges nothing else")
  void notValidating() {
    try (DaneResolver adTrusting = resolver(true)) {
      DnssecLint.Report r = DnssecLint.run(adTrusting, List.of(new DnssecLint.Target(
          Name.fromConstantString("_25._tcp.mx.old.test."), true, null)), Duration.ofSeconds(2), CLOCK.instant(), 1);
      assertThat(codes(r)).containsExactly(WarningCode.DNSSEC_NOT_VALIDATING);
      assertThat(r.zones()).isEmpty();
    }
  }

  @Test
  @DisplayName("#16: the JSON form has the stable code, message, fix, severity, name and rfc of each finding")
  void json() {
    Map<String, Object> doc = lint("nsec3").json();
    assertThat(doc).containsKeys("signature_warn_days", "zones", "warnings");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> warnings = (List<Map<String, Object>>) doc.get("warnings");
    assertThat(warnings).first().satisfies(w -> assertThat(w).containsOnlyKeys("code", "message", "fix", "severity",
        "name", "rfc").containsEntry("code", "NSEC3_ITERATIONS").containsEntry("rfc", "RFC 9276 §3.1"));
  }

  @Test
  @DisplayName("#16: text never cuts a word: every word of a long finding is whole in the wrapped lines")
  void wrapNeverCutsAWord() {
    String text = "the zone nsec3.test. uses NSEC3 with 10 extra iterations; " + "x".repeat(120) + " end";
    List<String> lines = LintText.wrap(text, 40, "  ", "    ");
    assertThat(String.join(" ", lines).split("\\s+")).containsSubsequence("nsec3.test.", "x".repeat(120), "end");
    assertThat(lines).allMatch(l -> l.length() <= 40 || l.strip().equals("x".repeat(120)));
    assertThat(String.join(" ", lines).replaceAll("\\s+", " ").strip()).isEqualTo(text);
  }
}
