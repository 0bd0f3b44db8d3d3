package org.dane4j.jakartamail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.dane4j.jakartamail.MailLab.BODY_MARKER;
import static org.dane4j.jakartamail.MailLab.ee311;
import static org.dane4j.jakartamail.MailLab.message;
import static org.dane4j.jakartamail.MailLab.ta211;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.dane4j.smtp.DeliveryReport;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.smtp.RecipientResult.Status;
import org.dane4j.smtp.TlsVerdict;
import org.dane4j.testkit.CertificateMinter;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.dns.DnsFault;
import org.dane4j.testkit.smtp.SmtpFault;
import org.dane4j.testkit.smtp.SmtpTestServer;
import org.dane4j.tlsa.FailureType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/** Direct-to-MX delivery end to end: signed DNS and SMTP servers on loopback, real sockets and TLS. */
class DaneMailerTest {
  private static final String RCPT = "bob@example.test";

  /** The failure-path invariant: no message byte and no MAIL FROM ever crossed the wire in clear. */
  private static void assertNothingSentInCleartext(SmtpTestServer server) throws InterruptedException {
    server.awaitConnectionsClosed(Duration.ofSeconds(5));
    assertThat(server.cleartextBytes()).doesNotContain(BODY_MARKER).doesNotContainIgnoringCase("MAIL FROM");
    assertThat(server.messages()).isEmpty();
  }

  private static RecipientResult send(MailLab lab) throws Exception {
    try (DaneMailer mailer = lab.mailer()) {
      DeliveryReport report = mailer.send(message(RCPT));
      return report.of(RCPT);
    }
  }

  @Test
  @DisplayName("Write deadlines run on the mailer's one timer (not a scheduler thread per connection); it stops "
      + "once the mailer is closed and its sessions have ended")
  void writeDeadlinesShareOneTimer() throws Exception {
    try (MailLab lab = new MailLab()) {
      MintedCertificate leaf = lab.leaf("mx.example.test");
      lab.mx("mx.example.test", 2, leaf);
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      lab.tlsa("mx.example.test", ee311(leaf));
      DaneMailer mailer = lab.mailer();
      DaneMailer.WriteDeadlines timer = mailer.writeDeadlines();
      assertThat(mailer.send(message(RCPT)).of(RCPT).status()).isEqualTo(Status.DELIVERED);
      assertThat(timer.scheduled.sum()).as("write deadlines set on the shared timer").isPositive();
      mailer.close();
      assertThat(timer.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  @DisplayName("EE-1: DANE-EE 3 1 1: delivered, verified, over TLS with SNI = the MX host")
  void daneEeDelivered() throws Exception {
    try (MailLab lab = new MailLab()) {
      MintedCertificate leaf = lab.leaf("mx.example.test");
      SmtpTestServer mx = lab.mx("mx.example.test", 2, leaf);
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      lab.tlsa("mx.example.test", ee311(leaf));
      RecipientResult r = send(lab);
      assertThat(r.status()).as("%s", r).isEqualTo(Status.DELIVERED);
      assertThat(r.deliveredBy()).hasValueSatisfying(a -> {
        assertThat(a.verdict()).isEqualTo(TlsVerdict.VERIFIED);
        assertThat(a.tlsProtocol()).startsWith("TLSv1.");
        assertThat(a.daneVerification().orElseThrow().matchDepth()).isZero();
      });
      assertThat(mx.messages()).singleElement().satisfies(m -> {
        assertThat(m.tls()).isTrue();
        assertThat(m.sniName()).contains("mx.example.test");
        assertThat(m.rcptTo()).containsExactly(RCPT);
        assertThat(m.text()).contains(BODY_MARKER).contains("\r\n.leading dot stays");
        assertThat(m.ehloNames()).contains("sender.example.org");
      });
      assertThat(mx.cleartextBytes()).doesNotContain(BODY_MARKER);
    }
  }

  @Test
  @DisplayName("TA-1: DANE-TA 2 1 1 of the issuing CA: delivered at depth 1")
  void daneTaDelivered() throws Exception {
    try (MailLab lab = new MailLab()) {
      lab.mx("mx.example.test", 2, lab.leaf("mx.example.test"));
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      lab.tlsa("mx.example.test", ta211(lab.issuer()));
      RecipientResult r = send(lab);
      assertThat(r.status()).as("%s", r).isEqualTo(Status.DELIVERED);
      assertThat(r.deliveredBy().orElseThrow().daneVerification().orElseThrow().matchDepth()).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("TLS-1: no TLSA match: deferred, nothing sent in cleartext")
  void noMatchDeferred() throws Exception {
    try (MailLab lab = new MailLab()) {
      SmtpTestServer mx = lab.mx("mx.example.test", 2, lab.leaf("mx.example.test"));
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      lab.tlsa("mx.example.test", ee311(lab.leaf("mx.example.test"))); // another key
      RecipientResult r = send(lab);
      assertThat(r.status()).isEqualTo(Status.DEFERRED);
      assertThat(r.failureType()).isEqualTo(FailureType.CERTIFICATE_NOT_TRUSTED);
      assertThat(r.attempts()).singleElement().satisfies(a -> assertThat(a.transientFailure()).isTrue());
      assertNothingSentInCleartext(mx);
    }
  }

  @Test
  @DisplayName("TA-3: DANE-TA with a leaf naming another host: deferred, nothing sent in cleartext")
  void daneTaNameMismatchDeferred() throws Exception {
    try (MailLab lab = new MailLab()) {
      SmtpTestServer mx = lab.mx("mx.example.test", 2, lab.leaf("other.example.net"));
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      lab.tlsa("mx.example.test", ta211(lab.issuer()));
      RecipientResult r = send(lab);
      assertThat(r.status()).isEqualTo(Status.DEFERRED);
      assertThat(r.failureType()).isEqualTo(FailureType.CERTIFICATE_HOST_MISMATCH);
      assertNothingSentInCleartext(mx);
    }
  }

  @Test
  @DisplayName("EE-2: an expired leaf matched by DANE-EE is delivered")
  void expiredLeafWithDaneEeDelivered() throws Exception {
    try (MailLab lab = new MailLab()) {
      MintedCertificate expired = CertificateMinter.certificate().dnsNames("elsewhere.example.net")
          .issuer(lab.issuer()).validity(Instant.now().minus(Duration.ofDays(60)), Instant.now().minus(Duration.ofDays(1)))
          .mint();
      lab.mx("mx.example.test", 2, expired);
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      lab.tlsa("mx.example.test", ee311(expired));
      assertThat(send(lab).status()).isEqualTo(Status.DELIVERED);
    }
  }

  @Test
  @DisplayName("TLS-1: usable TLSA but no STARTTLS offered: deferred, nothing sent in cleartext")
  void noStartTlsDeferred() throws Exception {
    try (MailLab lab = new MailLab()) {
      MintedCertificate leaf = lab.leaf("mx.example.test");
      SmtpTestServer mx = lab.mx("mx.example.test", 2, leaf, b -> b.fault(SmtpFault.NO_STARTTLS));
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      lab.tlsa("mx.example.test", ee311(leaf));
      RecipientResult r = send(lab);
      assertThat(r.status()).isEqualTo(Status.DEFERRED);
      assertThat(r.failureType()).isEqualTo(FailureType.STARTTLS_NOT_SUPPORTED);
      assertNothingSentInCleartext(mx);
    }
  }

  @Test
  @DisplayName("TLS-1: STARTTLS refused or handshake broken: deferred, nothing sent in cleartext")
  void refusedOrBrokenStartTlsDeferred() throws Exception {
    for (SmtpFault fault : new SmtpFault[] {SmtpFault.REFUSE_STARTTLS, SmtpFault.HANDSHAKE_FAIL}) {
      try (MailLab lab = new MailLab()) {
        MintedCertificate leaf = lab.leaf("mx.example.test");
        SmtpTestServer mx = lab.mx("mx.example.test", 2, leaf, b -> b.fault(fault));
        lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
        lab.tlsa("mx.example.test", ee311(leaf));
        RecipientResult r = send(lab);
        assertThat(r.status()).as("%s", fault).isEqualTo(Status.DEFERRED);
        assertThat(r.failureType()).as("%s", fault).isEqualTo(fault == SmtpFault.REFUSE_STARTTLS
            ? FailureType.STARTTLS_NOT_SUPPORTED : FailureType.VALIDATION_FAILURE);
        assertNothingSentInCleartext(mx);
      }
    }
  }

  @Test
  @DisplayName("USE-5: all TLSA records unusable: delivered over unauthenticated TLS (encrypted)")
  void allUnusableEncrypted() throws Exception {
    try (MailLab lab = new MailLab()) {
      SmtpTestServer mx = lab.mx("mx.example.test", 2, lab.leaf("mx.example.test"));
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      lab.tlsa("mx.example.test", "0 1 1 " + "ab".repeat(32));
      RecipientResult r = send(lab);
      assertThat(r.status()).isEqualTo(Status.DELIVERED);
      assertThat(r.deliveredBy().orElseThrow().verdict()).isEqualTo(TlsVerdict.ENCRYPTED);
      assertThat(mx.messages()).singleElement().satisfies(m -> assertThat(m.tls()).isTrue());
    }
  }

  @Test
  @DisplayName("USE-5: all unusable and no STARTTLS: deferred, never cleartext")
  void allUnusableWithoutStartTlsDeferred() throws Exception {
    try (MailLab lab = new MailLab()) {
      SmtpTestServer mx = lab.mx("mx.example.test", 2, lab.leaf("mx.example.test"),
          b -> b.fault(SmtpFault.NO_STARTTLS));
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      lab.tlsa("mx.example.test", "0 1 1 " + "ab".repeat(32));
      assertThat(send(lab).status()).isEqualTo(Status.DEFERRED);
      assertNothingSentInCleartext(mx);
    }
  }

  @Test
  @DisplayName("TLSA-3: bogus TLSA: deferred without connecting")
  void bogusTlsaDeferred() throws Exception {
    try (MailLab lab = new MailLab()) {
      MintedCertificate leaf = lab.leaf("mx.example.test");
      SmtpTestServer mx = lab.mx("mx.example.test", 2, leaf);
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      lab.tlsa("mx.example.test", ee311(leaf));
      lab.world().fault("_" + lab.port() + "._tcp.mx.example.test.", Type.TLSA, DnsFault.CORRUPT_RRSIG);
      RecipientResult r = send(lab);
      assertThat(r.status()).isEqualTo(Status.DEFERRED);
      assertThat(r.failureType()).isEqualTo(FailureType.DNSSEC_INVALID);
      assertThat(mx.connections()).isEmpty();
    }
  }

  @Test
  @DisplayName("TLS-1: the first MX fails DANE, the second delivers")
  void secondMxAfterDaneFailure() throws Exception {
    try (MailLab lab = new MailLab()) {
      MintedCertificate good = lab.leaf("mx2.example.test");
      SmtpTestServer first = lab.mx("mx1.example.test", 2, lab.leaf("mx1.example.test"));
      SmtpTestServer second = lab.mx("mx2.example.test", 3, good);
      lab.zone().add("example.test. 300 IN MX 10 mx1.example.test.", "example.test. 300 IN MX 20 mx2.example.test.");
      lab.tlsa("mx1.example.test", ee311(good)); // mx1 presents another key
      lab.tlsa("mx2.example.test", ee311(good));
      RecipientResult r = send(lab);
      assertThat(r.status()).isEqualTo(Status.DELIVERED);
      assertThat(r.attempts()).hasSize(2);
      assertThat(r.attempts().get(0).failed()).isTrue();
      assertThat(r.deliveredBy().orElseThrow().route().mxHost()).isEqualTo("mx2.example.test");
      assertNothingSentInCleartext(first);
      assertThat(second.messages()).hasSize(1);
    }
  }

  @Test
  @DisplayName("TLS-3: a reply injected after 220 to STARTTLS is never acted upon")
  void injectionAfterStartTlsIsNotActedUpon() throws Exception {
    try (MailLab lab = new MailLab()) {
      MintedCertificate leaf = lab.leaf("mx.example.test");
      SmtpTestServer mx = lab.mx("mx.example.test", 2, leaf, b -> b.fault(SmtpFault.INJECT_AFTER_STARTTLS));
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      lab.tlsa("mx.example.test", ee311(leaf));
      RecipientResult r = send(lab);
      mx.awaitConnectionsClosed(Duration.ofSeconds(5));
      assertThat(mx.firedCount(SmtpFault.INJECT_AFTER_STARTTLS)).isPositive();
      assertThat(mx.cleartextBytes()).doesNotContain(BODY_MARKER).doesNotContainIgnoringCase("MAIL FROM");
      if (r.status() == Status.DELIVERED) { // the client discarded the injected bytes and re-did EHLO in TLS
        assertThat(mx.messages()).singleElement().satisfies(m -> assertThat(m.tls()).isTrue());
      } else {
        assertThat(r.status()).isEqualTo(Status.DEFERRED);
      }
    }
  }

  @Test
  @DisplayName("OUT-1: no TLSA: opportunistic TLS when offered, cleartext when not, each reported as such")
  void opportunisticVerdicts() throws Exception {
    try (MailLab lab = new MailLab()) {
      SmtpTestServer mx = lab.mx("mx.example.test", 2, lab.leaf("mx.example.test"));
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      RecipientResult tls = send(lab);
      assertThat(tls.status()).isEqualTo(Status.DELIVERED);
      assertThat(tls.deliveredBy().orElseThrow().verdict()).isEqualTo(TlsVerdict.OPPORTUNISTIC);
      mx.setFaults(SmtpFault.NO_STARTTLS);
      RecipientResult clear = send(lab);
      assertThat(clear.status()).isEqualTo(Status.DELIVERED);
      assertThat(clear.deliveredBy().orElseThrow().verdict()).isEqualTo(TlsVerdict.CLEARTEXT);
      assertThat(clear.deliveredBy().orElseThrow().tlsProtocol()).isNull();
    }
  }

  @Test
  @DisplayName("TLS-6: two domains on the same MX host: one transaction and one verified connection each")
  void tls6_noConnectionSharedAcrossRoutes() throws Exception {
    try (MailLab lab = new MailLab()) {
      MintedCertificate leaf = lab.leaf("mx.example.test");
      SmtpTestServer mx = lab.mx("mx.example.test", 2, leaf);
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.", "sub.example.test. 300 IN MX 10 mx.example.test.");
      lab.tlsa("mx.example.test", ee311(leaf));
      try (DaneMailer mailer = lab.mailer()) {
        DeliveryReport report = mailer.send(message(RCPT, "carol@sub.example.test"));
        assertThat(report.allDelivered()).as("%s", report).isTrue();
      }
      mx.awaitConnectionsClosed(2, Duration.ofSeconds(5));
      assertThat(mx.connections()).hasSize(2).allSatisfy(c -> assertThat(c.tlsEstablished()).isTrue());
      assertThat(mx.messages()).hasSize(2);
    }
  }

  /** A DANE MX whose server shows {@code faults}; returns the server. */
  private static SmtpTestServer daneMx(MailLab lab, SmtpFault... faults) {
    MintedCertificate leaf = lab.leaf("mx.example.test");
    SmtpTestServer mx = lab.mx("mx.example.test", 2, leaf, b -> b.faults(faults));
    lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
    lab.tlsa("mx.example.test", ee311(leaf));
    return mx;
  }

  @Test
  @DisplayName("TLS-7: an endless multi-line reply: deferred naming maxReplyLines, the heap untouched")
  void tls7_endlessMultiLineReplyIsCutAtMaxReplyLines() throws Exception {
    try (MailLab lab = new MailLab()) {
      SmtpTestServer mx = daneMx(lab, SmtpFault.ENDLESS_REPLY);
      RecipientResult r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> send(lab));
      assertThat(r.status()).as("%s", r).isEqualTo(Status.DEFERRED);
      assertThat(r.reason()).contains("limit maxReplyLines 100");
      assertThat(r.failureType()).isNull(); // a crossed limit, not a TLS verdict
      mx.awaitConnectionsClosed(Duration.ofSeconds(10));
      // 100 lines are 6,400 bytes: the server offered far more than the limit
      assertThat(mx.connections()).singleElement()
          .satisfies(c -> assertThat(c.bytesSent()).isGreaterThan(10 * 100 * 64));
    }
  }

  @Test
  @DisplayName("TLS-7: one endless reply line: deferred naming maxReplyLineLength")
  void tls7_endlessLineIsCutAtMaxReplyLineLength() throws Exception {
    try (MailLab lab = new MailLab()) {
      SmtpTestServer mx = daneMx(lab, SmtpFault.ENDLESS_LINE);
      RecipientResult r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> send(lab));
      assertThat(r.status()).as("%s", r).isEqualTo(Status.DEFERRED);
      assertThat(r.reason()).contains("limit maxReplyLineLength 2048");
      mx.awaitConnectionsClosed(Duration.ofSeconds(10));
      assertThat(mx.connections()).singleElement()
          .satisfies(c -> assertThat(c.bytesSent()).isGreaterThan(10 * 2048));
    }
  }

  @Test
  @DisplayName("TLS-7: a slowloris server (1 byte / 200 ms, never ending): the reply deadline ends the attempt")
  void tls7_trickledReplyIsCutAtTheReplyDeadline() throws Exception {
    try (MailLab lab = new MailLab()) {
      daneMx(lab, SmtpFault.TRICKLE_REPLIES, SmtpFault.ENDLESS_REPLY);
      // each read gets a byte within 200 ms, far inside the 5 s read timeout: only the reply deadline helps
      try (DaneMailer mailer = DaneMailer.builder().resolver(lab.resolver()).ehloName("sender.example.org")
          .mxPort(lab.port()).connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(5))
          .replyTimeout(Duration.ofSeconds(2)).build()) {
        DeliveryReport report = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> mailer.send(message(RCPT)));
        RecipientResult r = report.of(RCPT);
        assertThat(r.status()).as("%s", r).isEqualTo(Status.DEFERRED);
        assertThat(r.reason()).contains("limit replyTimeout 2 s");
      }
    }
  }

  @Test
  @DisplayName("TLS-7: limits hold inside TLS too: an endless reply to MAIL FROM defers naming maxReplyLines")
  void tls7_endlessReplyInsideTlsIsCut() throws Exception {
    try (MailLab lab = new MailLab()) {
      SmtpTestServer mx = daneMx(lab);
      mx.holdRepliesTo("MAIL"); // the fault comes with the reply to MAIL FROM, inside the verified session
      try (DaneMailer mailer = lab.mailer()) {
        java.util.concurrent.CompletableFuture<DeliveryReport> sent = java.util.concurrent.CompletableFuture
            .supplyAsync(() -> {
              try {
                return mailer.send(message(RCPT));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
        while (mx.heldCount() == 0) {
          Thread.sleep(10);
        }
        mx.setFaults(SmtpFault.ENDLESS_REPLY);
        mx.releaseHeld();
        RecipientResult r = sent.get(60, java.util.concurrent.TimeUnit.SECONDS).of(RCPT);
        assertThat(r.status()).as("%s", r).isEqualTo(Status.DEFERRED);
        assertThat(r.reason()).contains("limit maxReplyLines 100");
      }
      assertThat(mx.connections()).singleElement().satisfies(c -> assertThat(c.tlsEstablished()).isTrue());
    }
  }

  @Test
  @DisplayName("TLS-8: mail.smtp.starttls.required on an MX without DANE: TLS mandatory, no cleartext retry")
  void tls8_starttlsRequiredIsAFloorInDirectMode() throws Exception {
    try (MailLab lab = new MailLab()) {
      SmtpTestServer mx = lab.mx("mx.example.test", 2, lab.leaf("mx.example.test"),
          b -> b.fault(SmtpFault.HANDSHAKE_FAIL));
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      try (DaneMailer mailer = DaneMailer.builder().resolver(lab.resolver()).ehloName("sender.example.org")
          .mxPort(lab.port()).connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(5))
          .property("mail.smtp.starttls.required", "true").build()) {
        RecipientResult r = mailer.send(message(RCPT)).of(RCPT);
        assertThat(r.status()).as("%s", r).isEqualTo(Status.DEFERRED);
        assertThat(r.attempts()).singleElement().satisfies(a -> assertThat(a.failed()).isTrue());
      }
      assertNothingSentInCleartext(mx);
      assertThat(mx.connections()).singleElement(); // no second, cleartext connection
      mx.setFaults(SmtpFault.NO_STARTTLS);
      try (DaneMailer mailer = DaneMailer.builder().resolver(lab.resolver()).ehloName("sender.example.org")
          .mxPort(lab.port()).property("mail.smtp.starttls.required", "true").build()) {
        RecipientResult r = mailer.send(message(RCPT)).of(RCPT);
        assertThat(r.status()).as("%s", r).isEqualTo(Status.DEFERRED);
        assertThat(r.failureType()).isEqualTo(FailureType.STARTTLS_NOT_SUPPORTED);
      }
      assertNothingSentInCleartext(mx);
    }
  }

  @Test
  void opportunisticRouteRetriesInCleartextAfterAFailedHandshake() throws Exception {
    try (MailLab lab = new MailLab()) {
      SmtpTestServer mx = lab.mx("mx.example.test", 2, lab.leaf("mx.example.test"),
          b -> b.fault(SmtpFault.HANDSHAKE_FAIL));
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      RecipientResult r = send(lab);
      assertThat(r.status()).as("%s", r).isEqualTo(Status.DELIVERED);
      assertThat(r.attempts()).hasSize(2);
      assertThat(r.attempts().get(0).failed()).isTrue();
      assertThat(r.deliveredBy().orElseThrow().verdict()).isEqualTo(TlsVerdict.CLEARTEXT);
      assertThat(mx.messages()).singleElement().satisfies(m -> assertThat(m.tls()).isFalse());
    }
  }

  @Test
  void permanentRcptRejectionFailsTheRecipient() throws Exception {
    try (MailLab lab = new MailLab()) {
      MintedCertificate leaf = lab.leaf("mx.example.test");
      lab.mx("mx.example.test", 2, leaf, b -> b.replyTo("RCPT", "550 5.1.1 no such user"));
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      lab.tlsa("mx.example.test", ee311(leaf));
      RecipientResult r = send(lab);
      assertThat(r.status()).isEqualTo(Status.FAILED);
      assertThat(r.reason()).contains("550");
    }
  }

  @Test
  @DisplayName("MX-3: null MX fails permanently; sendOrThrow carries the report")
  void nullMxFails() throws Exception {
    try (MailLab lab = new MailLab()) {
      lab.dns();
      lab.zone().add("example.test. 300 IN MX 0 .");
      try (DaneMailer mailer = lab.mailer()) {
        assertThatThrownBy(() -> mailer.sendOrThrow(message(RCPT)))
            .isInstanceOfSatisfying(DaneSendFailedException.class, e -> {
              assertThat(e.report().of(RCPT).status()).isEqualTo(Status.FAILED);
              assertThat(e.getInvalidAddresses()).hasSize(1);
            });
      }
    }
  }

  @Test
  @DisplayName("IN-1: an address literal recipient after a delivered domain: delivered + failed, nothing thrown")
  void in1_addressLiteralRecipientIsReportedNotThrown() throws Exception {
    try (MailLab lab = new MailLab()) {
      MintedCertificate leaf = lab.leaf("mx.example.test");
      SmtpTestServer mx = lab.mx("mx.example.test", 2, leaf);
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      lab.tlsa("mx.example.test", ee311(leaf));
      try (DaneMailer mailer = lab.mailer()) {
        DeliveryReport report = mailer.send(message(RCPT), "alice@example.org", List.of(RCPT, "carol@[192.0.2.1]"));
        assertThat(report.results()).extracting(RecipientResult::recipient)
            .containsExactly(RCPT, "carol@[192.0.2.1]");
        assertThat(report.of(RCPT).status()).as("%s", report).isEqualTo(Status.DELIVERED);
        RecipientResult carol = report.of("carol@[192.0.2.1]");
        assertThat(carol.status()).isEqualTo(Status.FAILED);
        assertThat(carol.attempts()).isEmpty();
        assertThat(carol.reason()).contains("address literal").contains("no MX or TLSA record");
      }
      mx.awaitConnectionsClosed(Duration.ofSeconds(5));
      assertThat(mx.messages()).singleElement().satisfies(m -> assertThat(m.rcptTo()).containsExactly(RCPT));
    }
  }

  @Test
  @DisplayName("IN-1: a CR in the envelope sender fails every recipient permanently before any connection")
  void in1_crInSenderFailsBeforeConnecting() throws Exception {
    try (MailLab lab = new MailLab()) {
      MintedCertificate leaf = lab.leaf("mx.example.test");
      SmtpTestServer mx = lab.mx("mx.example.test", 2, leaf);
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      lab.tlsa("mx.example.test", ee311(leaf));
      try (DaneMailer mailer = lab.mailer()) {
        DeliveryReport report = mailer.send(message(RCPT), "alice\r@example.org", List.of(RCPT));
        RecipientResult r = report.of(RCPT);
        assertThat(r.status()).as("%s", r).isEqualTo(Status.FAILED);
        assertThat(r.attempts()).isEmpty();
        assertThat(r.reason()).contains("envelope sender").contains("control character (CR)");
      }
      assertThat(mx.connectionCount()).isZero();
    }
  }

  @Test
  @DisplayName("IN-1: planning that times out for one domain defers its recipients; the delivered domain stays delivered")
  void in1_planningErrorDefersThatDomainOnly() throws Exception {
    try (MailLab lab = new MailLab()) {
      MintedCertificate leaf = lab.leaf("mx.example.test");
      lab.mx("mx.example.test", 2, leaf);
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.", "slow.example.test. 300 IN MX 10 mx.example.test.");
      lab.tlsa("mx.example.test", ee311(leaf));
      lab.world().fault("slow.example.test.", Type.MX, DnsFault.TIMEOUT);
      try (org.dane4j.dns.DaneResolver slowResolver = org.dane4j.dns.DaneResolver.builder()
              .servers(lab.dns().address()).trustAnchors(lab.world().trustAnchor())
              .timeout(Duration.ofSeconds(20)).retries(0).cacheSize(0).build();
          DaneMailer mailer = DaneMailer.builder().resolver(slowResolver).ehloName("sender.example.org")
              .mxPort(lab.port()).connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(5))
              .planTimeout(Duration.ofSeconds(1)).build()) {
        DeliveryReport report = mailer.send(message(RCPT), "alice@example.org", List.of(RCPT, "dave@slow.example.test"));
        assertThat(report.of(RCPT).status()).as("%s", report).isEqualTo(Status.DELIVERED);
        RecipientResult dave = report.of("dave@slow.example.test");
        assertThat(dave.status()).isEqualTo(Status.DEFERRED);
        assertThat(dave.reason()).contains("slow.example.test").contains("longer than");
      }
    }
  }

  @Test
  @DisplayName("TLS-1 (Postfix): an address of the host fails DANE, its other address is tried too")
  void tls1_nextAddressOfTheSameHostAfterADaneFailure() throws Exception {
    try (MailLab lab = new MailLab()) {
      MintedCertificate published = lab.leaf("mx.example.test");
      // both addresses present another key (the order of the A records is the DNS server's)
      SmtpTestServer first = lab.mx("mx.example.test", 2, lab.leaf("mx.example.test"));
      SmtpTestServer second = lab.mx("mx.example.test", 3, lab.leaf("mx.example.test"));
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      lab.tlsa("mx.example.test", ee311(published));
      RecipientResult r = send(lab);
      assertThat(r.status()).as("%s", r).isEqualTo(Status.DEFERRED);
      assertThat(r.attempts()).hasSize(2).allSatisfy(a -> {
        assertThat(a.failed()).isTrue();
        assertThat(a.failureType()).isEqualTo(FailureType.CERTIFICATE_NOT_TRUSTED);
      });
      assertThat(r.attempts()).extracting(a -> a.address().getHostAddress())
          .containsExactlyInAnyOrder("127.0.0.2", "127.0.0.3");
      assertNothingSentInCleartext(first);
      assertNothingSentInCleartext(second);
    }
  }

  @Test
  @DisplayName("Thread safety: one mailer, sendAsync and send from eight threads at once: every message delivered")
  void oneMailerManyThreads() throws Exception {
    try (MailLab lab = new MailLab()) {
      SmtpTestServer mx = daneMx(lab);
      try (DaneMailer mailer = DaneMailer.builder().resolver(lab.resolver()).ehloName("sender.example.org")
          .mxPort(lab.port()).connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(5)).threads(3)
          .build()) {
        java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
          List<java.util.concurrent.Future<DeliveryReport>> reports = new java.util.ArrayList<>();
          for (int i = 0; i < 8; i++) {
            boolean async = i % 2 == 0;
            reports.add(callers.submit(() -> async ? mailer.sendAsync(message(RCPT)).join()
                : mailer.send(message(RCPT))));
          }
          for (java.util.concurrent.Future<DeliveryReport> f : reports) {
            DeliveryReport report = f.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(report.allDelivered()).as("%s", report).isTrue();
          }
        } finally {
          callers.shutdownNow();
        }
      }
      mx.awaitConnectionsClosed(8, Duration.ofSeconds(10));
      assertThat(mx.messages()).hasSize(8).allSatisfy(m -> assertThat(m.tls()).isTrue());
    }
  }

  @Test
  @DisplayName("threads bounds the sessions: with threads(1) a second send waits while the first session is open")
  void threadsBoundTheSessions() throws Exception {
    try (MailLab lab = new MailLab()) {
      SmtpTestServer mx = daneMx(lab);
      mx.holdRepliesTo("MAIL");
      try (DaneMailer mailer = DaneMailer.builder().resolver(lab.resolver()).ehloName("sender.example.org")
          .mxPort(lab.port()).connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(20)).threads(1)
          .build()) {
        java.util.concurrent.CompletableFuture<DeliveryReport> one = mailer.sendAsync(message(RCPT));
        java.util.concurrent.CompletableFuture<DeliveryReport> two = mailer.sendAsync(message(RCPT));
        while (mx.heldCount() == 0) {
          Thread.sleep(10);
        }
        Thread.sleep(300); // room for a second connection, which must not come
        assertThat(mx.connectionCount()).isEqualTo(1);
        mx.releaseHeld();
        assertThat(one.get(60, java.util.concurrent.TimeUnit.SECONDS).allDelivered()).isTrue();
        assertThat(two.get(60, java.util.concurrent.TimeUnit.SECONDS).allDelivered()).isTrue();
      }
      assertThat(mx.messages()).hasSize(2);
    }
  }

  @Test
  void builderChecksThreadsAndClosedMailerRefuses() throws Exception {
    assertThatThrownBy(() -> DaneMailer.builder().threads(0)).hasMessageContaining("threads must be 1..1000");
    try (MailLab lab = new MailLab()) {
      lab.dns();
      DaneMailer mailer = lab.mailer();
      mailer.close();
      assertThatThrownBy(() -> mailer.send(message(RCPT))).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("closed");
    }
  }
}
