package org.dane4j.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.dane4j.netty.NettyLab.BODY_MARKER;
import static org.dane4j.netty.NettyLab.ee311;
import static org.dane4j.netty.NettyLab.message;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.smtp.RecipientResult.Status;
import org.dane4j.smtp.TlsVerdict;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.smtp.SmtpFault;
import org.dane4j.testkit.smtp.SmtpTestServer;
import org.dane4j.tlsa.FailureType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The Netty client end to end: signed DNS and SMTP servers on loopback, real sockets and TLS. */
class DaneSmtpClientTest {
  private static final String RCPT = "bob@example.test";

  private static void assertNothingSentInCleartext(SmtpTestServer server) throws InterruptedException {
    server.awaitConnectionsClosed(Duration.ofSeconds(5));
    assertThat(server.cleartextBytes()).doesNotContain(BODY_MARKER).doesNotContainIgnoringCase("MAIL FROM");
    assertThat(server.messages()).isEmpty();
  }

  private static RecipientResult send(NettyLab lab, String... rcpts) throws Exception {
    List<String> to = rcpts.length == 0 ? List.of(RCPT) : List.of(rcpts);
    try (DaneSmtpClient client = lab.client()) {
      return client.send("alice@example.org", to, message(to.toArray(new String[0])))
          .get(30, TimeUnit.SECONDS).of(to.get(0));
    }
  }

  @Test
  @DisplayName("EE-1 / TLS-4: DANE-EE 3 1 1: delivered, verified, over TLS with SNI = the MX host")
  void daneEeDelivered() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = lab.daneMx(b -> b);
      RecipientResult r = send(lab);
      assertThat(r.status()).as("%s", r).isEqualTo(Status.DELIVERED);
      assertThat(r.deliveredBy()).hasValueSatisfying(a -> {
        assertThat(a.verdict()).isEqualTo(TlsVerdict.VERIFIED);
        assertThat(a.tlsProtocol()).isIn("TLSv1.3", "TLSv1.2");
        assertThat(a.daneVerification().orElseThrow().matchDepth()).isZero();
      });
      assertThat(mx.messages()).singleElement().satisfies(m -> {
        assertThat(m.tls()).isTrue();
        assertThat(m.sniName()).contains("mx.example.test");
        assertThat(m.rcptTo()).containsExactly(RCPT);
        assertThat(m.text()).contains(BODY_MARKER);
        assertThat(m.ehloNames()).contains("sender.example.org");
      });
      assertThat(mx.cleartextBytes()).doesNotContain(BODY_MARKER).doesNotContainIgnoringCase("MAIL FROM");
    }
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(value = io.netty.handler.ssl.SslProvider.class, names = {"JDK", "OPENSSL"})
  @DisplayName("EE-1 / TLS-2: either TLS engine, chosen on the builder: a match is delivered, a mismatch deferred")
  void eitherTlsProvider(io.netty.handler.ssl.SslProvider provider) throws Exception {
    try (NettyLab lab = new NettyLab()) {
      MintedCertificate leaf = lab.leaf("mx.example.test");
      SmtpTestServer mx = lab.mx("mx.example.test", 2, leaf);
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      lab.zone().add("other.example.test. 300 IN MX 10 mx.other.example.test.");
      lab.zone().add("mx.other.example.test. 300 IN A 127.0.0.2");
      lab.tlsa("mx.example.test", ee311(leaf));
      lab.tlsa("mx.other.example.test", ee311(lab.leaf("mx.other.example.test")));
      try (DaneSmtpClient client = DaneSmtpClient.builder(lab.resolver()).ehloName("sender.example.org")
          .mxPort(lab.port()).sslProvider(provider).build()) {
        RecipientResult good = client.send("", List.of(RCPT), message(RCPT)).get(30, TimeUnit.SECONDS).of(RCPT);
        assertThat(good.deliveredBy()).as("%s", good)
            .hasValueSatisfying(a -> assertThat(a.verdict()).isEqualTo(TlsVerdict.VERIFIED));
        String other = "carol@other.example.test";
        RecipientResult bad = client.send("", List.of(other), message(other)).get(30, TimeUnit.SECONDS).of(other);
        assertThat(bad.status()).as("%s", bad).isEqualTo(Status.DEFERRED);
        assertThat(bad.failureType()).isEqualTo(FailureType.CERTIFICATE_NOT_TRUSTED);
      }
      assertThat(mx.messages()).singleElement().satisfies(m -> assertThat(m.rcptTo()).containsExactly(RCPT));
    }
  }

  @Test
  @DisplayName("RFC 1870 / 6152 / 6531: SIZE always, BODY=8BITMIME for 8-bit bodies; too big or needing SMTPUTF8: failed unsent")
  void mailParameters() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = lab.daneMx(b -> b); // offers SIZE 10485760 and 8BITMIME, no SMTPUTF8
      byte[] plain = message(RCPT);
      byte[] eightBit = (new String(plain, java.nio.charset.StandardCharsets.UTF_8) + "Grüße\n")
          .getBytes(java.nio.charset.StandardCharsets.UTF_8);
      byte[] huge = new byte[10 * 1024 * 1024 + 1];
      java.util.Arrays.fill(huge, (byte) 'a');
      String utf8Rcpt = "jürgen@example.test";
      try (DaneSmtpClient client = lab.client()) {
        assertThat(client.send("", List.of(RCPT), plain).get(30, TimeUnit.SECONDS).allDelivered()).isTrue();
        assertThat(client.send("", List.of(RCPT), eightBit).get(30, TimeUnit.SECONDS).allDelivered()).isTrue();
        RecipientResult big = client.send("", List.of(RCPT), huge).get(30, TimeUnit.SECONDS).of(RCPT);
        assertThat(big.status()).as("%s", big).isEqualTo(Status.FAILED);
        assertThat(big.reason()).contains("552 5.3.4 (local)").contains("10485760");
        RecipientResult utf8 = client.send("", List.of(utf8Rcpt), plain).get(30, TimeUnit.SECONDS).of(utf8Rcpt);
        assertThat(utf8.status()).as("%s", utf8).isEqualTo(Status.FAILED);
        assertThat(utf8.reason()).contains("553 5.6.7 (local) SMTPUTF8 is required");
      }
      mx.awaitConnectionsClosed(Duration.ofSeconds(5));
      List<String> mails = mx.connections().stream().flatMap(c -> c.commands().stream())
          .filter(c -> c.startsWith("MAIL")).toList();
      assertThat(mails).containsExactly("MAIL FROM:<> SIZE=" + plain.length,
          "MAIL FROM:<> SIZE=" + eightBit.length + " BODY=8BITMIME");
      assertThat(mx.messages()).hasSize(2);
    }
  }

  @Test
  @DisplayName("RFC 6531: a non-ASCII address to a server offering SMTPUTF8: MAIL ... SMTPUTF8, the address in UTF-8")
  void smtputf8Delivered() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = lab.daneMx(b -> b.smtputf8());
      String rcpt = "jürgen@example.test";
      try (DaneSmtpClient client = lab.client()) {
        RecipientResult r = client.send("åsa@example.org", List.of(rcpt), message(rcpt)).get(30, TimeUnit.SECONDS)
            .of(rcpt);
        assertThat(r.status()).as("%s", r).isEqualTo(Status.DELIVERED);
      }
      assertThat(mx.messages()).singleElement().satisfies(m -> {
        assertThat(m.mailFrom()).isEqualTo("åsa@example.org");
        assertThat(m.rcptTo()).containsExactly(rcpt);
      });
      mx.awaitConnectionsClosed(Duration.ofSeconds(5));
      assertThat(mx.connections().get(0).commands()).anySatisfy(c -> assertThat(c).endsWith(" SMTPUTF8"));
    }
  }

  @Test
  @DisplayName("TLS-1 / TLS-2: no TLSA match: deferred, nothing sent in cleartext")
  void noMatchDeferred() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = lab.mx("mx.example.test", 2, lab.leaf("mx.example.test"));
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      lab.tlsa("mx.example.test", ee311(lab.leaf("mx.example.test"))); // another key
      RecipientResult r = send(lab);
      assertThat(r.status()).as("%s", r).isEqualTo(Status.DEFERRED);
      assertThat(r.failureType()).isEqualTo(FailureType.CERTIFICATE_NOT_TRUSTED);
      assertThat(r.attempts()).singleElement().satisfies(a -> assertThat(a.transientFailure()).isTrue());
      assertNothingSentInCleartext(mx);
    }
  }

  @Test
  @DisplayName("TLS-1: usable TLSA but no STARTTLS offered: deferred, nothing sent in cleartext")
  void noStartTlsDeferred() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = lab.daneMx(b -> b.fault(SmtpFault.NO_STARTTLS));
      RecipientResult r = send(lab);
      assertThat(r.status()).as("%s", r).isEqualTo(Status.DEFERRED);
      assertThat(r.failureType()).isEqualTo(FailureType.STARTTLS_NOT_SUPPORTED);
      assertNothingSentInCleartext(mx);
    }
  }

  @Test
  @DisplayName("TLS-3: a reply injected after 220 to STARTTLS is never acted upon")
  void injectionNeverActedUpon() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = lab.daneMx(b -> b.fault(SmtpFault.INJECT_AFTER_STARTTLS));
      RecipientResult r = send(lab);
      mx.awaitConnectionsClosed(Duration.ofSeconds(5));
      assertThat(mx.firedCount(SmtpFault.INJECT_AFTER_STARTTLS)).isPositive();
      assertThat(r.status()).as("%s", r).isEqualTo(Status.DEFERRED);
      assertThat(r.reason()).contains("injection");
      assertNothingSentInCleartext(mx);
      assertThat(mx.tlsBytes()).doesNotContainIgnoringCase("MAIL FROM");
    }
  }

  @Test
  @DisplayName("TLS-1: the first MX fails DANE, the second delivers")
  void secondMxAfterDaneFailure() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer bad = lab.mx("mx1.example.test", 2, lab.leaf("mx1.example.test"));
      MintedCertificate good = lab.leaf("mx2.example.test");
      SmtpTestServer ok = lab.mx("mx2.example.test", 3, good);
      lab.zone().add("example.test. 300 IN MX 10 mx1.example.test.");
      lab.zone().add("example.test. 300 IN MX 20 mx2.example.test.");
      lab.tlsa("mx1.example.test", ee311(lab.leaf("mx1.example.test")));
      lab.tlsa("mx2.example.test", ee311(good));
      RecipientResult r = send(lab);
      assertThat(r.status()).as("%s", r).isEqualTo(Status.DELIVERED);
      assertThat(r.attempts()).hasSize(2);
      assertThat(r.attempts().get(0).failed()).isTrue();
      assertThat(r.attempts().get(1).route().mxHost()).isEqualTo("mx2.example.test");
      assertNothingSentInCleartext(bad);
      assertThat(ok.messages()).singleElement().satisfies(m -> assertThat(m.tls()).isTrue());
    }
  }

  @Test
  @DisplayName("OUT-1: 550 to RCPT fails the recipient permanently, no other route tried, no DATA")
  void rcpt550Failed() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      MintedCertificate leaf = lab.leaf("mx.example.test");
      SmtpTestServer mx = lab.mx("mx.example.test", 2, leaf, b -> b.replyTo("RCPT", "550 5.1.1 no such user"));
      SmtpTestServer backup = lab.mx("mx2.example.test", 3, leaf);
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      lab.zone().add("example.test. 300 IN MX 20 mx2.example.test.");
      lab.tlsa("mx.example.test", ee311(leaf));
      lab.tlsa("mx2.example.test", ee311(leaf));
      RecipientResult r = send(lab);
      assertThat(r.status()).as("%s", r).isEqualTo(Status.FAILED);
      assertThat(r.reason()).contains("550 5.1.1");
      assertThat(r.attempts()).singleElement().satisfies(a -> assertThat(a.verdict()).isEqualTo(TlsVerdict.VERIFIED));
      assertThat(mx.messages()).isEmpty();
      assertThat(backup.connectionCount()).isZero();
    }
  }

  @Test
  @DisplayName("RFC 5321 §4.5.2: a body line starting with '.' arrives intact (dot-stuffing, CRLF)")
  void dotStuffing() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = lab.daneMx(b -> b);
      assertThat(send(lab).status()).isEqualTo(Status.DELIVERED);
      assertThat(mx.messages()).singleElement().satisfies(m -> assertThat(m.text())
          .contains("\r\n.leading dot stays\r\n").doesNotContain("..leading").doesNotContain("\n\n"));
    }
  }

  @Test
  @DisplayName("RFC 5321 §4.5.3.2: a server that never greets is given up after the greeting timeout")
  void greetingTimeout() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = lab.daneMx(b -> b.fault(SmtpFault.NO_GREETING));
      try (DaneSmtpClient client = DaneSmtpClient.builder(lab.resolver()).ehloName("sender.example.org")
          .mxPort(lab.port()).greetingTimeout(Duration.ofMillis(300)).build()) {
        RecipientResult r = client.send("alice@example.org", List.of(RCPT), message(RCPT))
            .get(30, TimeUnit.SECONDS).of(RCPT);
        assertThat(r.status()).as("%s", r).isEqualTo(Status.DEFERRED);
        assertThat(r.reason()).contains("timeout").contains("greeting");
      }
      assertNothingSentInCleartext(mx);
    }
  }

  @Test
  @DisplayName("Nothing blocks an event loop: one user-supplied event loop thread carries 5 deliveries at once")
  void singleUserEventLoop() throws Exception {
    io.netty.channel.EventLoopGroup group = EventLoops.nio(1);
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = lab.daneMx(b -> b);
      try (DaneSmtpClient client = DaneSmtpClient.builder(lab.resolver()).ehloName("sender.example.org")
          .mxPort(lab.port()).eventLoopGroup(group).build()) {
        List<java.util.concurrent.CompletableFuture<org.dane4j.smtp.DeliveryReport>> sent = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
          sent.add(client.send("alice@example.org", List.of(RCPT), message(RCPT)));
        }
        for (var f : sent) {
          assertThat(f.get(30, TimeUnit.SECONDS).allDelivered()).isTrue();
        }
      }
      assertThat(group.isShuttingDown()).as("the user's group is left running").isFalse();
      assertThat(mx.messages()).hasSize(5).allSatisfy(m -> assertThat(m.tls()).isTrue());
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  @Test
  @DisplayName("TLS-1: STARTTLS refused or handshake broken: deferred, nothing sent in cleartext")
  void startTlsRefusedOrBroken() throws Exception {
    for (SmtpFault fault : new SmtpFault[] {SmtpFault.REFUSE_STARTTLS, SmtpFault.HANDSHAKE_FAIL}) {
      try (NettyLab lab = new NettyLab()) {
        SmtpTestServer mx = lab.daneMx(b -> b.fault(fault));
        RecipientResult r = send(lab);
        assertThat(r.status()).as("%s: %s", fault, r).isEqualTo(Status.DEFERRED);
        assertThat(r.attempts()).singleElement().satisfies(a -> assertThat(a.failed()).isTrue());
        assertNothingSentInCleartext(mx);
      }
    }
  }

  @Test
  @DisplayName("OUT-1: no TLSA: opportunistic TLS when offered, cleartext when not, each reported as such")
  void opportunisticVerdicts() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = lab.mx("mx.example.test", 2, lab.leaf("mx.example.test"));
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      RecipientResult tls = send(lab);
      assertThat(tls.status()).as("%s", tls).isEqualTo(Status.DELIVERED);
      assertThat(tls.deliveredBy().orElseThrow().verdict()).isEqualTo(TlsVerdict.OPPORTUNISTIC);
      mx.setFaults(SmtpFault.NO_STARTTLS);
      RecipientResult clear = send(lab);
      assertThat(clear.status()).as("%s", clear).isEqualTo(Status.DELIVERED);
      assertThat(clear.deliveredBy().orElseThrow().verdict()).isEqualTo(TlsVerdict.CLEARTEXT);
      assertThat(clear.deliveredBy().orElseThrow().tlsProtocol()).isNull();
    }
  }

  @Test
  @DisplayName("MX-3: null MX fails permanently without connecting")
  void nullMxFails() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = lab.mx("mx.example.test", 2, lab.leaf("mx.example.test"));
      lab.zone().add("example.test. 300 IN MX 0 .");
      RecipientResult r = send(lab);
      assertThat(r.status()).as("%s", r).isEqualTo(Status.FAILED);
      assertThat(r.attempts()).isEmpty();
      assertThat(mx.connectionCount()).isZero();
    }
  }

  @Test
  @DisplayName("RFC 5321 §6.1: a connection dropped in DATA defers the message (not delivered, not failed)")
  void droppedMidDataDeferred() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = lab.daneMx(b -> b.fault(SmtpFault.DROP_MID_DATA));
      RecipientResult r = send(lab);
      assertThat(r.status()).as("%s", r).isEqualTo(Status.DEFERRED);
      assertThat(mx.messages()).isEmpty();
    }
  }

  @Test
  @DisplayName("OUT-1: recipients of two domains are planned and delivered separately, reported in the order given")
  void twoDomains() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      MintedCertificate leaf1 = lab.leaf("mx.example.test");
      MintedCertificate leaf2 = lab.leaf("mx.other.example.test");
      SmtpTestServer mx1 = lab.mx("mx.example.test", 2, leaf1);
      SmtpTestServer mx2 = lab.mx("mx.other.example.test", 3, leaf2);
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      lab.zone().add("other.example.test. 300 IN MX 10 mx.other.example.test.");
      lab.tlsa("mx.example.test", ee311(leaf1));
      lab.tlsa("mx.other.example.test", ee311(leaf2));
      List<String> to = List.of("carol@other.example.test", RCPT, "dave@other.example.test");
      try (DaneSmtpClient client = lab.client()) {
        var report = client.send("", to, message(RCPT)).get(30, TimeUnit.SECONDS);
        assertThat(report.results()).extracting(RecipientResult::recipient).containsExactlyElementsOf(to);
        assertThat(report.allDelivered()).as("%s", report).isTrue();
      }
      assertThat(mx1.messages()).singleElement().satisfies(m -> {
        assertThat(m.rcptTo()).containsExactly(RCPT);
        assertThat(m.mailFrom()).isEmpty();
      });
      assertThat(mx2.messages()).singleElement()
          .satisfies(m -> assertThat(m.rcptTo()).containsExactly("carol@other.example.test", "dave@other.example.test"));
    }
  }

  @Test
  @DisplayName("Builder: settings are checked at once, with the limit in the message")
  void builderValidates() {
    try (NettyLab lab = new NettyLab()) {
      assertThatThrownBy(() -> DaneSmtpClient.builder(lab.resolver()).mxPort(0))
          .hasMessageContaining("mxPort must be 1..65535");
      assertThatThrownBy(() -> DaneSmtpClient.builder(lab.resolver()).commandTimeout(Duration.ZERO))
          .hasMessageContaining("commandTimeout");
      assertThatThrownBy(() -> DaneSmtpClient.builder(lab.resolver()).maxReplyLineLength(10))
          .hasMessageContaining("maxReplyLineLength must be 512..65536");
      assertThatThrownBy(() -> DaneSmtpClient.builder(lab.resolver()).build())
          .hasMessageContaining("ehloName is required");
      assertThatThrownBy(() -> DaneSmtpClient.builder(lab.resolver()).maxPendingSends(0))
          .hasMessageContaining("maxPendingSends must be 1..1000000");
      assertThatThrownBy(() -> DaneSmtpClient.builder(lab.resolver()).pendingSendTimeout(Duration.ZERO))
          .hasMessageContaining("pendingSendTimeout");
      assertThatThrownBy(() -> DaneSmtpClient.builder(lab.resolver()).planTimeout(Duration.ofMillis(10)))
          .hasMessageContaining("planTimeout must be between 1 s and 5 min");
      assertThatThrownBy(() -> DaneSmtpClient.builder(lab.resolver()).whenFull(null))
          .isInstanceOf(NullPointerException.class);
    }
  }

  @Test
  @DisplayName("IN-1: an address literal recipient beside a delivered domain: delivered + failed, the future completes")
  void in1_addressLiteralRecipientIsReportedNotThrown() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = lab.daneMx(b -> b);
      try (DaneSmtpClient client = lab.client()) {
        org.dane4j.smtp.DeliveryReport report = client.send("alice@example.org", List.of(RCPT, "carol@[192.0.2.1]"),
            message(RCPT)).get(30, TimeUnit.SECONDS);
        assertThat(report.results()).extracting(RecipientResult::recipient).containsExactly(RCPT, "carol@[192.0.2.1]");
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
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = lab.daneMx(b -> b);
      try (DaneSmtpClient client = lab.client()) {
        RecipientResult r = client.send("alice\r@example.org", List.of(RCPT), message(RCPT))
            .get(30, TimeUnit.SECONDS).of(RCPT);
        assertThat(r.status()).as("%s", r).isEqualTo(Status.FAILED);
        assertThat(r.attempts()).isEmpty();
        assertThat(r.reason()).contains("envelope sender").contains("control character (CR)");
      }
      assertThat(mx.connectionCount()).isZero();
    }
  }

  // The guard that turns an unexpected error of one domain's delivery into deferrals now lives in the engine
  // (#12; DeliveryEngineTest.in1_brokenSessionOrListenerKeepsTheReport); through the client, a listener that
  // throws in every callback changes no delivery and loses no report.
  @Test
  @DisplayName("IN-1 / OUT-1: the listener hears each step; one that throws everywhere changes no delivery")
  void in1_listenerHearsStepsAndItsErrorsChangeNothing() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = lab.daneMx(b -> b);
      List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
      org.dane4j.delivery.DeliveryListener throwing = new org.dane4j.delivery.DeliveryListener() {
        @Override
        public void planFinished(org.dane4j.smtp.DeliveryPlan plan) {
          heard.add("plan");
          throw new IllegalStateException("listener bug");
        }

        @Override
        public void attemptFinished(org.dane4j.smtp.DeliveryAttempt attempt,
            org.dane4j.delivery.SessionResult session) {
          heard.add("attempt " + session.phase() + " tls=" + session.tls() + " authenticated="
              + session.authenticated());
          throw new IllegalStateException("listener bug");
        }

        @Override
        public void recipientFinished(RecipientResult result) {
          heard.add("recipient " + result.recipient() + " " + result.status());
          throw new IllegalStateException("listener bug");
        }
      };
      try (DaneSmtpClient client = lab.builder().listener(throwing).build()) {
        org.dane4j.smtp.DeliveryReport report = client.send("alice@example.org", List.of(RCPT, "carol@[192.0.2.1]"),
            message(RCPT)).get(30, TimeUnit.SECONDS);
        assertThat(report.of(RCPT).status()).as("%s", report).isEqualTo(Status.DELIVERED);
        assertThat(report.of("carol@[192.0.2.1]").status()).isEqualTo(Status.FAILED);
      }
      assertThat(heard).containsExactly("plan", "attempt COMPLETE tls=true authenticated=true",
          "recipient " + RCPT + " DELIVERED");
      assertThat(mx.messages()).singleElement();
    }
  }
}
