package org.dane4j.contract;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.dane4j.dns.DaneResolver;
import org.dane4j.jakartamail.DaneMailer;
import org.dane4j.netty.DaneSmtpClient;
import org.dane4j.smtp.DeliveryAttempt;
import org.dane4j.smtp.DeliveryReport;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.smtp.RecipientResult.Status;
import org.dane4j.smtp.RequireTls;
import org.dane4j.smtp.RequireTlsPolicy;
import org.dane4j.smtp.TlsRequirement;
import org.dane4j.smtp.TlsVerdict;
import org.dane4j.testkit.MailWorld;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.dns.DnsZone;
import org.dane4j.testkit.smtp.SmtpFault;
import org.dane4j.testkit.smtp.SmtpTestServer;
import org.dane4j.tlsa.CertUsage;
import org.dane4j.tlsa.FailureType;
import org.dane4j.tlsa.MatchingType;
import org.dane4j.tlsa.Selector;
import org.dane4j.tlsa.TlsaRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * REQUIRETLS and {@code TLS-Required: No} (RFC 8689; checklist RTLS-1, RTLS-2) through both adapters, on the
 * testkit's signed DNS and SMTP servers: each test runs once with {@code DaneMailer} and once with
 * {@code DaneSmtpClient}, and both must end as the engine decides.
 */
class RequireTlsContractTest {
  private static final String BODY_MARKER = "rtls-body-77c2";
  private static final String BOB = "bob@example.test";

  /** Options of the sender under test. */
  record Options(boolean honourTlsRequiredNo, String opportunisticDomain) {
    static final Options DEFAULT = new Options(true, null);
  }

  /** One adapter's send with a per-message requirement, as its users call it. */
  interface Sender extends AutoCloseable {
    DeliveryReport send(List<String> to, byte[] message, RequireTls requireTls) throws Exception;

    @Override
    void close();
  }

  private static Sender open(Adapter adapter, DaneResolver resolver, int port, Options o) {
    if (adapter == Adapter.JAKARTA) {
      DaneMailer.Builder b = DaneMailer.builder().resolver(resolver).ehloName("sender.example.org").mxPort(port)
          .connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(2))
          .replyTimeout(Duration.ofSeconds(2)).planTimeout(Duration.ofSeconds(10))
          .honourTlsRequiredNo(o.honourTlsRequiredNo());
      if (o.opportunisticDomain() != null) {
        b.requireTlsPolicy(o.opportunisticDomain(), RequireTlsPolicy.OPPORTUNISTIC);
      }
      DaneMailer mailer = b.build();
      return new Sender() {
        @Override
        public DeliveryReport send(List<String> to, byte[] message, RequireTls requireTls) throws Exception {
          MimeMessage m = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(message));
          return mailer.send(m, "alice@example.org", to, requireTls);
        }

        @Override
        public void close() {
          mailer.close();
        }
      };
    }
    DaneSmtpClient.Builder b = DaneSmtpClient.builder(resolver).ehloName("sender.example.org").mxPort(port)
        .connectTimeout(Duration.ofSeconds(5)).greetingTimeout(Duration.ofSeconds(2))
        .commandTimeout(Duration.ofSeconds(2)).handshakeTimeout(Duration.ofSeconds(2))
        .startTlsTimeout(Duration.ofSeconds(2)).dataInitiationTimeout(Duration.ofSeconds(2))
        .dataTerminationTimeout(Duration.ofSeconds(2)).honourTlsRequiredNo(o.honourTlsRequiredNo());
    if (o.opportunisticDomain() != null) {
      b.requireTlsPolicy(o.opportunisticDomain(), RequireTlsPolicy.OPPORTUNISTIC);
    }
    DaneSmtpClient client = b.build();
    return new Sender() {
      @Override
      public DeliveryReport send(List<String> to, byte[] message, RequireTls requireTls) throws Exception {
        return client.send("alice@example.org", to, message, requireTls).get(60, TimeUnit.SECONDS);
      }

      @Override
      public void close() {
        client.close();
      }
    };
  }

  /** example.test MX 10 mx.example.test on 127.0.0.2 with the 3 1 1 of {@code pinned} (null: its own leaf). */
  private static SmtpTestServer daneMx(MailWorld w, MintedCertificate pinned,
      java.util.function.UnaryOperator<SmtpTestServer.Builder> extra) {
    MintedCertificate leaf = w.leaf("mx.example.test");
    SmtpTestServer mx = w.mx("mx.example.test", 2, leaf, extra);
    w.zone().add("example.test. 300 IN MX 10 mx.example.test.");
    w.tlsa("mx.example.test", TlsaRecord.of((pinned == null ? leaf : pinned).certificate(), CertUsage.DANE_EE,
        Selector.SPKI, MatchingType.SHA2_256).toString());
    return mx;
  }

  /** plain.insecure.test (unsigned) MX mx.plain.insecure.test on 127.0.0.3: opportunistic TLS only. */
  private static SmtpTestServer insecureMx(MailWorld w, java.util.function.UnaryOperator<SmtpTestServer.Builder> e) {
    DnsZone insecure = w.world().unsignedZone("insecure.test.");
    SmtpTestServer mx = w.mx(insecure, "mx.plain.insecure.test", 3, w.leaf("mx.plain.insecure.test"), e);
    w.mxRecord(insecure, "plain.insecure.test", 10, "mx.plain.insecure.test");
    return mx;
  }

  private static byte[] message(String to, String extraHeaders) {
    return ("From: alice@example.org\r\nTo: " + to + "\r\n" + extraHeaders + "Subject: rtls\r\n\r\nHello.\r\n"
        + BODY_MARKER + "\r\n").getBytes(StandardCharsets.UTF_8);
  }

  private static RecipientResult send(MailWorld w, Adapter adapter, Options o, String to, byte[] message,
      RequireTls requireTls) throws Exception {
    w.dns();
    try (DaneResolver resolver = DaneResolver.builder().servers(w.dns().address())
        .trustAnchors(w.world().trustAnchor()).timeout(Duration.ofSeconds(1)).retries(0).cacheSize(0).build();
        Sender sender = open(adapter, resolver, w.port() == 0 ? 25 : w.port(), o)) {
      return sender.send(List.of(to), message, requireTls).of(to);
    }
  }

  private static void nothingSent(SmtpTestServer mx) {
    assertThat(mx.mailCommands()).as("MAIL commands received").isEmpty();
    assertThat(mx.messages()).isEmpty();
    assertThat(mx.cleartextBytes()).doesNotContain(BODY_MARKER);
  }

  @ParameterizedTest(name = "via {0}")
  @EnumSource(Adapter.class)
  @DisplayName("RTLS-1: DANE-verified route, REQUIRETLS offered after STARTTLS: delivered, MAIL FROM carries it")
  void rtls1_daneAndOfferedDeliversWithParameter(Adapter adapter) throws Exception {
    try (MailWorld w = new MailWorld()) {
      SmtpTestServer mx = daneMx(w, null, b -> b.requireTls());
      RecipientResult r = send(w, adapter, Options.DEFAULT, BOB, message(BOB, ""), RequireTls.REQUIRETLS);

      assertThat(r.status()).as("%s", r).isEqualTo(Status.DELIVERED);
      DeliveryAttempt last = r.lastAttempt().orElseThrow();
      assertThat(last.verdict()).isEqualTo(TlsVerdict.VERIFIED);
      assertThat(last.requireTls()).as("%s", last).isTrue();
      assertThat(mx.messages()).singleElement()
          .satisfies(m -> assertThat(m.mailParameters()).contains("REQUIRETLS"));
      assertThat(mx.cleartextBytes()).doesNotContain("MAIL FROM").doesNotContain(BODY_MARKER);
    }
  }

  @ParameterizedTest(name = "via {0}")
  @EnumSource(Adapter.class)
  @DisplayName("RTLS-1: DANE-verified route whose server does not offer REQUIRETLS: 5.7.30, no MAIL sent")
  void rtls1_daneNotOfferedFails5730WithoutMail(Adapter adapter) throws Exception {
    try (MailWorld w = new MailWorld()) {
      SmtpTestServer mx = daneMx(w, null, b -> b);
      RecipientResult r = send(w, adapter, Options.DEFAULT, BOB, message(BOB, ""), RequireTls.REQUIRETLS);

      assertThat(r.status()).as("%s", r).isEqualTo(Status.FAILED);
      assertThat(r.reason()).contains("5.7.30", "did not offer REQUIRETLS");
      assertThat(mx.handshakesCompleted()).as("the session got as far as TLS").isPositive();
      nothingSent(mx);
    }
  }

  @ParameterizedTest(name = "via {0}")
  @EnumSource(Adapter.class)
  @DisplayName("RTLS-1: a domain with opportunistic TLS only: 5.7.30 without connecting")
  void rtls1_opportunisticDomainFails5730WithoutConnecting(Adapter adapter) throws Exception {
    try (MailWorld w = new MailWorld()) {
      SmtpTestServer mx = insecureMx(w, b -> b.requireTls());
      String to = "bob@plain.insecure.test";
      RecipientResult r = send(w, adapter, Options.DEFAULT, to, message(to, ""), RequireTls.REQUIRETLS);

      assertThat(r.status()).as("%s", r).isEqualTo(Status.FAILED);
      assertThat(r.reason()).contains("5.7.30", "authenticated route", "OPPORTUNISTIC");
      assertThat(mx.connectionCount()).isZero();
      nothingSent(mx);
    }
  }

  @ParameterizedTest(name = "via {0}")
  @EnumSource(Adapter.class)
  @DisplayName("RTLS-1: the pipeline header Require-TLS-ESMTP: Yes asks for REQUIRETLS and is removed before sending")
  void rtls1_requestHeaderRequiresAndIsRemoved(Adapter adapter) throws Exception {
    try (MailWorld w = new MailWorld()) {
      SmtpTestServer mx = daneMx(w, null, b -> b.requireTls());
      RecipientResult r = send(w, adapter, Options.DEFAULT, BOB, message(BOB, "Require-TLS-ESMTP: Yes\r\n"),
          RequireTls.NONE);

      assertThat(r.status()).as("%s", r).isEqualTo(Status.DELIVERED);
      assertThat(mx.messages()).singleElement().satisfies(m -> {
        assertThat(m.mailParameters()).contains("REQUIRETLS");
        assertThat(m.text()).doesNotContainIgnoringCase("Require-TLS-ESMTP").contains(BODY_MARKER);
      });
    }
  }

  @ParameterizedTest(name = "via {0}")
  @EnumSource(Adapter.class)
  @DisplayName("RTLS-1: the header on an unauthenticated route still fails 5.7.30 without connecting")
  void rtls1_requestHeaderOnOpportunisticDomainFails(Adapter adapter) throws Exception {
    try (MailWorld w = new MailWorld()) {
      SmtpTestServer mx = insecureMx(w, b -> b.requireTls());
      String to = "bob@plain.insecure.test";
      RecipientResult r = send(w, adapter, Options.DEFAULT, to, message(to, "Require-TLS-ESMTP: yes\r\n"),
          RequireTls.NONE);

      assertThat(r.status()).as("%s", r).isEqualTo(Status.FAILED);
      assertThat(r.reason()).contains("5.7.30");
      assertThat(mx.connectionCount()).isZero();
    }
  }

  @ParameterizedTest(name = "via {0}")
  @EnumSource(Adapter.class)
  @DisplayName("RTLS-1: relay policy opportunistic for an internal hop: delivered over opportunistic TLS, the "
      + "parameter passed on")
  void rtls1_opportunisticPolicyDeliversAndPassesParameterOn(Adapter adapter) throws Exception {
    try (MailWorld w = new MailWorld()) {
      SmtpTestServer mx = insecureMx(w, b -> b.requireTls());
      String to = "bob@plain.insecure.test";
      RecipientResult r = send(w, adapter, new Options(true, "plain.insecure.test"), to, message(to, ""),
          RequireTls.REQUIRETLS);

      assertThat(r.status()).as("%s", r).isEqualTo(Status.DELIVERED);
      assertThat(r.lastAttempt().orElseThrow().verdict()).isEqualTo(TlsVerdict.OPPORTUNISTIC);
      assertThat(r.lastAttempt().orElseThrow().requireTls()).isTrue();
      assertThat(mx.messages()).singleElement()
          .satisfies(m -> assertThat(m.mailParameters()).contains("REQUIRETLS"));
    }
  }

  @ParameterizedTest(name = "via {0}")
  @EnumSource(Adapter.class)
  @DisplayName("RTLS-1: relay policy enforce (the default) for the same hop: 5.7.30, no connection")
  void rtls1_enforcePolicyRefusesSameHop(Adapter adapter) throws Exception {
    try (MailWorld w = new MailWorld()) {
      SmtpTestServer mx = insecureMx(w, b -> b.requireTls());
      String to = "bob@plain.insecure.test";
      RecipientResult r = send(w, adapter, new Options(true, "other.test"), to, message(to, ""),
          RequireTls.REQUIRETLS);

      assertThat(r.status()).as("%s", r).isEqualTo(Status.FAILED);
      assertThat(r.reason()).contains("5.7.30");
      nothingSent(mx);
    }
  }

  @ParameterizedTest(name = "via {0}")
  @EnumSource(Adapter.class)
  @DisplayName("RTLS-2: TLS-Required: No with a mismatching TLSA record: delivered, and the report says the "
      + "verification failed and the header allowed it")
  void rtls2_tlsRequiredNoDeliversDespiteMismatch(Adapter adapter) throws Exception {
    try (MailWorld w = new MailWorld()) {
      SmtpTestServer mx = daneMx(w, w.leaf("other.example.test"), b -> b);
      RecipientResult r = send(w, adapter, Options.DEFAULT, BOB, message(BOB, "TLS-Required: No\r\n"),
          RequireTls.NONE);

      assertThat(r.status()).as("%s", r).isEqualTo(Status.DELIVERED);
      DeliveryAttempt failed = r.attempts().get(0);
      assertThat(failed.verdict()).isEqualTo(TlsVerdict.FAILED);
      assertThat(failed.failureType()).isEqualTo(FailureType.CERTIFICATE_NOT_TRUSTED);
      assertThat(failed.verificationBypassed()).isFalse();
      DeliveryAttempt last = r.lastAttempt().orElseThrow();
      assertThat(last.verificationBypassed()).as("%s", last).isTrue();
      assertThat(last.verdict()).isEqualTo(TlsVerdict.OPPORTUNISTIC);
      assertThat(last.route().requirement()).isEqualTo(TlsRequirement.OPPORTUNISTIC);
      assertThat(last.detail()).contains("TLS-Required: No", "bypassed");
      assertThat(mx.messages()).singleElement().satisfies(m -> {
        assertThat(m.tls()).isTrue();
        assertThat(m.text()).contains("TLS-Required: No"); // the header stays with the message (RFC 8689 §5)
      });
    }
  }

  @ParameterizedTest(name = "via {0}")
  @EnumSource(Adapter.class)
  @DisplayName("RTLS-2: TLS-Required: No to a DANE host without STARTTLS: delivered in cleartext, said so")
  void rtls2_tlsRequiredNoWithoutStartTlsGoesCleartext(Adapter adapter) throws Exception {
    try (MailWorld w = new MailWorld()) {
      SmtpTestServer mx = daneMx(w, null, b -> b.faults(SmtpFault.NO_STARTTLS));
      RecipientResult r = send(w, adapter, Options.DEFAULT, BOB, message(BOB, "TLS-Required: No\r\n"),
          RequireTls.NONE);

      assertThat(r.status()).as("%s", r).isEqualTo(Status.DELIVERED);
      assertThat(r.attempts().get(0).failureType()).isEqualTo(FailureType.STARTTLS_NOT_SUPPORTED);
      DeliveryAttempt last = r.lastAttempt().orElseThrow();
      assertThat(last.verificationBypassed()).isTrue();
      assertThat(last.verdict()).isEqualTo(TlsVerdict.CLEARTEXT);
      assertThat(mx.messages()).hasSize(1);
    }
  }

  @ParameterizedTest(name = "via {0}")
  @EnumSource(Adapter.class)
  @DisplayName("RTLS-2: with honouring switched off, TLS-Required: No changes nothing: a mismatch defers")
  void rtls2_honourOffDefers(Adapter adapter) throws Exception {
    try (MailWorld w = new MailWorld()) {
      SmtpTestServer mx = daneMx(w, w.leaf("other.example.test"), b -> b);
      RecipientResult r = send(w, adapter, new Options(false, null), BOB, message(BOB, "TLS-Required: No\r\n"),
          RequireTls.NONE);

      assertThat(r.status()).as("%s", r).isEqualTo(Status.DEFERRED);
      assertThat(r.attempts()).noneMatch(DeliveryAttempt::verificationBypassed);
      assertThat(r.reportedFailureType()).contains(FailureType.CERTIFICATE_NOT_TRUSTED);
      nothingSent(mx);
    }
  }

  @ParameterizedTest(name = "via {0}")
  @EnumSource(Adapter.class)
  @DisplayName("RTLS-1, RTLS-2: REQUIRETLS wins over TLS-Required: No; a mismatch is never bypassed")
  void rtls1_requireTlsWinsOverTlsRequiredNo(Adapter adapter) throws Exception {
    try (MailWorld w = new MailWorld()) {
      SmtpTestServer mx = daneMx(w, w.leaf("other.example.test"), b -> b.requireTls());
      RecipientResult r = send(w, adapter, Options.DEFAULT, BOB, message(BOB, "TLS-Required: No\r\n"),
          RequireTls.REQUIRETLS);

      assertThat(r.status()).as("%s", r).isEqualTo(Status.DEFERRED);
      assertThat(r.attempts()).noneMatch(DeliveryAttempt::verificationBypassed);
      nothingSent(mx);
    }
  }
}
