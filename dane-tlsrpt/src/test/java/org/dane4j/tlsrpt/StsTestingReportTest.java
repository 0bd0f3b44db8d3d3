package org.dane4j.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.dane4j.delivery.DeliveryEngine;
import org.dane4j.delivery.SessionPhase;
import org.dane4j.delivery.SessionResult;
import org.dane4j.delivery.SmtpReply;
import org.dane4j.delivery.SmtpSession;
import org.dane4j.dns.DaneResolver;
import org.dane4j.smtp.DaneMode;
import org.dane4j.smtp.DeliveryPlanner;
import org.dane4j.smtp.Envelope;
import org.dane4j.smtp.PolicyType;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.smtp.RouteTrustManager;
import org.dane4j.sts.MtaSts;
import org.dane4j.testkit.CertificateMinter;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.dns.DnsTestServer;
import org.dane4j.testkit.dns.DnsWorld;
import org.dane4j.testkit.dns.DnsZone;
import org.dane4j.testkit.sts.StsPolicyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Under an MTA-STS {@code testing} policy the session goes on, and the TLS report still counts what
 * {@code enforce} would have refused (RFC 8461 §5, RFC 8460 §4.3), under the {@code sts} policy.
 */
class StsTestingReportTest {
  private static final LocalDate DAY = LocalDate.parse("2026-06-01");
  private static final MintedCertificate CA = CertificateMinter.certificate().commonName("STS test CA").ca().mint();
  private static DnsTestServer server;
  private static DaneResolver resolver;
  private static StsPolicyServer testing;
  private static StsPolicyServer elsewhere;
  private static StsPolicyServer missing;

  @BeforeAll
  static void world() {
    DnsWorld world = DnsWorld.create(Lab.CLOCK);
    world.zone("test.");
    DnsZone example = world.zone("example.test.");
    example.add("testing.example.test. 300 IN MX 10 mx.testing.example.test.",
        "mx.testing.example.test. 300 IN A 127.0.0.4",
        "elsewhere.example.test. 300 IN MX 10 mx.elsewhere.example.test.",
        "mx.elsewhere.example.test. 300 IN A 127.0.0.4",
        "missing.example.test. 300 IN MX 10 mx.missing.example.test.",
        "mx.missing.example.test. 300 IN A 127.0.0.4");
    testing = StsPolicyServer.builder("testing.example.test").issuer(CA).address("127.0.0.5")
        .policy(StsPolicyServer.policyText("testing", 86400, "mx.testing.example.test")).start();
    testing.publish(example, "t1");
    // a testing policy whose only pattern does not cover the domain's MX host
    elsewhere = StsPolicyServer.builder("elsewhere.example.test").issuer(CA).address("127.0.0.6")
        .policy(StsPolicyServer.policyText("testing", 86400, "mx.other.example.test")).start();
    elsewhere.publish(example, "e1");
    // a domain that announces a policy its server does not serve (404)
    missing = StsPolicyServer.builder("missing.example.test").issuer(CA).address("127.0.0.7")
        .policy(StsPolicyServer.policyText("enforce", 86400, "mx.missing.example.test"))
        .fault(org.dane4j.testkit.sts.StsFault.NOT_FOUND).start();
    missing.publish(example, "m1");
    server = world.start();
    resolver = DaneResolver.builder().servers(server.address()).trustAnchors(world.trustAnchor()).clock(Lab.CLOCK)
        .timeout(Duration.ofSeconds(3)).retries(1).build();
  }

  @AfterAll
  static void stop() {
    resolver.close();
    server.close();
    testing.close();
    elsewhere.close();
    missing.close();
  }

  /** A server presenting {@code chain}: the route's trust manager judges it, as in a real handshake. */
  private static SmtpSession presenting(X509Certificate[] chain) {
    return req -> {
      RouteTrustManager tm = req.route().tlsRecipe().trustManager();
      try {
        tm.checkServerTrusted(chain, "UNKNOWN");
      } catch (CertificateException e) {
        return CompletableFuture.completedFuture(SessionResult.builder().connected()
            .phase(SessionPhase.TLS_HANDSHAKE).failure(null, e.getMessage()).build());
      }
      SessionResult.Builder b = SessionResult.builder().connected()
          .tls("TLSv1.3", "TLS_AES_128_GCM_SHA256", tm.authenticated()).phase(SessionPhase.RCPT)
          .mailReply(new SmtpReply(250, "ok"));
      tm.stsFailure().ifPresent(b::stsFailure); // as the adapters do
      req.recipients().forEach(r -> b.rcptReply(r, new SmtpReply(250, "ok")));
      return CompletableFuture.completedFuture(b.phase(SessionPhase.DATA).dataReply(new SmtpReply(250, "ok"))
          .phase(SessionPhase.COMPLETE).build());
    };
  }

  private static DayAggregate.PolicyCounts send(String recipient, X509Certificate[] chain, StsPolicyServer policy) {
    MemoryTlsReportStore store = new MemoryTlsReportStore();
    RecipientResult r;
    try (MtaSts sts = MtaSts.builder(resolver).clock(Lab.CLOCK).policyPort(policy.port())
            .extraTrustAnchors(List.of(CA.certificate())).fetchTimeout(Duration.ofSeconds(5)).build();
        TlsRptSink sink = TlsRptSink.builder(store).clock(Lab.CLOCK).build()) {
      DeliveryPlanner planner = DeliveryPlanner.builder(resolver).mode(DaneMode.DANE).clock(Lab.CLOCK)
          .random(new Random(1)).mtaSts(sts).build();
      DeliveryEngine engine = DeliveryEngine.builder(planner, presenting(chain)).listener(sink).logging(false)
          .build();
      r = engine.send(Envelope.of("me@client.test", List.of(recipient)),
          "Subject: hi\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII)).join().of(recipient);
    }
    assertThat(r.status()).as(r.reason()).isEqualTo(RecipientResult.Status.DELIVERED); // testing: delivered
    String domain = recipient.substring(recipient.indexOf('@') + 1);
    return store.read(DAY, domain).policies().stream().filter(p -> p.policy().type() == PolicyType.STS)
        .findFirst().orElseThrow();
  }

  private static X509Certificate[] chain(MintedCertificate issuer, String name) {
    return CertificateMinter.certificate().dnsNames(name).issuer(issuer).mint().chain()
        .toArray(new X509Certificate[0]);
  }

  @Test
  @DisplayName("STS-2/RPT-1: testing, a certificate enforce would refuse: delivered, reported as certificate-not-trusted")
  void sts2_testingWouldBeFailureIsReported() {
    MintedCertificate rogue = CertificateMinter.certificate().commonName("rogue CA").ca().mint();
    DayAggregate.PolicyCounts p = send("a@testing.example.test", chain(rogue, "mx.testing.example.test"), testing);
    assertThat(p.successful()).isZero();
    assertThat(p.failures()).containsExactly(Map.entry(
        FailureDetail.of("certificate-not-trusted", "mx.testing.example.test", "127.0.0.4"), 1L));
    assertThat(p.policy().policyStrings()).contains("mode: testing");
  }

  @Test
  @DisplayName("STS-2/RPT-1: testing, an MX host no pattern covers: delivered, reported as validation-failure")
  void sts2_testingPatternMismatchIsReported() {
    DayAggregate.PolicyCounts p = send("b@elsewhere.example.test", chain(CA, "mx.elsewhere.example.test"), elsewhere);
    assertThat(p.successful()).isZero();
    assertThat(p.failures()).containsExactly(Map.entry(
        FailureDetail.of("validation-failure", "mx.elsewhere.example.test", "127.0.0.4"), 1L));
  }

  @Test
  @DisplayName("STS-2/RPT-1: testing, a session enforce would accept: a success of the sts policy")
  void sts2_testingPassIsASuccess() {
    DayAggregate.PolicyCounts p = send("c@testing.example.test", chain(CA, "mx.testing.example.test"), testing);
    assertThat(p.successful()).isEqualTo(1);
    assertThat(p.failed()).isZero();
  }

  @Test
  @DisplayName("STS-1/RPT-1: a policy that is announced but cannot be fetched: delivered as without MTA-STS "
      + "(RFC 8461 §3.3), reported as sts-policy-fetch-error under the sts policy")
  void sts1_fetchErrorIsReported() {
    DayAggregate.PolicyCounts p = send("d@missing.example.test", chain(CA, "mx.missing.example.test"), missing);
    assertThat(p.successful()).isZero();
    assertThat(p.failures()).containsExactly(Map.entry(
        FailureDetail.of("sts-policy-fetch-error", "mx.missing.example.test", "127.0.0.4"), 1L));
    assertThat(p.policy().policyDomain()).isEqualTo("missing.example.test");
  }
}
