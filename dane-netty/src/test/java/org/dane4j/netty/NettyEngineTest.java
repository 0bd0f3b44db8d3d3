package org.dane4j.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dane4j.netty.NettyLab.BODY_MARKER;
import static org.dane4j.netty.NettyLab.ee311;
import static org.dane4j.netty.NettyLab.message;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.dane4j.delivery.SessionPhase;
import org.dane4j.delivery.SessionRequest;
import org.dane4j.delivery.SessionResult;
import org.dane4j.smtp.DeliveryAttempt;
import org.dane4j.smtp.DeliveryPlanner;
import org.dane4j.smtp.DeliveryReport;
import org.dane4j.smtp.Destination;
import org.dane4j.smtp.MxRoute;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.smtp.RecipientResult.Status;
import org.dane4j.smtp.TlsRequirement;
import org.dane4j.smtp.TlsVerdict;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.smtp.SmtpFault;
import org.dane4j.testkit.smtp.SmtpTestServer;
import org.dane4j.tlsa.FailureType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The Netty client as a session of dane-core's delivery engine (#12): the engine's decisions over real
 * sockets and TLS (next address, cleartext retry of an opportunistic route, a lost transaction reported as a
 * failure), the session contract (probe, no STARTTLS on a cleartext request) and the back-pressure bound.
 */
class NettyEngineTest {
  private static final String RCPT = "bob@example.test";
  private static final long NO_HANG_SECONDS = 30;

  private static RecipientResult send(DaneSmtpClient client, String rcpt) throws Exception {
    return client.send("alice@example.org", List.of(rcpt), message(rcpt)).get(NO_HANG_SECONDS, TimeUnit.SECONDS)
        .of(rcpt);
  }

  private static MxRoute firstRoute(NettyLab lab, String domain) {
    return DeliveryPlanner.of(lab.resolver()).plan(Destination.domain(domain, lab.port())).join().routes().get(0);
  }

  @Test
  @DisplayName("TLS-1: a DANE failure at one address moves on to the host's next address, then the next MX (Postfix)")
  void tls1_daneFailureTriesTheHostsNextAddress() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer bad1 = lab.mx("mx1.example.test", 2, lab.leaf("mx1.example.test"));
      SmtpTestServer bad2 = lab.mx("mx1.example.test", 3, lab.leaf("mx1.example.test")); // a second A record
      MintedCertificate good = lab.leaf("mx2.example.test");
      SmtpTestServer ok = lab.mx("mx2.example.test", 4, good);
      lab.zone().add("example.test. 300 IN MX 10 mx1.example.test.");
      lab.zone().add("example.test. 300 IN MX 20 mx2.example.test.");
      lab.tlsa("mx1.example.test", ee311(lab.leaf("mx1.example.test"))); // neither server has this key
      lab.tlsa("mx2.example.test", ee311(good));
      try (DaneSmtpClient client = lab.client()) {
        RecipientResult r = send(client, RCPT);
        assertThat(r.status()).as("%s", r).isEqualTo(Status.DELIVERED);
        // before #12 the Netty client abandoned mx1 after its first address: 2 attempts
        assertThat(r.attempts()).as("%s", r).hasSize(3);
        assertThat(r.attempts().subList(0, 2)).allSatisfy(a -> {
          assertThat(a.route().mxHost()).isEqualTo("mx1.example.test");
          assertThat(a.failureType()).isEqualTo(FailureType.CERTIFICATE_NOT_TRUSTED);
        }).extracting(a -> a.address().getHostAddress()).containsExactlyInAnyOrder("127.0.0.2", "127.0.0.3");
        assertThat(r.deliveredBy().orElseThrow().route().mxHost()).isEqualTo("mx2.example.test");
      }
      for (SmtpTestServer bad : List.of(bad1, bad2)) {
        bad.awaitConnectionsClosed(Duration.ofSeconds(5));
        assertThat(bad.handshakesFailed()).isEqualTo(1);
        assertThat(bad.cleartextBytes()).doesNotContainIgnoringCase("MAIL FROM").doesNotContain(BODY_MARKER);
      }
      assertThat(ok.messages()).singleElement().satisfies(m -> assertThat(m.tls()).isTrue());
    }
  }

  @Test
  @DisplayName("TLS-1: an OPPORTUNISTIC route whose handshake failed is retried once in cleartext at the same address (Postfix, level may)")
  void tls1_opportunisticHandshakeFailureRetriedInCleartext() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = lab.mx("mx.example.test", 2, lab.leaf("mx.example.test"),
          b -> b.fault(SmtpFault.HANDSHAKE_FAIL));
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test."); // no TLSA: OPPORTUNISTIC
      try (DaneSmtpClient client = lab.client()) {
        RecipientResult r = send(client, RCPT);
        // before #12 the Netty client moved on and, with no other route, deferred
        assertThat(r.status()).as("%s", r).isEqualTo(Status.DELIVERED);
        assertThat(r.attempts()).hasSize(2);
        assertThat(r.attempts().get(0).failed()).isTrue();
        assertThat(r.attempts().get(0).detail()).contains("TLS handshake failed");
        DeliveryAttempt clear = r.attempts().get(1);
        assertThat(clear.verdict()).isEqualTo(TlsVerdict.CLEARTEXT);
        assertThat(clear.address()).isEqualTo(r.attempts().get(0).address());
      }
      mx.awaitConnectionsClosed(Duration.ofSeconds(5));
      assertThat(mx.connectionCount()).isEqualTo(2);
      assertThat(mx.connections().get(1).commands()).doesNotContain("STARTTLS");
      assertThat(mx.messages()).singleElement().satisfies(m -> assertThat(m.tls()).isFalse());
    }
  }

  @Test
  @DisplayName("TLS-6: a cleartext-retry connection is never kept for the next message: that one tries TLS again")
  void tls6_cleartextRetryConnectionNotReused() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = lab.mx("mx.example.test", 2, lab.leaf("mx.example.test"),
          b -> b.fault(SmtpFault.HANDSHAKE_FAIL));
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      try (DaneSmtpClient client = lab.builder().idleConnectionTime(Duration.ofSeconds(30)).build()) {
        for (String rcpt : List.of(RCPT, "carol@example.test")) {
          RecipientResult r = send(client, rcpt);
          assertThat(r.status()).as("%s", r).isEqualTo(Status.DELIVERED);
          assertThat(r.attempts()).extracting(DeliveryAttempt::verdict)
              .containsExactly(TlsVerdict.FAILED, TlsVerdict.CLEARTEXT);
        }
        assertThat(client.pool().reuses()).isZero();
      }
      mx.awaitConnectionsClosed(Duration.ofSeconds(5));
      assertThat(mx.connectionCount()).isEqualTo(4);
      assertThat(mx.handshakesFailed()).isEqualTo(2);
    }
  }

  @Test
  @DisplayName("TLS-8: opportunisticCleartextRetry(false): a failed opportunistic handshake defers, nothing in cleartext")
  void tls8_cleartextRetryOff() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = lab.mx("mx.example.test", 2, lab.leaf("mx.example.test"),
          b -> b.fault(SmtpFault.HANDSHAKE_FAIL));
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      try (DaneSmtpClient client = lab.builder().opportunisticCleartextRetry(false).build()) {
        RecipientResult r = send(client, RCPT);
        assertThat(r.status()).as("%s", r).isEqualTo(Status.DEFERRED);
        assertThat(r.attempts()).singleElement().satisfies(a -> assertThat(a.failed()).isTrue());
      }
      mx.awaitConnectionsClosed(Duration.ofSeconds(5));
      assertThat(mx.connectionCount()).isEqualTo(1);
      assertThat(mx.cleartextBytes()).doesNotContainIgnoringCase("MAIL FROM").doesNotContain(BODY_MARKER);
    }
  }

  @Test
  @DisplayName("TLS-8: tlsFloor(true): a host without DANE that offers no STARTTLS is abandoned; nothing in cleartext")
  void tls8_tlsFloorMakesStartTlsMandatory() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = lab.mx("mx.example.test", 2, lab.leaf("mx.example.test"),
          b -> b.fault(SmtpFault.NO_STARTTLS));
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      try (DaneSmtpClient client = lab.builder().tlsFloor(true).build()) {
        RecipientResult r = send(client, RCPT);
        assertThat(r.status()).as("%s", r).isEqualTo(Status.DEFERRED);
        assertThat(r.attempts()).singleElement()
            .satisfies(a -> assertThat(a.failureType()).isEqualTo(FailureType.STARTTLS_NOT_SUPPORTED));
      }
      assertThat(mx.cleartextBytes()).doesNotContainIgnoringCase("MAIL FROM").doesNotContain(BODY_MARKER);
      try (DaneSmtpClient client = lab.builder().build()) { // control: without the floor it goes in cleartext
        assertThat(send(client, RCPT).deliveredBy()).hasValueSatisfying(
            a -> assertThat(a.verdict()).isEqualTo(org.dane4j.smtp.TlsVerdict.CLEARTEXT));
      }
    }
  }

  @Test
  @DisplayName("OUT-1: a connection lost in DATA is a failed attempt with its reason, never a verified success")
  void out1_connectionLostMidTransactionIsAFailedAttempt() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = lab.daneMx(b -> b.fault(SmtpFault.DROP_MID_DATA));
      try (DaneSmtpClient client = lab.client()) {
        RecipientResult r = send(client, RCPT);
        assertThat(r.status()).as("%s", r).isEqualTo(Status.DEFERRED);
        // before #12 RouteSession recorded it through the success path: verdict VERIFIED, no failure
        assertThat(r.attempts()).singleElement().satisfies(a -> {
          assertThat(a.failed()).isTrue();
          assertThat(a.verdict()).isEqualTo(TlsVerdict.FAILED);
          assertThat(a.transientFailure()).isTrue();
          assertThat(a.detail()).contains("connection lost during the transaction at DATA");
          assertThat(a.tlsProtocol()).as("the TLS facts are kept").isNotNull();
        });
        assertThat(r.reason()).contains("message not accepted");
      }
      assertThat(mx.messages()).isEmpty();
    }
  }

  @Test
  @DisplayName("Session contract: a probe stops after the secured EHLO with QUIT; no MAIL")
  void probeStopsAfterSecuredEhlo() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = lab.daneMx(b -> b);
      MxRoute route = firstRoute(lab, "example.test");
      assertThat(route.requirement()).isEqualTo(TlsRequirement.DANE);
      try (DaneSmtpClient client = lab.client()) {
        SessionResult r = client.session().run(SessionRequest.probe(route, route.addresses().get(0)))
            .get(NO_HANG_SECONDS, TimeUnit.SECONDS);
        assertThat(r.phase()).isEqualTo(SessionPhase.COMPLETE);
        assertThat(r.connected()).isTrue();
        assertThat(r.tls()).isTrue();
        assertThat(r.authenticated()).isTrue();
        assertThat(r.verification()).hasValueSatisfying(v -> assertThat(v.verified()).isTrue());
        assertThat(r.mailReply()).isEmpty();
        assertThat(r.failure()).isEmpty();
      }
      mx.awaitConnectionsClosed(Duration.ofSeconds(5));
      assertThat(mx.connections()).singleElement().satisfies(c -> {
        assertThat(c.commandsInTls()).containsExactly("EHLO sender.example.org", "QUIT");
        assertThat(c.commands()).noneMatch(x -> x.startsWith("MAIL"));
      });
    }
  }

  @Test
  @DisplayName("#12: a probe's result says STARTTLS was offered and carries the chain the server presented")
  void probeReportsStartTlsOfferedAndThePresentedChain() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      MintedCertificate leaf = lab.leaf("mx.example.test");
      lab.mx("mx.example.test", 2, leaf, b -> b);
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      lab.tlsa("mx.example.test", ee311(leaf));
      MxRoute route = firstRoute(lab, "example.test");
      try (DaneSmtpClient client = lab.client()) {
        SessionResult r = client.session().run(SessionRequest.probe(route, route.addresses().get(0)))
            .get(NO_HANG_SECONDS, TimeUnit.SECONDS);
        assertThat(r.startTlsOffered()).as("%s", r).isTrue();
        assertThat(r.presentedChain()).isNotEmpty().isUnmodifiable();
        assertThat(r.presentedChain().get(0)).isEqualTo(leaf.certificate());
      }
    }
  }

  @Test
  @DisplayName("#12: a DANE mismatch still reports the chain the server presented, and that STARTTLS was offered")
  void failedHandshakeKeepsThePresentedChain() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      MintedCertificate leaf = lab.leaf("mx.example.test");
      lab.mx("mx.example.test", 2, leaf, b -> b);
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      lab.tlsa("mx.example.test", ee311(lab.leaf("other.example.test")));
      MxRoute route = firstRoute(lab, "example.test");
      try (DaneSmtpClient client = lab.client()) {
        SessionResult r = client.session().run(SessionRequest.probe(route, route.addresses().get(0)))
            .get(NO_HANG_SECONDS, TimeUnit.SECONDS);
        assertThat(r.phase()).as("%s", r).isEqualTo(SessionPhase.TLS_HANDSHAKE);
        assertThat(r.startTlsOffered()).isTrue();
        assertThat(r.presentedChain()).isNotEmpty();
        assertThat(r.presentedChain().get(0)).isEqualTo(leaf.certificate());
      }
    }
  }

  @Test
  @DisplayName("#12: a probe of a server without STARTTLS (OPPORTUNISTIC): not offered, no chain, no failure")
  void probeWithoutStartTls() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      lab.mx("mx.example.test", 2, lab.leaf("mx.example.test"), b -> b.fault(SmtpFault.NO_STARTTLS));
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      MxRoute route = firstRoute(lab, "example.test");
      try (DaneSmtpClient client = lab.client()) {
        SessionResult r = client.session().run(SessionRequest.probe(route, route.addresses().get(0)))
            .get(NO_HANG_SECONDS, TimeUnit.SECONDS);
        assertThat(r.phase()).as("%s", r).isEqualTo(SessionPhase.COMPLETE);
        assertThat(r.startTlsOffered()).isFalse();
        assertThat(r.tls()).isFalse();
        assertThat(r.presentedChain()).isEmpty();
      }
    }
  }

  @Test
  @DisplayName("Session contract: a cleartext request (startTls false) on an OPPORTUNISTIC route never sends STARTTLS")
  void cleartextRequestSendsNoStartTls() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = lab.mx("mx.example.test", 2, lab.leaf("mx.example.test"));
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      MxRoute route = firstRoute(lab, "example.test");
      assertThat(route.requirement()).isEqualTo(TlsRequirement.OPPORTUNISTIC);
      try (DaneSmtpClient client = lab.client()) {
        SessionResult r = client.session().run(new SessionRequest(route, route.addresses().get(0),
            "alice@example.org", List.of(RCPT), message(RCPT), false, false)).get(NO_HANG_SECONDS, TimeUnit.SECONDS);
        assertThat(r.phase()).as("%s", r).isEqualTo(SessionPhase.COMPLETE);
        assertThat(r.tls()).isFalse();
        assertThat(r.dataReply()).hasValueSatisfying(d -> assertThat(d.positive()).isTrue());
      }
      mx.awaitConnectionsClosed(Duration.ofSeconds(5));
      assertThat(mx.connections()).singleElement().satisfies(c -> assertThat(c.commands()).doesNotContain("STARTTLS"));
      assertThat(mx.messages()).singleElement().satisfies(m -> assertThat(m.tls()).isFalse());
    }
  }

  @Test
  @DisplayName("TLS-7: past maxPendingSends, FAIL_FAST defers every recipient at once, naming the limit; nothing sent")
  void tls7_maxPendingSendsFailFast() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = lab.daneMx(b -> b);
      mx.holdRepliesTo(".");
      try (DaneSmtpClient client = lab.builder().maxPendingSends(1).build()) {
        CompletableFuture<DeliveryReport> first = client.send("alice@example.org", List.of(RCPT), message(RCPT));
        DeliveryReport second = client.send("alice@example.org", List.of("carol@example.test", "dave@[192.0.2.1]"),
            message(RCPT)).get(5, TimeUnit.SECONDS);
        RecipientResult carol = second.of("carol@example.test");
        assertThat(carol.status()).isEqualTo(Status.DEFERRED);
        assertThat(carol.attempts()).isEmpty();
        assertThat(carol.reason()).contains("maxPendingSends (1)").contains("FAIL_FAST");
        assertThat(second.of("dave@[192.0.2.1]").status()).as("IN-1 still applies").isEqualTo(Status.FAILED);
        mx.releaseHeld();
        assertThat(first.get(NO_HANG_SECONDS, TimeUnit.SECONDS).allDelivered()).isTrue();
        assertThat(send(client, "erin@example.test").status()).as("the room is free again")
            .isEqualTo(Status.DELIVERED);
      }
      assertThat(mx.messages()).hasSize(2).noneMatch(m -> m.rcptTo().contains("carol@example.test"));
    }
  }

  @Test
  @DisplayName("TLS-7: past maxPendingSends, WAIT queues without blocking, bounded by pendingSendTimeout")
  void tls7_maxPendingSendsWait() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = lab.daneMx(b -> b);
      mx.holdRepliesTo(".");
      try (DaneSmtpClient client = lab.builder().maxPendingSends(1).whenFull(DaneSmtpClient.WhenFull.WAIT)
          .pendingSendTimeout(Duration.ofMillis(300)).build()) {
        CompletableFuture<DeliveryReport> first = client.send("alice@example.org", List.of(RCPT), message(RCPT));
        // times out in the queue: deferred, naming the limit
        RecipientResult late = send(client, "carol@example.test");
        assertThat(late.status()).isEqualTo(Status.DEFERRED);
        assertThat(late.reason()).contains("pendingSendTimeout (300 ms)").contains("maxPendingSends (1)");
        // waits, then goes once the first is done
        CompletableFuture<DeliveryReport> waiting = client.send("alice@example.org", List.of("dave@example.test"),
            message(RCPT));
        assertThat(waiting).isNotDone();
        assertThat(client.sends().waiting()).isEqualTo(1);
        mx.releaseHeld();
        assertThat(first.get(NO_HANG_SECONDS, TimeUnit.SECONDS).allDelivered()).isTrue();
        assertThat(waiting.get(NO_HANG_SECONDS, TimeUnit.SECONDS).allDelivered()).isTrue();
        assertThat(client.sends().peak()).isEqualTo(1);
      }
      assertThat(mx.messages()).hasSize(2);
    }
  }
}
