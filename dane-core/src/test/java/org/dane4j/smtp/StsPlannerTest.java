package org.dane4j.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dane4j.sts.MtaSts;
import org.dane4j.sts.StsMode;
import org.dane4j.testkit.CertificateMinter;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.dns.DnsFault;
import org.dane4j.testkit.sts.StsFault;
import org.dane4j.testkit.sts.StsPolicyServer;
import org.dane4j.tlsa.CertUsage;
import org.dane4j.tlsa.DaneCertificateException;
import org.dane4j.tlsa.FailureType;
import org.dane4j.tlsa.MatchingType;
import org.dane4j.tlsa.Selector;
import org.dane4j.tlsa.TlsaRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/**
 * MTA-STS applied per MX host by the planner, DANE first (RFC 8461 §2, §4, §5; checklist POL-3, STS-2), on the
 * signed DNS world and a loopback policy server.
 *
 * <p>example.test MX 10 mx.example.test (TLSA 3 1 1 of {@link #LEAF}), 20 mx2.example.test (no TLSA: secure
 * denial), 30 other.example.test (no TLSA, in no policy pattern), 40 mx.insecure.test (insecure). The policy names
 * mx.example.test, mx2.example.test and mx.insecure.test.
 */
class StsPlannerTest {
  private static final MintedCertificate CA = CertificateMinter.certificate().commonName("POL-3 CA").ca().mint();
  /** A WebPKI-valid certificate for mx.example.test. */
  private static final MintedCertificate LEAF = CertificateMinter.certificate().dnsNames("mx.example.test")
      .issuer(CA).mint();
  private static final String[] PATTERNS = {"mx.example.test", "mx2.example.test", "mx.insecure.test"};

  private Lab lab;
  private StsPolicyServer https;
  private MtaSts sts;

  @BeforeEach
  void setUp() {
    lab = new Lab();
    lab.example.add("example.test. 300 IN MX 10 mx.example.test.",
        "example.test. 300 IN MX 20 mx2.example.test.",
        "example.test. 300 IN MX 30 other.example.test.",
        "example.test. 300 IN MX 40 mx.insecure.test.",
        "mx.example.test. 300 IN A 127.0.0.1",
        "mx2.example.test. 300 IN A 127.0.0.2",
        "other.example.test. 300 IN A 127.0.0.3",
        "_25._tcp.mx.example.test. 300 IN TLSA " + tlsa(LEAF.certificate()));
    lab.insecure.add("mx.insecure.test. 300 IN A 127.0.0.4");
    https = StsPolicyServer.builder("example.test").issuer(CA).address("127.0.0.5")
        .policy(StsPolicyServer.policyText("enforce", 86400, PATTERNS)).start();
    https.publish(lab.example, "v1");
  }

  @AfterEach
  void tearDown() {
    if (sts != null) {
      sts.close();
    }
    https.close();
    lab.close();
  }

  private static String tlsa(X509Certificate c) {
    TlsaRecord r = TlsaRecord.of(c, CertUsage.DANE_EE, Selector.SPKI, MatchingType.SHA2_256);
    return r.toString();
  }

  private MtaSts sts() {
    if (sts == null) {
      sts = MtaSts.builder(lab.resolver()).clock(Lab.CLOCK).policyPort(https.port())
          .extraTrustAnchors(List.of(CA.certificate())).fetchTimeout(Duration.ofSeconds(5)).build();
    }
    return sts;
  }

  private DeliveryPlanner planner(DaneMode mode) {
    return DeliveryPlanner.builder(lab.resolver()).mode(mode).clock(Lab.CLOCK).random(new java.util.Random(1))
        .mtaSts(sts()).build();
  }

  private DeliveryPlan plan(String nextHop) {
    return planner(DaneMode.DANE).plan(nextHop).orTimeout(30, TimeUnit.SECONDS).join();
  }

  private static MxRoute route(DeliveryPlan plan, String mxHost) {
    return plan.routes().stream().filter(r -> r.mxHost().equals(mxHost)).findFirst().orElseThrow();
  }

  @Test
  @DisplayName("POL-3: per MX host — DANE where a secure TLSA RRset is, STS enforce for the others that match")
  void pol3_perHostDaneFirstThenSts() {
    DeliveryPlan plan = plan("example.test");
    MxRoute dane = route(plan, "mx.example.test");
    assertThat(dane.requirement()).isEqualTo(TlsRequirement.DANE);
    assertThat(dane.policyType()).isEqualTo(PolicyType.TLSA);
    assertThat(dane.stsMode()).isEmpty();
    MxRoute secureDenial = route(plan, "mx2.example.test");
    assertThat(secureDenial.requirement()).isEqualTo(TlsRequirement.STS);
    assertThat(secureDenial.requirement().tlsMandatory()).isTrue();
    assertThat(secureDenial.policyType()).isEqualTo(PolicyType.STS);
    assertThat(secureDenial.stsMode()).contains(StsMode.ENFORCE);
    assertThat(secureDenial.reason()).contains("MTA-STS enforce", "mx2.example.test");
    assertThat(secureDenial.addresses()).isNotEmpty();
    MxRoute insecure = route(plan, "mx.insecure.test");
    assertThat(insecure.requirement()).isEqualTo(TlsRequirement.STS);
    assertThat(plan.failure()).isEmpty();
  }

  @Test
  @DisplayName("POL-3: with DANE and a valid STS policy on the same MX, a TLSA mismatch still fails the handshake")
  void pol3_daneMismatchDefersEvenThoughStsWouldPass() throws Exception {
    lab.example.remove("_25._tcp.mx.example.test.", Type.TLSA);
    lab.example.add("_25._tcp.mx.example.test. 300 IN TLSA 3 1 1 " + "ab".repeat(32));
    MxRoute dane = route(plan("example.test"), "mx.example.test");
    assertThat(dane.requirement()).isEqualTo(TlsRequirement.DANE);
    X509Certificate[] webPkiValid = LEAF.chain().toArray(new X509Certificate[0]);
    // the same chain passes the STS check of this MX name ...
    new StsCertificateCheck(sts().webPkiTrustManager(), "mx.example.test").check(webPkiValid, "UNKNOWN");
    // ... but the route is DANE's, and DANE refuses it
    RouteTrustManager tm = dane.trustManager();
    assertThatThrownBy(() -> tm.checkServerTrusted(webPkiValid, "UNKNOWN"))
        .isInstanceOf(DaneCertificateException.class);
    assertThat(tm.authenticated()).isFalse();
    assertThat(tm.stsFailure()).isEmpty();
  }

  @Test
  @DisplayName("POL-3: a TLSA SERVFAIL with a valid STS policy leaves the host unusable, never STS")
  void pol3_tlsaServfailStaysUnusable() {
    lab.world.fault("_25._tcp.mx2.example.test.", Type.TLSA, DnsFault.SERVFAIL);
    DeliveryPlan plan = plan("example.test");
    MxRoute failed = route(plan, "mx2.example.test");
    assertThat(failed.requirement()).isEqualTo(TlsRequirement.UNUSABLE);
    assertThat(failed.reason()).contains("TLSA lookup failed");
    assertThat(failed.stsMode()).isEmpty();
    assertThat(failed.policyType()).isEqualTo(PolicyType.NO_POLICY_FOUND);
  }

  @Test
  @DisplayName("POL-3: a domain whose only MX has a TLSA SERVFAIL defers although its STS policy is valid")
  void pol3_onlyHostTlsaServfailDefers() {
    lab.example.remove("example.test.", Type.MX);
    lab.example.add("example.test. 300 IN MX 20 mx2.example.test.");
    lab.world.fault("_25._tcp.mx2.example.test.", Type.TLSA, DnsFault.SERVFAIL);
    DeliveryPlan plan = plan("example.test");
    assertThat(plan.usableRoutes()).isEmpty();
    assertThat(plan.failure()).hasValueSatisfying(f -> assertThat(f.transientFailure()).isTrue());
  }

  @Test
  @DisplayName("STS-2: under enforce, an MX host that matches no mx pattern is unusable with a clear reason")
  void sts2_patternMismatchUnusable() {
    MxRoute other = route(plan("example.test"), "other.example.test");
    assertThat(other.requirement()).isEqualTo(TlsRequirement.UNUSABLE);
    assertThat(other.failureType()).contains(FailureType.VALIDATION_FAILURE);
    assertThat(other.reason()).contains("other.example.test matches no mx pattern", "RFC 8461 §4.1");
    assertThat(other.stsMode()).contains(StsMode.ENFORCE);
    assertThat(other.addresses()).isEmpty();
  }

  @Test
  @DisplayName("STS-2: a domain whose only MX matches no pattern of its enforce policy defers (transient)")
  void sts2_onlyHostMismatchDefers() {
    lab.example.remove("example.test.", Type.MX);
    lab.example.add("example.test. 300 IN MX 30 other.example.test.");
    DeliveryPlan plan = plan("example.test");
    assertThat(plan.failure()).hasValueSatisfying(f -> {
      assertThat(f.transientFailure()).isTrue();
      assertThat(f.reason()).contains("matches no mx pattern");
    });
  }

  @Test
  @DisplayName("STS-2: testing leaves every requirement as without STS, carries the policy, says what would fail")
  void sts2_testingAsWithout() {
    https.policy(StsPolicyServer.policyText("testing", 86400, PATTERNS));
    DeliveryPlan plan = plan("example.test");
    assertThat(route(plan, "mx.example.test").requirement()).isEqualTo(TlsRequirement.DANE);
    MxRoute secureDenial = route(plan, "mx2.example.test");
    assertThat(secureDenial.requirement()).isEqualTo(TlsRequirement.OPPORTUNISTIC);
    assertThat(secureDenial.policyType()).isEqualTo(PolicyType.STS);
    assertThat(secureDenial.stsMode()).contains(StsMode.TESTING);
    MxRoute other = route(plan, "other.example.test");
    assertThat(other.requirement()).isEqualTo(TlsRequirement.OPPORTUNISTIC);
    assertThat(other.reason()).contains("enforce would refuse this host");
    assertThat(other.trustManager().stsFailure()).isEmpty();
  }

  @Test
  @DisplayName("POL-3: mode none, or no policy at all, plans as without MTA-STS")
  void pol3_noneOrNoPolicyAsToday() {
    https.policy(StsPolicyServer.policyText("none", 86400));
    DeliveryPlan none = plan("example.test");
    assertThat(route(none, "mx2.example.test").requirement()).isEqualTo(TlsRequirement.OPPORTUNISTIC);
    assertThat(route(none, "mx2.example.test").policyType()).isEqualTo(PolicyType.NO_POLICY_FOUND);
    assertThat(route(none, "other.example.test").requirement()).isEqualTo(TlsRequirement.OPPORTUNISTIC);
    lab.example.remove("_mta-sts.example.test.", Type.TXT);
    sts.close();
    sts = null;
    DeliveryPlan noPolicy = plan("example.test");
    assertThat(route(noPolicy, "mx2.example.test").requirement()).isEqualTo(TlsRequirement.OPPORTUNISTIC);
    assertThat(route(noPolicy, "mx2.example.test").stsMode()).isEmpty();
  }

  @Test
  @DisplayName("STS-1/POL-3: an MTA-STS TXT SERVFAIL (nothing cached) does not block DANE hosts; hosts without "
      + "DANE wait (never \"no policy\")")
  void sts1_stsTemporaryFailureDefersHostsWithoutDaneOnly() {
    lab.world.fault("_mta-sts.example.test.", Type.TXT, DnsFault.SERVFAIL);
    DeliveryPlan plan = plan("example.test");
    assertThat(route(plan, "mx.example.test").requirement()).isEqualTo(TlsRequirement.DANE);
    MxRoute secureDenial = route(plan, "mx2.example.test");
    assertThat(secureDenial.requirement()).isEqualTo(TlsRequirement.UNUSABLE);
    assertThat(secureDenial.reason()).contains("MTA-STS", "no cached policy", "unknown");
    assertThat(plan.failure()).isEmpty();
  }

  @Test
  @DisplayName("POL-3: an MTA-STS TXT SERVFAIL with a cached enforce policy: the cache decides (STS route)")
  void pol3_stsTemporaryFailureCachedEnforceApplies() {
    assertThat(route(plan("example.test"), "mx2.example.test").requirement()).isEqualTo(TlsRequirement.STS);
    lab.world.fault("_mta-sts.example.test.", Type.TXT, DnsFault.SERVFAIL);
    MxRoute again = route(plan("example.test"), "mx2.example.test");
    assertThat(again.requirement()).isEqualTo(TlsRequirement.STS);
    assertThat(again.reason()).contains("cached");
  }

  @Test
  @DisplayName("POL-3: a domain whose hosts all have DANE does not wait for a hanging MTA-STS fetch")
  void pol3_allDaneDoesNotWaitForSts() {
    lab.example.remove("example.test.", Type.MX);
    lab.example.add("example.test. 300 IN MX 10 mx.example.test.");
    https.fault(StsFault.NO_RESPONSE);
    DeliveryPlan plan = planner(DaneMode.DANE).plan("example.test").orTimeout(4, TimeUnit.SECONDS).join();
    assertThat(plan.routes()).singleElement().satisfies(r -> assertThat(r.requirement())
        .isEqualTo(TlsRequirement.DANE));
  }

  @Test
  @DisplayName("POL-3: a relay never uses MTA-STS; dane-only keeps hosts without DANE unusable")
  void pol3_relayAndDaneOnly() {
    DeliveryPlan relay = plan("[mx2.example.test]");
    assertThat(relay.routes()).singleElement().satisfies(r -> {
      assertThat(r.requirement()).isEqualTo(TlsRequirement.OPPORTUNISTIC);
      assertThat(r.stsMode()).isEmpty();
    });
    DeliveryPlan daneOnly = planner(DaneMode.DANE_ONLY).plan("example.test").orTimeout(30, TimeUnit.SECONDS).join();
    assertThat(route(daneOnly, "mx2.example.test").requirement()).isEqualTo(TlsRequirement.UNUSABLE);
    assertThat(route(daneOnly, "mx.example.test").requirement()).isEqualTo(TlsRequirement.DANE);
  }

  @Test
  @DisplayName("POL-3: without mtaSts(...) the planner is as before: no STS route")
  void pol3_withoutMtaStsNothingChanges() {
    DeliveryPlan plan = DeliveryPlanner.builder(lab.resolver()).clock(Lab.CLOCK).build().plan("example.test")
        .orTimeout(30, TimeUnit.SECONDS).join();
    assertThat(route(plan, "mx2.example.test").requirement()).isEqualTo(TlsRequirement.OPPORTUNISTIC);
    assertThat(route(plan, "other.example.test").requirement()).isEqualTo(TlsRequirement.OPPORTUNISTIC);
    assertThat(plan.routes()).allSatisfy(r -> assertThat(r.stsMode()).isEmpty());
    assertThat(https.requests()).isEmpty();
  }
}
