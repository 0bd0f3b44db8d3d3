package org.dane4j.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.dane4j.dns.DnssecStatus;
import org.dane4j.testkit.dns.DnsFault;
import java.time.Instant;
import org.dane4j.testkit.CertificateMinter;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.tlsa.CertUsage;
import org.dane4j.tlsa.DaneVerification;
import org.dane4j.tlsa.DaneVerifier;
import org.dane4j.tlsa.FailureType;
import org.dane4j.tlsa.MatchingType;
import org.dane4j.tlsa.Selector;
import org.dane4j.tlsa.TlsaRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/** The RFC 7672 §2 planner against a signed DNS world served on loopback, validated in process. */
class DeliveryPlannerTest {

  @Test
  @DisplayName("MX-1: secure MX, secure host and TLSA: a DANE route")
  void mx1_secureMxGivesDaneRoute() {
    try (Lab lab = new Lab().secureDomain()) {
      DeliveryPlan plan = lab.plan("example.test");
      assertThat(plan.failure()).isEmpty();
      assertThat(plan.mxStatus()).isEqualTo(DnssecStatus.SECURE);
      MxRoute route = plan.routes().get(0);
      assertThat(route.requirement()).isEqualTo(TlsRequirement.DANE);
      assertThat(route.mxSecure()).isTrue();
      assertThat(route.tlsa()).containsExactly(TlsaRecord.parse(Lab.USABLE));
      assertThat(route.trustManager().dane()).isPresent();
    }
  }

  @Test
  @DisplayName("MX-2: insecure MX, secure host: DANE still applies, reported as not MX-secure")
  void mx2_insecureMxStillAppliesDane() {
    try (Lab lab = new Lab().secureDomain()) {
      lab.insecure.add("insecure.test. 300 IN MX 10 mx.example.test.");
      DeliveryPlan plan = lab.plan("insecure.test");
      assertThat(plan.mxStatus()).isEqualTo(DnssecStatus.INSECURE);
      MxRoute route = plan.routes().get(0);
      assertThat(route.requirement()).isEqualTo(TlsRequirement.DANE);
      assertThat(route.mxSecure()).isFalse();
      assertThat(route.referenceNames()).containsExactly("mx.example.test", "insecure.test");
    }
  }

  @Test
  @DisplayName("MX-3: bogus or failed MX lookup defers; null MX fails permanently")
  void mx3_bogusOrFailedMxDefersNullMxFails() {
    try (Lab lab = new Lab().secureDomain()) {
      lab.world.fault("example.test.", Type.MX, DnsFault.CORRUPT_RRSIG);
      DeliveryPlan bogus = lab.plan("example.test");
      assertThat(bogus.routes()).isEmpty();
      assertThat(bogus.failure()).hasValueSatisfying(f -> {
        assertThat(f.transientFailure()).isTrue();
        assertThat(f.type()).isEqualTo(FailureType.DNSSEC_INVALID);
        assertThat(f.reason()).contains("MX lookup failed");
      });
      lab.world.fault("example.test.", Type.MX, DnsFault.SERVFAIL);
      DeliveryPlan servfail = lab.plan("example.test");
      assertThat(servfail.failure()).hasValueSatisfying(f -> {
        assertThat(f.transientFailure()).isTrue();
        assertThat(f.type()).isEqualTo(FailureType.VALIDATION_FAILURE);
      });
      lab.world.clearFaults();
      lab.example.add("null.example.test. 300 IN MX 0 .");
      DeliveryPlan nullMx = lab.plan("null.example.test");
      assertThat(nullMx.failure()).hasValueSatisfying(f -> {
        assertThat(f.transientFailure()).isFalse();
        assertThat(f.reason()).contains("null MX");
      });
      assertThat(lab.server().queryCount("null.example.test.", Type.A)).isZero();
    }
  }

  @Test
  @DisplayName("MX-4: no MX records: the domain itself is the host")
  void mx4_noMxMeansImplicitMx() {
    try (Lab lab = new Lab()) {
      lab.example.add("example.test. 300 IN A 127.0.0.2",
          "_25._tcp.example.test. 300 IN TLSA " + Lab.USABLE);
      DeliveryPlan plan = lab.plan("example.test");
      assertThat(plan.routes()).singleElement().satisfies(r -> {
        assertThat(r.mxHost()).isEqualTo("example.test");
        assertThat(r.preference()).isZero();
        assertThat(r.requirement()).isEqualTo(TlsRequirement.DANE);
        assertThat(r.addresses()).extracting(InetAddress::getHostAddress).containsExactly("127.0.0.2");
      });
      DeliveryPlan nowhere = lab.plan("nowhere.example.test");
      assertThat(nowhere.failure()).hasValueSatisfying(f -> assertThat(f.transientFailure()).isFalse());
    }
  }

  @Test
  @DisplayName("MX-5: preference order kept, equal preferences shuffled")
  void mx5_preferenceOrderAndShuffle() {
    try (Lab lab = new Lab()) {
      lab.example.add("example.test. 300 IN MX 20 c.example.test.",
          "example.test. 300 IN MX 10 a.example.test.", "example.test. 300 IN MX 10 b.example.test.",
          "a.example.test. 300 IN A 127.0.0.1", "b.example.test. 300 IN A 127.0.0.2",
          "c.example.test. 300 IN A 127.0.0.3");
      Set<List<String>> orders = new HashSet<>();
      for (int seed = 0; seed < 20; seed++) {
        DeliveryPlan plan = DeliveryPlanner.builder(lab.resolver()).clock(Lab.CLOCK).random(new Random(seed))
            .build().plan("example.test").join();
        List<String> hosts = plan.routes().stream().map(MxRoute::mxHost).toList();
        assertThat(hosts.get(2)).isEqualTo("c.example.test");
        orders.add(hosts);
      }
      assertThat(orders).containsExactlyInAnyOrder(
          List.of("a.example.test", "b.example.test", "c.example.test"),
          List.of("b.example.test", "a.example.test", "c.example.test"));
    }
  }

  @Test
  @DisplayName("ADDR-1: insecure address records: no TLSA query, opportunistic TLS")
  void addr1_insecureAddressesSkipTlsa() {
    try (Lab lab = new Lab()) {
      lab.example.add("example.test. 300 IN MX 10 mx.insecure.test.");
      lab.insecure.add("mx.insecure.test. 300 IN A 127.0.0.1",
          "_25._tcp.mx.insecure.test. 300 IN TLSA " + Lab.USABLE);
      MxRoute route = lab.plan("example.test").routes().get(0);
      assertThat(route.requirement()).isEqualTo(TlsRequirement.OPPORTUNISTIC);
      assertThat(route.reason()).contains("no TLSA lookup");
      assertThat(lab.server().queryCount("_25._tcp.mx.insecure.test.", Type.TLSA)).isZero();
    }
  }

  @Test
  @DisplayName("ADDR-2: bogus or failed address lookup: that host is skipped, the next is used")
  void addr2_failedAddressSkipsHost() {
    try (Lab lab = new Lab().secureDomain()) {
      lab.example.add("example.test. 300 IN MX 20 mx2.example.test.", "mx2.example.test. 300 IN A 127.0.0.2");
      lab.world.fault("mx.example.test.", Type.A, DnsFault.EXPIRED_RRSIG);
      DeliveryPlan plan = lab.plan("example.test");
      assertThat(plan.failure()).isEmpty();
      assertThat(plan.routes().get(0).requirement()).isEqualTo(TlsRequirement.UNUSABLE);
      assertThat(plan.routes().get(0).failureType()).contains(FailureType.DNSSEC_INVALID);
      assertThat(plan.usableRoutes()).extracting(MxRoute::mxHost).containsExactly("mx2.example.test");
    }
  }

  @Test
  @DisplayName("ADDR-3: routes carry the validated addresses with the host name attached")
  void addr3_validatedAddressesKeepTheHostName() {
    try (Lab lab = new Lab().secureDomain()) {
      lab.example.add("mx.example.test. 300 IN AAAA ::1");
      MxRoute route = lab.plan("example.test").routes().get(0);
      assertThat(route.addresses()).extracting(InetAddress::getHostAddress)
          .containsExactlyInAnyOrder("127.0.0.1", "0:0:0:0:0:0:0:1");
      assertThat(route.addresses()).allSatisfy(a -> assertThat(a.getHostName()).isEqualTo("mx.example.test"));
    }
  }

  @Test
  @DisplayName("TLSA-1: a CNAME at the TLSA owner is followed; every link must be secure")
  void tlsa1_cnameAtTlsaOwner() {
    try (Lab lab = new Lab()) {
      lab.example.add("example.test. 300 IN MX 10 mx.example.test.", "mx.example.test. 300 IN A 127.0.0.1",
          "_25._tcp.mx.example.test. 300 IN CNAME tlsa.example.test.",
          "tlsa.example.test. 300 IN TLSA " + Lab.USABLE);
      assertThat(lab.plan("example.test").routes().get(0).requirement()).isEqualTo(TlsRequirement.DANE);

      lab.example.remove("_25._tcp.mx.example.test.");
      lab.example.add("_25._tcp.mx.example.test. 300 IN CNAME tlsa.insecure.test.");
      lab.insecure.add("tlsa.insecure.test. 300 IN TLSA " + Lab.USABLE);
      assertThat(lab.plan("example.test").routes().get(0).requirement())
          .isEqualTo(TlsRequirement.OPPORTUNISTIC);
    }
  }

  @Test
  @DisplayName("TLSA-2: the expanded name is tried first, the original only after a secure denial")
  void tlsa2_expandedNameFirst() {
    try (Lab lab = new Lab()) {
      lab.example.add("example.test. 300 IN MX 10 mx.example.test.",
          "mx.example.test. 300 IN CNAME real.example.test.", "real.example.test. 300 IN A 127.0.0.1",
          "_25._tcp.real.example.test. 300 IN TLSA " + Lab.USABLE,
          "_25._tcp.mx.example.test. 300 IN TLSA " + Lab.USABLE_TA);
      MxRoute route = lab.plan("example.test").routes().get(0);
      assertThat(route.tlsaBaseDomain()).isEqualTo("real.example.test");
      assertThat(route.host()).isEqualTo("real.example.test");
      assertThat(route.tlsa()).containsExactly(TlsaRecord.parse(Lab.USABLE));
      assertThat(route.referenceNames()).containsExactly("real.example.test", "mx.example.test", "example.test");

      lab.example.remove("_25._tcp.real.example.test.");
      MxRoute fallback = lab.plan("example.test").routes().get(0);
      assertThat(fallback.tlsaBaseDomain()).isEqualTo("mx.example.test");
      assertThat(fallback.tlsa()).containsExactly(TlsaRecord.parse(Lab.USABLE_TA));
    }
  }

  @Test
  @DisplayName("TLSA-2: a lookup error at the expanded name ends it; the original is not tried")
  void tlsa2_errorAtExpandedNameEndsIt() {
    try (Lab lab = new Lab()) {
      lab.example.add("example.test. 300 IN MX 10 mx.example.test.",
          "mx.example.test. 300 IN CNAME real.example.test.", "real.example.test. 300 IN A 127.0.0.1",
          "_25._tcp.mx.example.test. 300 IN TLSA " + Lab.USABLE);
      lab.world.fault("_25._tcp.real.example.test.", Type.TLSA, DnsFault.SERVFAIL);
      MxRoute route = lab.plan("example.test").routes().get(0);
      assertThat(route.requirement()).isEqualTo(TlsRequirement.UNUSABLE);
      assertThat(lab.server().queryCount("_25._tcp.mx.example.test.", Type.TLSA)).isZero();
    }
  }

  @Test
  @DisplayName("TLSA-2: expansion insecure part-way but own CNAME secure: the original name only")
  void tlsa2_insecureExpansionUsesOriginalName() {
    try (Lab lab = new Lab()) {
      lab.example.add("example.test. 300 IN MX 10 mx.example.test.",
          "mx.example.test. 300 IN CNAME host.insecure.test.",
          "_25._tcp.mx.example.test. 300 IN TLSA " + Lab.USABLE);
      lab.insecure.add("host.insecure.test. 300 IN A 127.0.0.1",
          "_25._tcp.host.insecure.test. 300 IN TLSA " + Lab.USABLE_TA);
      MxRoute route = lab.plan("example.test").routes().get(0);
      assertThat(route.requirement()).isEqualTo(TlsRequirement.DANE);
      assertThat(route.tlsaBaseDomain()).isEqualTo("mx.example.test");
      assertThat(lab.server().queryCount("_25._tcp.host.insecure.test.", Type.TLSA)).isZero();
    }
  }

  @Test
  @DisplayName("TA-3: a secure CNAME into an unsigned zone: the insecure target is neither host nor reference name")
  void ta3_insecureExpansionIsNeverAReferenceName() {
    MintedCertificate ca = CertificateMinter.certificate().commonName("Public CA").ca().mint();
    MintedCertificate evil = CertificateMinter.certificate().dnsNames("evil.insecure.test").issuer(ca).mint();
    TlsaRecord pin = TlsaRecord.of(ca.certificate(), CertUsage.DANE_TA, Selector.SPKI, MatchingType.SHA2_256);
    try (Lab lab = new Lab()) {
      // The attacker spoofs the unsigned zone: the secure CNAME now leads to a name of their choice.
      lab.example.add("example.test. 300 IN MX 10 mx.example.test.",
          "mx.example.test. 300 IN CNAME evil.insecure.test.",
          "_25._tcp.mx.example.test. 300 IN TLSA " + pin);
      lab.insecure.add("evil.insecure.test. 300 IN A 127.0.0.1");
      MxRoute route = lab.plan("example.test").routes().get(0);
      assertThat(route.requirement()).isEqualTo(TlsRequirement.DANE);
      assertThat(route.host()).isEqualTo("mx.example.test");
      assertThat(route.referenceNames()).containsExactly("mx.example.test", "example.test");
      DaneVerification v = DaneVerifier.defaults().verify(evil.chainWithRoot(), route.tlsa(), route.referenceNames(),
          Instant.now());
      assertThat(v.verified()).isFalse();
      assertThat(v.failureType()).contains(FailureType.CERTIFICATE_HOST_MISMATCH);
    }
  }

  @Test
  @DisplayName("TLSA-3: secure usable -> DANE, all unusable -> ENCRYPT, denial -> OPPORTUNISTIC, failure -> UNUSABLE")
  void tlsa3_requirementFromTlsaStatus() {
    try (Lab lab = new Lab().secureDomain()) {
      assertThat(requirement(lab)).isEqualTo(TlsRequirement.DANE);
      lab.example.remove("_25._tcp.mx.example.test.");
      lab.example.add("_25._tcp.mx.example.test. 300 IN TLSA " + Lab.UNUSABLE);
      assertThat(requirement(lab)).isEqualTo(TlsRequirement.ENCRYPT);
      lab.example.remove("_25._tcp.mx.example.test.");
      assertThat(requirement(lab)).isEqualTo(TlsRequirement.OPPORTUNISTIC); // NXDOMAIN
      lab.example.add("_25._tcp.mx.example.test. 300 IN TXT \"not a TLSA\"");
      assertThat(requirement(lab)).isEqualTo(TlsRequirement.OPPORTUNISTIC); // NODATA
      for (DnsFault fault : List.of(DnsFault.SERVFAIL, DnsFault.CORRUPT_RRSIG, DnsFault.MISSING_RRSIG,
          DnsFault.TIMEOUT)) {
        lab.world.fault("_25._tcp.mx.example.test.", Type.TLSA, fault);
        assertThat(requirement(lab)).as("%s", fault).isEqualTo(TlsRequirement.UNUSABLE);
      }
    }
  }

  @Test
  @DisplayName("TLSA-4 / USE-5: the base domain is the SNI and first reference name; all-unusable stays TLS-mandatory")
  void tlsa4_baseDomainIsSniAndFirstReferenceName() {
    try (Lab lab = new Lab().secureDomain()) {
      MxRoute route = lab.plan("example.test").routes().get(0);
      assertThat(route.tlsaBaseDomain()).isEqualTo("mx.example.test");
      assertThat(route.referenceNames().get(0)).isEqualTo(route.tlsaBaseDomain());
      assertThat(route.trustManager().dane().orElseThrow().referenceNames())
          .isEqualTo(route.referenceNames());
      lab.example.remove("_25._tcp.mx.example.test.");
      lab.example.add("_25._tcp.mx.example.test. 300 IN TLSA " + Lab.UNUSABLE);
      MxRoute encrypt = lab.plan("example.test").routes().get(0);
      assertThat(encrypt.requirement().tlsMandatory()).isTrue();
      assertThat(encrypt.trustManager().dane()).isEmpty(); // TLS mandatory, unauthenticated
    }
  }

  @Test
  @DisplayName("POL-1: modes dane-only, encrypt and may")
  void pol1_modes() {
    try (Lab lab = new Lab()) {
      lab.example.add("example.test. 300 IN MX 10 mx.example.test.", "mx.example.test. 300 IN A 127.0.0.1");
      DeliveryPlan daneOnly = lab.plan("example.test", DaneMode.DANE_ONLY);
      assertThat(daneOnly.routes().get(0).failureType()).contains(FailureType.DANE_REQUIRED);
      assertThat(daneOnly.failure()).hasValueSatisfying(f -> assertThat(f.transientFailure()).isTrue());
      lab.server().resetCounters();
      assertThat(lab.plan("example.test", DaneMode.ENCRYPT).routes().get(0).requirement())
          .isEqualTo(TlsRequirement.ENCRYPT);
      assertThat(lab.plan("example.test", DaneMode.MAY).routes().get(0).requirement())
          .isEqualTo(TlsRequirement.OPPORTUNISTIC);
      assertThat(lab.server().queryCount("_25._tcp.mx.example.test.", Type.TLSA)).isZero();
      assertThat(DaneMode.parse("Dane-Only")).isEqualTo(DaneMode.DANE_ONLY);
      assertThatThrownBy(() -> DaneMode.parse("off")).hasMessageContaining("use dane, dane-only, encrypt or may");
    }
  }

  @Test
  @DisplayName("POL-2: a relay by name: no MX lookup, its own name is the TLSA base domain")
  void pol2_relayByName() {
    try (Lab lab = new Lab().secureDomain()) {
      lab.example.add("_587._tcp.mx.example.test. 300 IN TLSA " + Lab.USABLE);
      DeliveryPlan plan = lab.plan("[mx.example.test]:587");
      assertThat(plan.destination().relay()).isTrue();
      assertThat(plan.routes()).singleElement().satisfies(r -> {
        assertThat(r.port()).isEqualTo(587);
        assertThat(r.requirement()).isEqualTo(TlsRequirement.DANE);
        assertThat(r.tlsaBaseDomain()).isEqualTo("mx.example.test");
      });
      assertThat(lab.server().queryCount("mx.example.test.", Type.MX)).isZero();
    }
  }

  @Test
  void badNamesAreRefusedWithClearErrors() {
    assertThatThrownBy(() -> Destination.domain("")).hasMessageContaining("empty");
    assertThatThrownBy(() -> Destination.domain("192.0.2.1")).hasMessageContaining("IP literal");
    assertThatThrownBy(() -> Destination.parse("[192.0.2.1]:25")).hasMessageContaining("IP literal");
    assertThatThrownBy(() -> Destination.domain("a".repeat(64) + ".test")).hasMessageContaining("63 octets");
    assertThatThrownBy(() -> Destination.domain("bad_name.test")).hasMessageContaining("not a host name");
    assertThatThrownBy(() -> Destination.relay("mx.test", 0)).hasMessageContaining("port");
    assertThat(Destination.parse("[Relay.Example.COM.]:587")).isEqualTo(Destination.relay("relay.example.com", 587));
  }

  @Test
  void nonHostnameMxTargetIsUnusable() {
    try (Lab lab = new Lab().secureDomain()) {
      lab.example.add("example.test. 300 IN MX 5 bad_host.example.test.");
      DeliveryPlan plan = lab.plan("example.test");
      assertThat(plan.routes().get(0).requirement()).isEqualTo(TlsRequirement.UNUSABLE);
      assertThat(plan.routes().get(0).reason()).contains("not a host name");
      assertThat(plan.usableRoutes()).extracting(MxRoute::mxHost).containsExactly("mx.example.test");
    }
  }

  @Test
  void concurrentPlansForOneDomainSendEachDistinctQueryOnce() {
    try (Lab lab = new Lab().secureDomain()) {
      org.dane4j.dns.DaneResolver cached = org.dane4j.dns.DaneResolver.builder().servers(lab.server().address())
          .trustAnchors(lab.world.trustAnchor()).clock(Lab.CLOCK).build();
      try (cached) {
        DeliveryPlanner planner = DeliveryPlanner.builder(cached).clock(Lab.CLOCK).build();
        lab.server().resetCounters();
        List<java.util.concurrent.CompletableFuture<DeliveryPlan>> plans = java.util.stream.IntStream.range(0, 1000)
            .mapToObj(i -> planner.plan("example.test")).toList();
        plans.forEach(p -> assertThat(p.join().routes().get(0).requirement()).isEqualTo(TlsRequirement.DANE));
        for (var q : List.of(List.of("example.test.", Type.MX), List.of("mx.example.test.", Type.A),
            List.of("mx.example.test.", Type.AAAA), List.of("_25._tcp.mx.example.test.", Type.TLSA))) {
          assertThat(lab.server().queryCount((String) q.get(0), (Integer) q.get(1))).as("%s", q).isEqualTo(1);
        }
      }
    }
  }

  private static TlsRequirement requirement(Lab lab) {
    return lab.plan("example.test").routes().get(0).requirement();
  }
}
