package org.dane4j.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.dane4j.dns.DaneResolver;
import org.dane4j.smtp.DeliveryAttempt;
import org.dane4j.smtp.DeliveryReport;
import org.dane4j.smtp.PolicyType;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.smtp.RecipientResult.Status;
import org.dane4j.smtp.TlsRequirement;
import org.dane4j.smtp.TlsVerdict;
import org.dane4j.sts.MtaSts;
import org.dane4j.testkit.CertificateMinter;
import org.dane4j.testkit.MailWorld;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.dns.DnsFault;
import org.dane4j.testkit.dns.DnsZone;
import org.dane4j.testkit.smtp.SmtpFault;
import org.dane4j.testkit.smtp.SmtpTestServer;
import org.dane4j.testkit.sts.StsPolicyServer;
import org.dane4j.tlsa.CertUsage;
import org.dane4j.tlsa.FailureType;
import org.dane4j.tlsa.MatchingType;
import org.dane4j.tlsa.Selector;
import org.dane4j.tlsa.TlsaRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Type;

/**
 * One contract for every adapter (issue "One delivery engine"): each scenario runs through Jakarta Mail's
 * {@code DaneMailer} and Netty's {@code DaneSmtpClient}, on the testkit's signed DNS world and SMTP servers,
 * and both must end the same way: the same status per recipient, the same verdict or RFC 8460 failure type,
 * and never a cleartext {@code MAIL FROM} where TLS was mandatory.
 */
class DeliveryContractTest {
  private static final String BODY_MARKER = "contract-body-4e1d";
  private static final String BOB = "bob@example.test";

  /** What one scenario sets up and what every adapter must then report. */
  record Scenario(String name, Function<MailWorld, List<SmtpTestServer>> setup, List<String> recipients,
      Status status, TlsVerdict verdict, FailureType failureType, String detailContains, boolean connects,
      String stsPolicy, TlsRequirement requirement) {
    /** A scenario without MTA-STS. */
    Scenario(String name, Function<MailWorld, List<SmtpTestServer>> setup, List<String> recipients, Status status,
        TlsVerdict verdict, FailureType failureType, String detailContains, boolean connects) {
      this(name, setup, recipients, status, verdict, failureType, detailContains, connects, null, null);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Scenario s : scenarios()) {
      for (Adapter a : Adapter.values()) {
        out.add(Arguments.of(s, a));
      }
    }
    return out.stream();
  }

  private static List<Scenario> scenarios() {
    return List.of(
        new Scenario("EE-1: a good 3 1 1", w -> daneMx(w, null, b -> b), List.of(BOB), Status.DELIVERED,
            TlsVerdict.VERIFIED, null, null, true),
        new Scenario("TA-1: a good 2 1 1 of the issuing CA", w -> {
          SmtpTestServer mx = w.mx("mx.example.test", 2, w.leaf("mx.example.test"));
          w.zone().add("example.test. 300 IN MX 10 mx.example.test.");
          w.tlsa("mx.example.test", ta211(w.issuer()));
          return List.of(mx);
        }, List.of(BOB), Status.DELIVERED, TlsVerdict.VERIFIED, null, null, true),
        new Scenario("TLS-1: a 3 1 1 of another key defers", w -> daneMx(w, w.leaf("other.example.test"), b -> b),
            List.of(BOB), Status.DEFERRED, TlsVerdict.FAILED, FailureType.CERTIFICATE_NOT_TRUSTED, null, true),
        new Scenario("TA-3: a 2 1 1 leaf naming another host defers", w -> {
          SmtpTestServer mx = w.mx("mx.example.test", 2, w.leaf("other.example.test"));
          w.zone().add("example.test. 300 IN MX 10 mx.example.test.");
          w.tlsa("mx.example.test", ta211(w.issuer()));
          return List.of(mx);
        }, List.of(BOB), Status.DEFERRED, TlsVerdict.FAILED, FailureType.CERTIFICATE_HOST_MISMATCH, null, true),
        new Scenario("TLS-1: STARTTLS not offered on a DANE route defers",
            w -> daneMx(w, null, b -> b.faults(SmtpFault.NO_STARTTLS)), List.of(BOB), Status.DEFERRED,
            TlsVerdict.FAILED, FailureType.STARTTLS_NOT_SUPPORTED, null, true),
        new Scenario("TLS-1: STARTTLS refused on a DANE route defers",
            w -> daneMx(w, null, b -> b.faults(SmtpFault.REFUSE_STARTTLS)), List.of(BOB), Status.DEFERRED,
            TlsVerdict.FAILED, FailureType.STARTTLS_NOT_SUPPORTED, null, true),
        new Scenario("TLS-3: a reply injected after 220 to STARTTLS defers",
            w -> daneMx(w, null, b -> b.faults(SmtpFault.INJECT_AFTER_STARTTLS)), List.of(BOB), Status.DEFERRED,
            TlsVerdict.FAILED, null, null, true),
        new Scenario("DNS-2: a bogus TLSA RRset: no connection, deferred", w -> {
          List<SmtpTestServer> s = daneMx(w, null, b -> b);
          w.world().fault(w.tlsaOwner("mx.example.test"), Type.TLSA, DnsFault.CORRUPT_RRSIG);
          return s;
        }, List.of(BOB), Status.DEFERRED, null, FailureType.DNSSEC_INVALID, null, false),
        new Scenario("TLSA-3: an unsigned domain gets opportunistic TLS", w -> {
          DnsZone insecure = w.world().unsignedZone("insecure.test.");
          SmtpTestServer mx = w.mx(insecure, "mx.plain.insecure.test", 2, w.leaf("mx.plain.insecure.test"),
              b -> b);
          w.mxRecord(insecure, "plain.insecure.test", 10, "mx.plain.insecure.test");
          return List.of(mx);
        }, List.of("bob@plain.insecure.test"), Status.DELIVERED, TlsVerdict.OPPORTUNISTIC, null, null, true),
        new Scenario("MX-5, TLS-1: the first MX fails DANE, the second delivers", w -> {
          MintedCertificate good = w.leaf("mx2.example.test");
          SmtpTestServer bad = w.mx("mx1.example.test", 2, w.leaf("mx1.example.test"));
          SmtpTestServer ok = w.mx("mx2.example.test", 3, good);
          w.zone().add("example.test. 300 IN MX 10 mx1.example.test.", "example.test. 300 IN MX 20 mx2.example.test.");
          w.tlsa("mx1.example.test", ee311(w.leaf("stale.example.test")));
          w.tlsa("mx2.example.test", ee311(good));
          return List.of(bad, ok);
        }, List.of(BOB), Status.DELIVERED, TlsVerdict.VERIFIED, null, null, true),
        new Scenario("MX-3: a null MX fails with no connection", w -> {
          w.zone().add("example.test. 300 IN MX 0 .");
          return List.of();
        }, List.of(BOB), Status.FAILED, null, null, "null MX", false),
        new Scenario("OUT-1: a 550 to RCPT fails the recipient",
            w -> daneMx(w, null, b -> b.replyTo("RCPT", "550 5.1.1 no such user")), List.of(BOB), Status.FAILED,
            TlsVerdict.VERIFIED, null, "550", true),
        new Scenario("OUT-1: a 450 to RCPT defers the recipient",
            w -> daneMx(w, null, b -> b.replyTo("RCPT", "450 4.2.0 try later")), List.of(BOB), Status.DEFERRED,
            TlsVerdict.VERIFIED, null, "450", true),
        new Scenario("TLS-7: an endless reply ends the attempt at maxReplyLines",
            w -> daneMx(w, null, b -> b.faults(SmtpFault.ENDLESS_REPLY)), List.of(BOB), Status.DEFERRED,
            TlsVerdict.FAILED, null, "maxReplyLines", true),
        new Scenario("TLS-7: a trickled reply ends the attempt at its deadline",
            w -> daneMx(w, null, b -> b.trickle(Duration.ofMillis(200))), List.of(BOB), Status.DEFERRED,
            TlsVerdict.FAILED, null, "Timeout", true),
        new Scenario("OUT-1: a connection lost during DATA is a failed attempt, the recipient deferred",
            w -> daneMx(w, null, b -> b.faults(SmtpFault.DROP_MID_DATA)), List.of(BOB), Status.DEFERRED,
            TlsVerdict.FAILED, null, null, true),
        // MTA-STS (RFC 8461) through each adapter's mtaSts option: example.test publishes a policy on
        // mta-sts.example.test (127.0.0.9, private CA); mx.example.test has no TLSA unless the scenario adds one.
        new Scenario("STS-2: enforce, a WebPKI-valid certificate for the MX name: delivered, verified, sts",
            w -> stsMx(w, w.leaf("mx.example.test")), List.of(BOB), Status.DELIVERED, TlsVerdict.VERIFIED, null,
            null, true, ENFORCE_MX, TlsRequirement.STS),
        new Scenario("STS-2: enforce, a certificate of an untrusted CA defers, no message byte sent",
            w -> stsMx(w, STRANGER_LEAF), List.of(BOB), Status.DEFERRED, TlsVerdict.FAILED,
            FailureType.CERTIFICATE_NOT_TRUSTED, null, true, ENFORCE_MX, TlsRequirement.STS),
        new Scenario("STS-2: enforce, an MX host no mx pattern covers: not contacted, deferred",
            w -> stsMx(w, w.leaf("mx.example.test")), List.of(BOB), Status.DEFERRED, null, null, "mx.example.test",
            false, StsPolicyServer.policyText("enforce", 86400, "mx.elsewhere.test"), null),
        new Scenario("STS-2: testing, a certificate for another name: delivered as without STS, reported",
            w -> stsMx(w, w.leaf("other.example.test")), List.of(BOB), Status.DELIVERED, TlsVerdict.OPPORTUNISTIC,
            null, "MTA-STS testing", true, StsPolicyServer.policyText("testing", 86400, "mx.example.test"),
            TlsRequirement.OPPORTUNISTIC),
        new Scenario("POL-3: DANE and STS on one host: a mismatching TLSA defers though the STS policy is valid",
            w -> daneMx(w, w.leaf("other.example.test"), b -> b), List.of(BOB), Status.DEFERRED, TlsVerdict.FAILED,
            FailureType.CERTIFICATE_NOT_TRUSTED, null, true, ENFORCE_MX, TlsRequirement.DANE),
        new Scenario("POL-3: a TLSA SERVFAIL defers though the STS policy is valid; no connection", w -> {
          List<SmtpTestServer> s = daneMx(w, null, b -> b);
          w.world().fault(w.tlsaOwner("mx.example.test"), Type.TLSA, DnsFault.SERVFAIL);
          return s;
        }, List.of(BOB), Status.DEFERRED, null, null, null, false, ENFORCE_MX, null));
  }

  private static final String ENFORCE_MX = StsPolicyServer.policyText("enforce", 86400, "mx.example.test");
  /** A leaf for mx.example.test from a CA nobody trusts. */
  private static final MintedCertificate STRANGER_LEAF = CertificateMinter.certificate().dnsNames("mx.example.test")
      .issuer(CertificateMinter.certificate().commonName("stranger CA").ca().mint()).mint();

  /** example.test MX 10 mx.example.test on 127.0.0.2 presenting {@code cert}, no TLSA (secure denial). */
  private static List<SmtpTestServer> stsMx(MailWorld w, MintedCertificate cert) {
    SmtpTestServer mx = w.mx("mx.example.test", 2, cert);
    w.zone().add("example.test. 300 IN MX 10 mx.example.test.");
    return List.of(mx);
  }

  /** example.test MX 10 mx.example.test on 127.0.0.2 with the 3 1 1 of {@code pinned} (null: its own leaf). */
  private static List<SmtpTestServer> daneMx(MailWorld w, MintedCertificate pinned,
      java.util.function.UnaryOperator<SmtpTestServer.Builder> extra) {
    MintedCertificate leaf = w.leaf("mx.example.test");
    SmtpTestServer mx = w.mx("mx.example.test", 2, leaf, extra);
    w.zone().add("example.test. 300 IN MX 10 mx.example.test.");
    w.tlsa("mx.example.test", ee311(pinned == null ? leaf : pinned));
    return List.of(mx);
  }

  private static String ee311(MintedCertificate c) {
    return TlsaRecord.of(c.certificate(), CertUsage.DANE_EE, Selector.SPKI, MatchingType.SHA2_256).toString();
  }

  private static String ta211(MintedCertificate c) {
    return TlsaRecord.of(c.certificate(), CertUsage.DANE_TA, Selector.SPKI, MatchingType.SHA2_256).toString();
  }

  private static byte[] message(List<String> to) {
    return ("From: alice@example.org\r\nTo: " + String.join(", ", to) + "\r\nSubject: contract\r\n\r\nHello.\r\n"
        + BODY_MARKER + "\r\n").getBytes(StandardCharsets.UTF_8);
  }

  @ParameterizedTest(name = "{0} via {1}")
  @MethodSource("cases")
  void everyAdapterEndsAsTheEngineDecides(Scenario s, Adapter adapter) throws Exception {
    try (MailWorld w = new MailWorld()) {
      List<SmtpTestServer> servers = s.setup().apply(w);
      StsPolicyServer https = s.stsPolicy() == null ? null
          : StsPolicyServer.builder("example.test").issuer(w.issuer()).address("127.0.0.9").policy(s.stsPolicy())
              .start().publish(w.zone(), "c1");
      w.dns();
      try (StsPolicyServer closeHttps = https;
          DaneResolver resolver = DaneResolver.builder().servers(w.dns().address())
          .trustAnchors(w.world().trustAnchor()).timeout(Duration.ofSeconds(1)).retries(0).cacheSize(0).build();
          MtaSts sts = https == null ? null : MtaSts.builder(resolver).policyPort(https.port())
              .extraTrustAnchors(List.of(w.root().certificate(), w.issuer().certificate()))
              .fetchTimeout(Duration.ofSeconds(5)).build();
          Adapter.Sender sender = adapter.open(resolver, w.port() == 0 ? 25 : w.port(), sts)) {
        DeliveryReport report = sender.send("alice@example.org", s.recipients(), message(s.recipients()));
        RecipientResult r = report.of(s.recipients().get(0));

        assertThat(r.status()).as("%s", r).isEqualTo(s.status());
        DeliveryAttempt last = r.attempts().isEmpty() ? null : r.attempts().get(r.attempts().size() - 1);
        if (s.verdict() != null) {
          assertThat(last).as("%s", r).isNotNull();
          assertThat(last.verdict()).as("%s", last).isEqualTo(s.verdict());
        }
        if (s.requirement() != null) {
          assertThat(last).as("%s", r).isNotNull();
          assertThat(last.route().requirement()).as("%s", last).isEqualTo(s.requirement());
        }
        if (s.stsPolicy() != null && s.requirement() == TlsRequirement.STS) {
          assertThat(last.route().policyType()).as("%s", last).isEqualTo(PolicyType.STS);
        }
        if (s.failureType() != null) {
          assertThat(last == null ? r.failureType() : last.failureType()).as("%s", r).isEqualTo(s.failureType());
        }
        if (s.detailContains() != null) {
          assertThat(r.reason() + " / " + r.attempts()).as("%s", r).contains(s.detailContains());
        }
        int connections = servers.stream().mapToInt(SmtpTestServer::connectionCount).sum();
        if (s.connects()) {
          assertThat(connections).as("connections made").isPositive();
        } else {
          assertThat(connections).as("connections made").isZero();
        }
        for (SmtpTestServer server : servers) { // TLS-1: mail never travels in cleartext on a DANE route
          assertThat(server.cleartextBytes()).doesNotContain("MAIL FROM").doesNotContain(BODY_MARKER);
        }
        if (s.status() != Status.DELIVERED) {
          assertThat(servers).allSatisfy(server -> assertThat(server.messages()).isEmpty());
        }
      }
    }
  }
}
