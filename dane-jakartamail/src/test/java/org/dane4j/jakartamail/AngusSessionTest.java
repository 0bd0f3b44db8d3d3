package org.dane4j.jakartamail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.dane4j.jakartamail.MailLab.ee311;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.dane4j.delivery.SessionPhase;
import org.dane4j.delivery.SessionRequest;
import org.dane4j.delivery.SessionResult;
import org.dane4j.delivery.SmtpReply;
import org.dane4j.smtp.DeliveryPlanner;
import org.dane4j.smtp.Destination;
import org.dane4j.smtp.MxRoute;
import org.dane4j.smtp.TlsRequirement;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.smtp.SmtpFault;
import org.dane4j.testkit.smtp.SmtpTestServer;
import org.dane4j.tlsa.FailureType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The Angus {@link org.dane4j.delivery.SmtpSession} on its own: what one session reports to the engine for each
 * kind of ending (the facts the engine decides on), against SMTP servers on loopback.
 */
class AngusSessionTest {
  private static final String RCPT = "bob@example.test";
  private static final byte[] MESSAGE = ("From: alice@example.org\r\nTo: bob@example.test\r\nSubject: t\r\n\r\n"
      + MailLab.BODY_MARKER + "\r\n.leading dot\r\n").getBytes(StandardCharsets.US_ASCII);

  private static MxRoute route(MailLab lab) {
    return DeliveryPlanner.of(lab.resolver()).plan(Destination.domain("example.test", lab.port())).join()
        .routes().get(0);
  }

  private static SessionRequest transaction(MxRoute route, boolean startTls, boolean floor) {
    return new SessionRequest(route, route.addresses().get(0), "alice@example.org", List.of(RCPT), MESSAGE,
        startTls, floor);
  }

  private static SmtpTestServer dane(MailLab lab, SmtpFault... faults) {
    MintedCertificate leaf = lab.leaf("mx.example.test");
    SmtpTestServer mx = lab.mx("mx.example.test", 2, leaf, b -> b.faults(faults));
    lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
    lab.tlsa("mx.example.test", ee311(leaf));
    return mx;
  }

  private static SmtpTestServer opportunistic(MailLab lab, SmtpFault... faults) {
    SmtpTestServer mx = lab.mx("mx.example.test", 2, lab.leaf("mx.example.test"), b -> b.faults(faults));
    lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
    return mx;
  }

  @Test
  @DisplayName("A delivered transaction: COMPLETE, verified TLS, the MAIL/RCPT/DATA replies as SmtpReply")
  void deliveredTransaction() throws Exception {
    try (MailLab lab = new MailLab(); DaneMailer mailer = lab.mailer()) {
      SmtpTestServer mx = dane(lab);
      MxRoute route = route(lab);
      assertThat(route.requirement()).isEqualTo(TlsRequirement.DANE);
      SessionResult r = mailer.sessions().runNow(transaction(route, true, false));
      assertThat(r.phase()).as("%s", r).isEqualTo(SessionPhase.COMPLETE);
      assertThat(r.connected()).isTrue();
      assertThat(r.tls()).isTrue();
      assertThat(r.authenticated()).isTrue();
      assertThat(r.tlsProtocol()).hasValueSatisfying(p -> assertThat(p).startsWith("TLSv1."));
      assertThat(r.verification()).hasValueSatisfying(v -> assertThat(v.verified()).isTrue());
      assertThat(r.mailReply()).hasValueSatisfying(m -> assertThat(m.code()).isEqualTo(250));
      assertThat(r.rcptReplies()).containsOnlyKeys(RCPT);
      assertThat(r.dataReply()).hasValueSatisfying(d -> assertThat(d.positive()).isTrue());
      assertThat(r.failure()).isEmpty();
      mx.awaitConnectionsClosed(Duration.ofSeconds(5));
      assertThat(mx.messages()).singleElement().satisfies(m -> {
        assertThat(m.text()).contains(MailLab.BODY_MARKER).contains("\r\n.leading dot");
        assertThat(m.mailFrom()).isEqualTo("alice@example.org");
      });
    }
  }

  @Test
  @DisplayName("TLS-6: a session reuses the socket factory and session copy of a finished one, never its route: "
      + "the idle kit refuses every socket, and the next route's own TLSA decides its handshake")
  void tls6_reusedKitCarriesNoRoute() throws Exception {
    try (MailLab lab = new MailLab(); DaneMailer mailer = lab.mailer()) {
      SmtpTestServer mx = dane(lab);
      SessionResult first = mailer.sessions().runNow(transaction(route(lab), true, false));
      assertThat(first.phase()).as("%s", first).isEqualTo(SessionPhase.COMPLETE);
      assertThat(first.authenticated()).isTrue();
      SessionCopies.TlsKit kit = mailer.sessions().idleKits().get(0);
      assertThat(mailer.sessions().idleKits()).hasSize(1);
      assertThat(kit.factory.current()).isNull();
      assertThatThrownBy(() -> kit.factory.plain().createSocket()).isInstanceOf(java.io.IOException.class)
          .hasMessageContaining("no DANE route");
      // another domain on the same server whose TLSA names a certificate the server does not have
      lab.zone().add("other.example.test. 300 IN MX 10 mx2.example.test.", "mx2.example.test. 300 IN A 127.0.0.2");
      lab.tlsa("mx2.example.test", ee311(lab.leaf("mx2.example.test")));
      MxRoute other = DeliveryPlanner.of(lab.resolver()).plan(Destination.domain("other.example.test", lab.port()))
          .join().routes().get(0);
      assertThat(other.requirement()).isEqualTo(TlsRequirement.DANE);
      SessionResult second = mailer.sessions().runNow(transaction(other, true, false));
      assertThat(mailer.sessions().idleKits()).singleElement().isSameAs(kit); // the kit was reused
      assertThat(second.phase()).as("%s", second).isEqualTo(SessionPhase.TLS_HANDSHAKE);
      assertThat(second.authenticated()).isFalse();
      assertThat(second.mailReply()).isEmpty();
      mx.awaitConnectionsClosed(2, Duration.ofSeconds(5));
      assertThat(mx.messages()).hasSize(1);
    }
  }

  @Test
  @DisplayName("The server's refusals are replies, not failures: 550 to RCPT, 554 after DATA")
  void refusalsAreReplies() throws Exception {
    try (MailLab lab = new MailLab(); DaneMailer mailer = lab.mailer()) {
      SmtpTestServer mx = dane(lab);
      mx.replyTo("RCPT", "550 5.1.1 no such user");
      SessionResult r = mailer.sessions().runNow(transaction(route(lab), true, false));
      assertThat(r.rcptReplies()).containsEntry(RCPT, new SmtpReply(550, "5.1.1 no such user"));
      assertThat(r.failure()).as("%s", r).isEmpty();
      mx.clearReplies();
      mx.replyTo("DATA", "554 5.7.1 no thanks");
      r = mailer.sessions().runNow(transaction(route(lab), true, false));
      assertThat(r.dataReply()).hasValueSatisfying(d -> assertThat(d.code()).isEqualTo(554));
      assertThat(r.failure()).as("%s", r).isEmpty();
    }
  }

  @Test
  @DisplayName("TLS-8: tlsMandatory (the floor) on an OPPORTUNISTIC route without STARTTLS: ends at STARTTLS, "
      + "starttls-not-supported, nothing of the message in cleartext")
  void tls8_floorMakesStartTlsMandatory() throws Exception {
    try (MailLab lab = new MailLab(); DaneMailer mailer = lab.mailer()) {
      SmtpTestServer mx = opportunistic(lab, SmtpFault.NO_STARTTLS);
      MxRoute route = route(lab);
      assertThat(route.requirement()).isEqualTo(TlsRequirement.OPPORTUNISTIC);
      SessionResult r = mailer.sessions().runNow(transaction(route, true, true));
      assertThat(r.phase()).as("%s", r).isEqualTo(SessionPhase.STARTTLS);
      assertThat(r.failureType()).contains(FailureType.STARTTLS_NOT_SUPPORTED);
      assertThat(r.mailReply()).isEmpty();
      mx.awaitConnectionsClosed(Duration.ofSeconds(5));
      assertThat(mx.cleartextBytes()).doesNotContainIgnoringCase("MAIL FROM").doesNotContain(MailLab.BODY_MARKER);
    }
  }

  @Test
  @DisplayName("A failed handshake on an OPPORTUNISTIC route ends at TLS_HANDSHAKE; startTls=false then sends "
      + "no STARTTLS and delivers in cleartext")
  void handshakeFailureThenCleartextRequest() throws Exception {
    try (MailLab lab = new MailLab(); DaneMailer mailer = lab.mailer()) {
      SmtpTestServer mx = opportunistic(lab, SmtpFault.HANDSHAKE_FAIL);
      MxRoute route = route(lab);
      SessionResult failed = mailer.sessions().runNow(transaction(route, true, false));
      assertThat(failed.phase()).as("%s", failed).isEqualTo(SessionPhase.TLS_HANDSHAKE);
      assertThat(failed.connected()).isTrue();
      assertThat(failed.tls()).isFalse();
      SessionResult clear = mailer.sessions().runNow(transaction(route, false, false));
      assertThat(clear.phase()).as("%s", clear).isEqualTo(SessionPhase.COMPLETE);
      assertThat(clear.tls()).isFalse();
      mx.awaitConnectionsClosed(2, Duration.ofSeconds(5));
      assertThat(mx.connections().get(1).commands()).noneMatch(c -> c.startsWith("STARTTLS"));
      assertThat(mx.messages()).singleElement().satisfies(m -> assertThat(m.tls()).isFalse());
    }
  }

  @Test
  @DisplayName("A probe stops after the secured EHLO: verified TLS, QUIT, no MAIL FROM at all")
  void probeStopsAfterTheSecuredEhlo() throws Exception {
    try (MailLab lab = new MailLab(); DaneMailer mailer = lab.mailer()) {
      SmtpTestServer mx = dane(lab);
      MxRoute route = route(lab);
      SessionResult r = mailer.probe(route, route.addresses().get(0)).get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(r.phase()).as("%s", r).isEqualTo(SessionPhase.COMPLETE);
      assertThat(r.authenticated()).isTrue();
      assertThat(r.mailReply()).isEmpty();
      mx.awaitConnectionsClosed(Duration.ofSeconds(5));
      assertThat(mx.connections()).singleElement().satisfies(c -> {
        assertThat(c.tlsEstablished()).isTrue();
        assertThat(c.commandsInTls()).anyMatch(l -> l.startsWith("EHLO")).noneMatch(l -> l.startsWith("MAIL"));
      });
      assertThat(mx.messages()).isEmpty();
    }
  }

  @Test
  @DisplayName("No connection: phase CONNECT, not connected, a failure in words")
  void noConnection() throws Exception {
    try (MailLab lab = new MailLab(); DaneMailer mailer = lab.mailer()) {
      SmtpTestServer mx = dane(lab);
      MxRoute route = route(lab);
      mx.close();
      SessionResult r = mailer.sessions().runNow(transaction(route, true, false));
      assertThat(r.phase()).as("%s", r).isEqualTo(SessionPhase.CONNECT);
      assertThat(r.connected()).isFalse();
      assertThat(r.failure()).isPresent();
    }
  }

  @Test
  @DisplayName("#12: a probe's result says STARTTLS was offered and carries the chain the server presented")
  void probeReportsStartTlsOfferedAndThePresentedChain() throws Exception {
    try (MailLab lab = new MailLab(); DaneMailer mailer = lab.mailer()) {
      MintedCertificate leaf = lab.leaf("mx.example.test");
      lab.mx("mx.example.test", 2, leaf, b -> b);
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      lab.tlsa("mx.example.test", ee311(leaf));
      MxRoute route = route(lab);
      SessionResult r = mailer.probe(route, route.addresses().get(0)).get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(r.startTlsOffered()).as("%s", r).isTrue();
      assertThat(r.presentedChain()).isNotEmpty();
      assertThat(r.presentedChain().get(0)).isEqualTo(leaf.certificate());
      assertThat(r.presentedChain()).isUnmodifiable();
    }
  }

  @Test
  @DisplayName("#12: a probe of a server without STARTTLS: not offered, no chain, cleartext without failure "
      + "(OPPORTUNISTIC)")
  void probeWithoutStartTls() throws Exception {
    try (MailLab lab = new MailLab(); DaneMailer mailer = lab.mailer()) {
      opportunistic(lab, SmtpFault.NO_STARTTLS);
      MxRoute route = route(lab);
      SessionResult r = mailer.probe(route, route.addresses().get(0)).get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(r.phase()).as("%s", r).isEqualTo(SessionPhase.COMPLETE);
      assertThat(r.startTlsOffered()).isFalse();
      assertThat(r.tls()).isFalse();
      assertThat(r.presentedChain()).isEmpty();
    }
  }

  @Test
  @DisplayName("#12: a DANE mismatch still reports the chain the server presented, and that STARTTLS was offered")
  void failedHandshakeKeepsThePresentedChain() throws Exception {
    try (MailLab lab = new MailLab(); DaneMailer mailer = lab.mailer()) {
      MintedCertificate leaf = lab.leaf("mx.example.test");
      lab.mx("mx.example.test", 2, leaf, b -> b);
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      lab.tlsa("mx.example.test", ee311(lab.leaf("other.example.test")));
      MxRoute route = route(lab);
      SessionResult r = mailer.probe(route, route.addresses().get(0)).get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(r.phase()).as("%s", r).isEqualTo(SessionPhase.TLS_HANDSHAKE);
      assertThat(r.startTlsOffered()).isTrue();
      assertThat(r.presentedChain()).isNotEmpty();
      assertThat(r.presentedChain().get(0)).isEqualTo(leaf.certificate());
    }
  }

  @Test
  @DisplayName("TLS-7: the handshake deadline is a setting (handshakeTimeout), named when crossed")
  void tls7_handshakeTimeoutIsASetting() throws Exception {
    try (MailLab lab = new MailLab(); DaneMailer mailer = DaneMailer.builder().resolver(lab.resolver())
        .ehloName("sender.example.org").mxPort(lab.port() == 0 ? 25 : lab.port())
        .connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(20))
        .handshakeTimeout(Duration.ofSeconds(2)).build()) {
      dane(lab, SmtpFault.STALL_HANDSHAKE);
      MxRoute route = route(lab);
      SessionResult r = mailer.probe(route, route.addresses().get(0)).get(60, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(r.phase()).as("%s", r).isEqualTo(SessionPhase.TLS_HANDSHAKE);
      assertThat(r.failure()).hasValueSatisfying(f -> assertThat(f).contains("limit handshakeTimeout 2 s"));
    }
  }
}
