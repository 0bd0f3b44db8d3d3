package org.dane4j.delivery;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.dane4j.smtp.RequireTls;
import org.dane4j.smtp.RouteTrustManager;
import org.dane4j.smtp.TlsRequirement;
import org.dane4j.sts.MtaSts;
import org.dane4j.testkit.CertificateMinter;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.dns.DnsTestServer;
import org.dane4j.testkit.dns.DnsWorld;
import org.dane4j.testkit.dns.DnsZone;
import org.dane4j.testkit.sts.StsPolicyServer;
import org.dane4j.tlsa.FailureType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * REQUIRETLS and {@code TLS-Required: No} in the engine over a planner with MTA-STS (checklist RTLS-1, RTLS-2):
 * the scripted servers present chains to the routes' own trust managers and ask the request's
 * {@link SessionRequest#mailRefusal} before MAIL, as the adapters do.
 *
 * <p>sts.example.test: MX mx.sts.example.test (127.0.0.2) without TLSA, MTA-STS enforce naming it.
 * testing.example.test: MX mx.testing.example.test (127.0.0.4), MTA-STS testing. two.example.test: MX 10
 * mx1.two.example.test (127.0.0.6, no STS, no TLSA: opportunistic) and MX 20 mx.sts.example.test.
 */
class RequireTlsDeliveryTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-06-01T12:00:00Z"), ZoneOffset.UTC);
  private static final byte[] MESSAGE = "Subject: t\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final MintedCertificate CA = CertificateMinter.certificate().commonName("rtls STS CA").ca().mint();
  private static DnsTestServer server;
  private static DaneResolver resolver;
  private static StsPolicyServer stsPolicy;
  private static StsPolicyServer testingPolicy;
  private MtaSts sts;

  @BeforeAll
  static void world() {
    DnsWorld world = DnsWorld.create(CLOCK);
    world.zone("test.");
    DnsZone example = world.zone("example.test.");
    example.add("sts.example.test. 300 IN MX 10 mx.sts.example.test.",
        "mx.sts.example.test. 300 IN A 127.0.0.2",
        "testing.example.test. 300 IN MX 10 mx.testing.example.test.",
        "mx.testing.example.test. 300 IN A 127.0.0.4");
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
    resolver.close();
    server.close();
    stsPolicy.close();
    testingPolicy.close();
  }

  @AfterEach
  void closeSts() {
    if (sts != null) {
      sts.close();
    }
  }

  private RecipientResult send(ScriptedSession session, String recipient, StsPolicyServer policyServer,
      RequireTls requireTls, byte[] message) {
    sts = MtaSts.builder(resolver).clock(CLOCK).policyPort(policyServer.port())
        .extraTrustAnchors(List.of(CA.certificate())).fetchTimeout(Duration.ofSeconds(5)).build();
    DeliveryPlanner planner = DeliveryPlanner.builder(resolver).mode(DaneMode.DANE).clock(CLOCK)
        .random(new Random(1)).mtaSts(sts).build();
    return DeliveryEngine.builder(planner, session).build()
        .send(Envelope.of("me@client.test", List.of(recipient)).withRequireTls(requireTls), message).join()
        .of(recipient);
  }

  private static X509Certificate[] chainFor(String name, MintedCertificate issuer) {
    return CertificateMinter.certificate().dnsNames(name).issuer(issuer).mint().chain()
        .toArray(new X509Certificate[0]);
  }

  /**
   * A server presenting {@code chain} to the route's trust manager, offering REQUIRETLS after STARTTLS or not;
   * before MAIL it asks the request, as the adapters do, and sends nothing when refused.
   */
  private static Function<SessionRequest, SessionResult> server(X509Certificate[] chain, boolean offersRequireTls) {
    return req -> {
      RouteTrustManager tm = req.route().tlsRecipe().trustManager();
      try {
        tm.checkServerTrusted(chain, "UNKNOWN");
      } catch (CertificateException e) {
        return SessionResult.builder().connected().phase(SessionPhase.TLS_HANDSHAKE)
            .stsFailure(tm.stsFailure().orElse(null)).failure(null, e.getMessage()).build();
      }
      SessionResult.Builder b = SessionResult.builder().connected()
          .tls("TLSv1.3", "TLS_AES_128_GCM_SHA256", tm.authenticated());
      if (offersRequireTls) {
        b.requireTlsOffered();
      }
      var refusal = req.mailRefusal(tm.authenticated(), offersRequireTls);
      if (refusal.isPresent()) {
        return b.phase(SessionPhase.MAIL).failure(null, refusal.get()).build();
      }
      b.phase(SessionPhase.RCPT).mailReply(new SmtpReply(250, "ok " + req.mailParameters(offersRequireTls)));
      req.recipients().forEach(r -> b.rcptReply(r, new SmtpReply(250, "ok")));
      return b.phase(SessionPhase.COMPLETE).dataReply(new SmtpReply(250, "queued")).build();
    };
  }

  @Test
  @DisplayName("RTLS-1: an MTA-STS enforce route, verified, REQUIRETLS offered: delivered with the parameter")
  void rtls1_stsEnforceVerifiedQualifies() {
    ScriptedSession s = new ScriptedSession().at("127.0.0.2", server(chainFor("mx.sts.example.test", CA), true));
    RecipientResult r = send(s, "a@sts.example.test", stsPolicy, RequireTls.REQUIRETLS, MESSAGE);
    assertThat(r.status()).as("%s", r).isEqualTo(Status.DELIVERED);
    DeliveryAttempt a = r.lastAttempt().orElseThrow();
    assertThat(a.route().requirement()).isEqualTo(TlsRequirement.STS);
    assertThat(a.requireTls()).isTrue();
    assertThat(s.requests).singleElement()
        .satisfies(q -> assertThat(q.requireTls()).isEqualTo(SessionRequest.MailRequireTls.ENFORCE));
  }

  @Test
  @DisplayName("RTLS-1: an MTA-STS testing route does not qualify: 5.7.30 without any session")
  void rtls1_stsTestingDoesNotQualify() {
    ScriptedSession s = new ScriptedSession()
        .at("127.0.0.4", server(chainFor("mx.testing.example.test", CA), true));
    RecipientResult r = send(s, "b@testing.example.test", testingPolicy, RequireTls.REQUIRETLS, MESSAGE);
    assertThat(r.status()).as("%s", r).isEqualTo(Status.FAILED);
    assertThat(r.reason()).contains("5.7.30", "MTA-STS TESTING is not enough");
    assertThat(r.attempts()).singleElement().satisfies(a -> {
      assertThat(a.address()).isNull();
      assertThat(a.route().policyType()).isEqualTo(PolicyType.STS);
    });
    assertThat(s.requests).isEmpty();
  }

  @Test
  @DisplayName("RTLS-1: STS enforce verified but REQUIRETLS not offered: 5.7.30, MAIL never sent")
  void rtls1_stsEnforceNotOfferedFails() {
    ScriptedSession s = new ScriptedSession().at("127.0.0.2", server(chainFor("mx.sts.example.test", CA), false));
    RecipientResult r = send(s, "c@sts.example.test", stsPolicy, RequireTls.REQUIRETLS, MESSAGE);
    assertThat(r.status()).as("%s", r).isEqualTo(Status.FAILED);
    assertThat(r.reason()).contains("5.7.30", "did not offer REQUIRETLS");
    assertThat(r.attempts()).allSatisfy(a -> assertThat(a.failed()).isTrue());
  }

  @Test
  @DisplayName("RTLS-1: a failed STS verification under REQUIRETLS is a temporary failure, not 5.7.30")
  void rtls1_verificationFailureDefers() {
    MintedCertificate rogue = CertificateMinter.certificate().commonName("rogue CA").ca().mint();
    ScriptedSession s = new ScriptedSession()
        .at("127.0.0.2", server(chainFor("mx.sts.example.test", rogue), true));
    RecipientResult r = send(s, "d@sts.example.test", stsPolicy, RequireTls.REQUIRETLS, MESSAGE);
    assertThat(r.status()).as("%s", r).isEqualTo(Status.DEFERRED);
    assertThat(r.reportedFailureType()).contains(FailureType.CERTIFICATE_NOT_TRUSTED);
  }

  @Test
  @DisplayName("RTLS-2: TLS-Required: No with an STS enforce certificate failure: delivered unverified, said so")
  void rtls2_tlsRequiredNoBypassesSts() {
    MintedCertificate rogue = CertificateMinter.certificate().commonName("rogue CA").ca().mint();
    ScriptedSession s = new ScriptedSession()
        .at("127.0.0.2", server(chainFor("mx.sts.example.test", rogue), false));
    byte[] message = "TLS-Required: No\r\nSubject: report\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII);
    RecipientResult r = send(s, "e@sts.example.test", stsPolicy, RequireTls.NONE, message);
    assertThat(r.status()).as("%s", r).isEqualTo(Status.DELIVERED);
    assertThat(r.attempts()).hasSize(2);
    assertThat(r.attempts().get(0).failureType()).isEqualTo(FailureType.CERTIFICATE_NOT_TRUSTED);
    DeliveryAttempt last = r.attempts().get(1);
    assertThat(last.verificationBypassed()).isTrue();
    assertThat(last.route().policyType()).as("the bypassed policy is still named").isEqualTo(PolicyType.STS);
    assertThat(last.route().requirement()).isEqualTo(TlsRequirement.OPPORTUNISTIC);
  }

  @Test
  @DisplayName("RTLS-2: honouring off: the same message defers as usual")
  void rtls2_honourOffDefers() {
    MintedCertificate rogue = CertificateMinter.certificate().commonName("rogue CA").ca().mint();
    ScriptedSession s = new ScriptedSession()
        .at("127.0.0.2", server(chainFor("mx.sts.example.test", rogue), false));
    byte[] message = "TLS-Required: No\r\nSubject: report\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII);
    sts = MtaSts.builder(resolver).clock(CLOCK).policyPort(stsPolicy.port())
        .extraTrustAnchors(List.of(CA.certificate())).fetchTimeout(Duration.ofSeconds(5)).build();
    DeliveryPlanner planner = DeliveryPlanner.builder(resolver).mode(DaneMode.DANE).clock(CLOCK)
        .random(new Random(1)).mtaSts(sts).build();
    RecipientResult r = DeliveryEngine.builder(planner, s).honourTlsRequiredNo(false).build()
        .send(Envelope.of("me@client.test", List.of("f@sts.example.test")), message).join()
        .of("f@sts.example.test");
    assertThat(r.status()).as("%s", r).isEqualTo(Status.DEFERRED);
    assertThat(r.attempts()).noneMatch(DeliveryAttempt::verificationBypassed);
    assertThat(s.requests).hasSize(1);
  }
}
