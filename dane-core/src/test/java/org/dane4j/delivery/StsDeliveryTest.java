package org.dane4j.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dane4j.delivery.ScriptedSession.transaction;

import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.dane4j.dns.DaneResolver;
import org.dane4j.smtp.DaneMode;
import org.dane4j.smtp.DeliveryAttempt;
import org.dane4j.smtp.DeliveryPlanner;
import org.dane4j.smtp.Envelope;
import org.dane4j.smtp.PolicyType;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.smtp.RecipientResult.Status;
import org.dane4j.smtp.RouteTrustManager;
import org.dane4j.smtp.TlsRequirement;
import org.dane4j.smtp.TlsVerdict;
import org.dane4j.sts.MtaSts;
import org.dane4j.sts.StsMode;
import org.dane4j.testkit.CertificateMinter;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.dns.DnsTestServer;
import org.dane4j.testkit.dns.DnsWorld;
import org.dane4j.testkit.dns.DnsZone;
import org.dane4j.testkit.sts.StsPolicyServer;
import org.dane4j.tlsa.FailureType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The engine over a planner with MTA-STS (checklist POL-3, STS-2): each scripted server presents a chain to the
 * route's own trust manager, as an adapter's TLS stack would, so planner, trust manager and report are the real
 * ones.
 *
 * <p>dane.example.test: MX mx.dane.example.test (127.0.0.1) with a TLSA record that matches nothing, and an
 * enforce policy naming it. sts.example.test: MX mx.sts.example.test (127.0.0.2, 127.0.0.3) without TLSA and an
 * enforce policy naming it.
 */
class StsDeliveryTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-06-01T12:00:00Z"), ZoneOffset.UTC);
  private static final byte[] MESSAGE = "Subject: t\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final MintedCertificate CA = CertificateMinter.certificate().commonName("engine STS CA").ca().mint();
  private static DnsTestServer server;
  private static DaneResolver resolver;
  private static StsPolicyServer danePolicy;
  private static StsPolicyServer stsPolicy;
  private static StsPolicyServer testingPolicy;
  private static MtaSts sts;

  @BeforeAll
  static void world() {
    DnsWorld world = DnsWorld.create(CLOCK);
    world.zone("test.");
    DnsZone example = world.zone("example.test.");
    example.add("dane.example.test. 300 IN MX 10 mx.dane.example.test.",
        "mx.dane.example.test. 300 IN A 127.0.0.1",
        "_25._tcp.mx.dane.example.test. 300 IN TLSA 3 1 1 " + "ab".repeat(32),
        "sts.example.test. 300 IN MX 10 mx.sts.example.test.",
        "mx.sts.example.test. 300 IN A 127.0.0.2", "mx.sts.example.test. 300 IN A 127.0.0.3",
        "testing.example.test. 300 IN MX 10 mx.testing.example.test.",
        "mx.testing.example.test. 300 IN A 127.0.0.4");
    danePolicy = StsPolicyServer.builder("dane.example.test").issuer(CA).address("127.0.0.5")
        .policy(StsPolicyServer.policyText("enforce", 86400, "mx.dane.example.test")).start();
    danePolicy.publish(example, "d1");
    stsPolicy = StsPolicyServer.builder("sts.example.test").issuer(CA).address("127.0.0.5")
        .policy(StsPolicyServer.policyText("enforce", 86400, "mx.sts.example.test")).start();
    stsPolicy.publish(example, "s1");
    testingPolicy = StsPolicyServer.builder("testing.example.test").issuer(CA).address("127.0.0.5")
        .policy(StsPolicyServer.policyText("testing", 86400, "mx.testing.example.test")).start();
    testingPolicy.publish(example, "t1");
    server = world.start();
    resolver = DaneResolver.builder().servers(server.address()).trustAnchors(world.trustAnchor()).clock(CLOCK)
        .timeout(Duration.ofSeconds(3)).retries(1).build();
  }

  @AfterAll
  static void stop() {
    if (sts != null) {
      sts.close();
    }
    resolver.close();
    server.close();
    danePolicy.close();
    stsPolicy.close();
    testingPolicy.close();
  }

  private static RecipientResult send(ScriptedSession session, String recipient, StsPolicyServer policyServer) {
    if (sts != null) {
      sts.close();
    }
    sts = MtaSts.builder(resolver).clock(CLOCK).policyPort(policyServer.port())
        .extraTrustAnchors(List.of(CA.certificate())).fetchTimeout(Duration.ofSeconds(5)).build();
    DeliveryPlanner planner = DeliveryPlanner.builder(resolver).mode(DaneMode.DANE).clock(CLOCK)
        .random(new Random(1)).mtaSts(sts).build();
    return DeliveryEngine.builder(planner, session).build()
        .send(Envelope.of("me@client.test", List.of(recipient)), MESSAGE).join().of(recipient);
  }

  private static X509Certificate[] chainFor(String name) {
    return CertificateMinter.certificate().dnsNames(name).issuer(CA).mint().chain().toArray(new X509Certificate[0]);
  }

  /** A server presenting {@code chain}: the route's trust manager decides, as inside a real handshake. */
  private static Function<SessionRequest, SessionResult> presenting(X509Certificate[] chain) {
    return req -> {
      RouteTrustManager tm = req.route().tlsRecipe().trustManager();
      try {
        tm.checkServerTrusted(chain, "UNKNOWN");
      } catch (CertificateException e) {
        SessionResult.Builder b = SessionResult.builder().connected().phase(SessionPhase.TLS_HANDSHAKE);
        tm.verification().ifPresent(b::verification);
        // as an adapter does: the trust manager's STS failure goes into the result, the engine types the attempt
        return b.stsFailure(tm.stsFailure().orElse(null)).failure(null, e.getMessage()).build();
      }
      SessionResult done = transaction(tm.authenticated(), x -> 250, 250).apply(req);
      if (tm.stsFailure().isEmpty()) {
        return done;
      }
      SessionResult.Builder b = SessionResult.builder().connected().phase(SessionPhase.COMPLETE)
          .tls("TLSv1.3", "TLS_AES_128_GCM_SHA256", tm.authenticated()).stsFailure(tm.stsFailure().get())
          .mailReply(done.mailReply().orElseThrow()).dataReply(done.dataReply().orElseThrow());
      done.rcptReplies().forEach(b::rcptReply);
      return b.build();
    };
  }

  @Test
  @DisplayName("POL-3: DANE and a valid STS policy on the same MX: a TLSA mismatch defers though STS would pass")
  void pol3_daneMismatchDefersDespiteValidSts() {
    ScriptedSession s = new ScriptedSession().at("127.0.0.1", presenting(chainFor("mx.dane.example.test")));
    RecipientResult r = send(s, "a@dane.example.test", danePolicy);
    assertThat(r.status()).isEqualTo(Status.DEFERRED);
    DeliveryAttempt a = r.attempts().get(0);
    assertThat(a.route().requirement()).isEqualTo(TlsRequirement.DANE);
    assertThat(a.route().policyType()).isEqualTo(PolicyType.TLSA);
    assertThat(a.verdict()).isEqualTo(TlsVerdict.FAILED);
    assertThat(a.daneVerification()).hasValueSatisfying(v -> assertThat(v.verified()).isFalse());
    assertThat(s.addressesTried()).containsExactly("127.0.0.1");
  }

  @Test
  @DisplayName("STS-2: a host without DANE under enforce with a WebPKI-valid certificate for its MX name: verified")
  void sts2_enforceDeliversWithValidCertificate() {
    X509Certificate[] valid = chainFor("mx.sts.example.test");
    ScriptedSession s = new ScriptedSession().at("127.0.0.2", presenting(valid)).at("127.0.0.3", presenting(valid));
    RecipientResult r = send(s, "b@sts.example.test", stsPolicy);
    assertThat(r.status()).isEqualTo(Status.DELIVERED);
    DeliveryAttempt ok = r.lastAttempt().orElseThrow();
    assertThat(ok.route().requirement()).isEqualTo(TlsRequirement.STS);
    assertThat(ok.verdict()).isEqualTo(TlsVerdict.VERIFIED);
    assertThat(ok.route().policyType()).isEqualTo(PolicyType.STS);
    assertThat(ok.route().stsMode()).contains(StsMode.ENFORCE);
    assertThat(s.requests).allSatisfy(q -> assertThat(q.startTls()).isTrue());
  }

  @Test
  @DisplayName("STS-2: under enforce a certificate for another name fails with certificate-host-mismatch; no cleartext")
  void sts2_enforceWrongNameDefers() {
    X509Certificate[] wrong = chainFor("elsewhere.example.test");
    ScriptedSession s = new ScriptedSession().at("127.0.0.2", presenting(wrong)).at("127.0.0.3", presenting(wrong));
    RecipientResult r = send(s, "d@sts.example.test", stsPolicy);
    assertThat(r.status()).isEqualTo(Status.DEFERRED);
    assertThat(s.addressesTried()).containsExactlyInAnyOrder("127.0.0.2", "127.0.0.3");
    assertThat(r.attempts()).extracting(DeliveryAttempt::failureType)
        .containsOnly(FailureType.CERTIFICATE_HOST_MISMATCH);
  }

  @Test
  @DisplayName("STS-2: under enforce an untrusted certificate at every address defers; no cleartext retry")
  void sts2_enforceUntrustedDefers() {
    MintedCertificate rogue = CertificateMinter.certificate().commonName("rogue CA").ca().mint();
    X509Certificate[] untrusted = CertificateMinter.certificate().dnsNames("mx.sts.example.test").issuer(rogue)
        .mint().chain().toArray(new X509Certificate[0]);
    ScriptedSession s = new ScriptedSession().at("127.0.0.2", presenting(untrusted))
        .at("127.0.0.3", presenting(untrusted));
    RecipientResult r = send(s, "c@sts.example.test", stsPolicy);
    assertThat(r.status()).isEqualTo(Status.DEFERRED);
    assertThat(s.addressesTried()).containsExactlyInAnyOrder("127.0.0.2", "127.0.0.3");
    assertThat(r.attempts()).extracting(DeliveryAttempt::failureType)
        .containsOnly(FailureType.CERTIFICATE_NOT_TRUSTED);
    assertThat(r.reportedFailureType()).contains(FailureType.CERTIFICATE_NOT_TRUSTED);
  }

  @Test
  @DisplayName("STS-2: under enforce a server without STARTTLS is a temporary failure; no cleartext session")
  void sts2_enforceNoStartTlsDefers() {
    ScriptedSession s = new ScriptedSession().at("127.0.0.2", r -> ScriptedSession.noStartTls())
        .at("127.0.0.3", r -> ScriptedSession.noStartTls());
    RecipientResult r = send(s, "e@sts.example.test", stsPolicy);
    assertThat(r.status()).isEqualTo(Status.DEFERRED);
    assertThat(r.reportedFailureType()).contains(FailureType.STARTTLS_NOT_SUPPORTED);
    assertThat(s.requests).allSatisfy(q -> assertThat(q.tlsMandatory()).isTrue())
        .allSatisfy(q -> assertThat(q.startTls()).isTrue());
  }

  @Test
  @DisplayName("STS-2: under testing an untrusted certificate is delivered to as without STS, the attempt says "
      + "what enforce would have refused")
  void sts2_testingDeliversAndReports() {
    MintedCertificate rogue = CertificateMinter.certificate().commonName("rogue CA").ca().mint();
    X509Certificate[] untrusted = CertificateMinter.certificate().dnsNames("mx.testing.example.test").issuer(rogue)
        .mint().chain().toArray(new X509Certificate[0]);
    ScriptedSession s = new ScriptedSession().at("127.0.0.4", presenting(untrusted));
    RecipientResult r = send(s, "f@testing.example.test", testingPolicy);
    assertThat(r.status()).isEqualTo(Status.DELIVERED);
    DeliveryAttempt a = r.lastAttempt().orElseThrow();
    assertThat(a.route().requirement()).isEqualTo(TlsRequirement.OPPORTUNISTIC);
    assertThat(a.route().stsMode()).contains(StsMode.TESTING);
    assertThat(a.route().policyType()).isEqualTo(PolicyType.STS);
    assertThat(a.verdict()).isEqualTo(TlsVerdict.OPPORTUNISTIC);
    assertThat(a.detail()).contains("MTA-STS testing: enforce would have refused", "certificate-not-trusted");
  }

  @Test
  @DisplayName("TLS-2: on a DANE or STS route MAIL is refused over a TLS session its trust manager did not "
      + "authenticate (e.g. one resumed without the check); an opportunistic route is not affected")
  void tls2_noMailOverAnUnauthenticatedSessionOnAnAuthenticatedRoute() throws Exception {
    try (MtaSts policies = MtaSts.builder(resolver).clock(CLOCK).policyPort(stsPolicy.port())
        .extraTrustAnchors(List.of(CA.certificate())).fetchTimeout(Duration.ofSeconds(5)).build()) {
      DeliveryPlanner planner = DeliveryPlanner.builder(resolver).mode(DaneMode.DANE).clock(CLOCK)
          .random(new Random(1)).mtaSts(policies).build();
      for (String domain : List.of("dane.example.test", "sts.example.test", "testing.example.test")) {
        org.dane4j.smtp.MxRoute route = planner.plan(domain).join().routes().get(0);
        SessionRequest request = new SessionRequest(route, route.addresses().get(0), "me@client.test",
            List.of("a@" + domain), MESSAGE, true, false);
        if (route.requirement().authenticationMandatory()) {
          assertThat(request.mailRefusal(false, false)).as(domain).get().asString()
              .contains("not authenticated", "no MAIL sent");
          assertThat(request.mailRefusal(true, false)).as(domain).isEmpty();
        } else {
          assertThat(request.mailRefusal(false, false)).as(domain).isEmpty();
        }
      }
      assertThat(planner.plan("dane.example.test").join().routes().get(0).requirement())
          .isEqualTo(TlsRequirement.DANE);
    }
  }
}
