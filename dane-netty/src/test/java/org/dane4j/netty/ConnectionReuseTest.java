package org.dane4j.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dane4j.netty.NettyLab.BODY_MARKER;
import static org.dane4j.netty.NettyLab.ee311;
import static org.dane4j.netty.NettyLab.message;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.smtp.RecipientResult.Status;
import org.dane4j.smtp.TlsVerdict;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.smtp.SmtpTestServer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Checklist TLS-6: a connection carries further messages only for a route with the same requirement and
 * verification inputs; anything else gets a new connection, a new handshake and a new verification.
 */
class ConnectionReuseTest {
  private static RecipientResult send(DaneSmtpClient client, String rcpt) throws Exception {
    return client.send("alice@example.org", List.of(rcpt), message(rcpt)).get(30, TimeUnit.SECONDS).of(rcpt);
  }

  private static DaneSmtpClient client(NettyLab lab, UnaryOperator<DaneSmtpClient.Builder> extra) {
    return extra.apply(DaneSmtpClient.builder(lab.resolver()).ehloName("sender.example.org").mxPort(lab.port())
        .connectTimeout(Duration.ofSeconds(5)).greetingTimeout(Duration.ofSeconds(5))
        .commandTimeout(Duration.ofSeconds(5)).handshakeTimeout(Duration.ofSeconds(5))
        .idleConnectionTime(Duration.ofSeconds(30))).build();
  }

  /** Two domains whose MX is the same DANE-EE host. */
  private static SmtpTestServer daneHost(NettyLab lab) {
    return daneHost(lab, false);
  }

  /** Two domains whose MX is the same DANE host, with a 3 1 1 record for its key or a 2 1 1 for its CA. */
  private static SmtpTestServer daneHost(NettyLab lab, boolean trustAnchor) {
    MintedCertificate leaf = lab.leaf("mx.example.test");
    SmtpTestServer mx = lab.mx("mx.example.test", 2, leaf);
    lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
    lab.zone().add("other.example.test. 300 IN MX 20 mx.example.test.");
    lab.tlsa("mx.example.test", trustAnchor ? NettyLab.ta211(lab.issuer()) : ee311(leaf));
    return mx;
  }

  @Test
  @DisplayName("TLS-6: messages to the same DANE route share one verified connection")
  void sameRouteReused() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = daneHost(lab);
      try (DaneSmtpClient client = client(lab, b -> b)) {
        RecipientResult first = send(client, "bob@example.test");
        RecipientResult second = send(client, "carol@other.example.test");
        RecipientResult third = send(client, "dave@example.test");
        for (RecipientResult r : List.of(first, second, third)) {
          assertThat(r.status()).as("%s", r).isEqualTo(Status.DELIVERED);
          assertThat(r.deliveredBy().orElseThrow().verdict()).isEqualTo(TlsVerdict.VERIFIED);
          assertThat(r.deliveredBy().orElseThrow().daneVerification()).hasValueSatisfying(
              v -> assertThat(v.verified()).isTrue());
        }
        assertThat(third.deliveredBy().orElseThrow().detail()).contains("connection reused (message 3 on it)");
        // OUT-1: each report names its own domain's route, though the connection was opened for bob's
        assertThat(second.deliveredBy().orElseThrow().route().preference()).isEqualTo(20);
        assertThat(third.deliveredBy().orElseThrow().route().preference()).isEqualTo(10);
        assertThat(client.pool().reuses()).isEqualTo(2);
      }
      assertThat(mx.awaitConnectionsClosed(Duration.ofSeconds(5))).isTrue();
      assertThat(mx.connectionCount()).isEqualTo(1);
      assertThat(mx.handshakesCompleted()).isEqualTo(1);
      assertThat(mx.messages()).hasSize(3).allSatisfy(m -> assertThat(m.tls()).isTrue());
      assertThat(mx.cleartextBytes()).doesNotContain(BODY_MARKER).doesNotContainIgnoringCase("MAIL FROM");
    }
  }

  @Test
  @DisplayName("TLS-6 / TA-3: with a DANE-TA record the reference names differ per domain: no sharing across domains")
  void daneTaConnectionsPerDomain() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = daneHost(lab, true);
      try (DaneSmtpClient client = client(lab, b -> b)) {
        for (String rcpt : List.of("bob@example.test", "carol@other.example.test", "dave@example.test")) {
          RecipientResult r = send(client, rcpt);
          assertThat(r.status()).as("%s", r).isEqualTo(Status.DELIVERED);
          assertThat(r.deliveredBy().orElseThrow().verdict()).isEqualTo(TlsVerdict.VERIFIED);
        }
        assertThat(client.pool().reuses()).isEqualTo(1); // dave reuses bob's connection, carol has her own
      }
      assertThat(mx.awaitConnectionsClosed(Duration.ofSeconds(5))).isTrue();
      assertThat(mx.connectionCount()).isEqualTo(2);
      assertThat(mx.handshakesCompleted()).isEqualTo(2);
    }
  }

  @Test
  @DisplayName("TLS-6: an opportunistic connection is never reused for a DANE route to the same server")
  void opportunisticNotReusedForDane() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      MintedCertificate leaf = lab.leaf("mx.example.test");
      MintedCertificate other = lab.leaf("mx.example.test");
      SmtpTestServer mx = lab.mx("mx.example.test", 2, leaf);
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      lab.tlsa("mx.example.test", ee311(other)); // DANE route, and the server's certificate does not match
      lab.zone().add("plain.example.test. 300 IN MX 10 mx.plain.example.test.");
      lab.zone().add("mx.plain.example.test. 300 IN A 127.0.0.2"); // same server, no TLSA: opportunistic
      try (DaneSmtpClient client = client(lab, b -> b)) {
        RecipientResult plain = send(client, "bob@plain.example.test");
        assertThat(plain.status()).as("%s", plain).isEqualTo(Status.DELIVERED);
        assertThat(plain.deliveredBy().orElseThrow().verdict()).isEqualTo(TlsVerdict.OPPORTUNISTIC);
        RecipientResult dane = send(client, "bob@example.test");
        assertThat(dane.status()).as("%s", dane).isEqualTo(Status.DEFERRED);
        assertThat(dane.attempts()).singleElement().satisfies(a -> assertThat(a.failed()).isTrue());
        assertThat(client.pool().reuses()).isZero();
      }
      assertThat(mx.awaitConnectionsClosed(Duration.ofSeconds(5))).isTrue();
      assertThat(mx.connectionCount()).isEqualTo(2);
      assertThat(mx.handshakesFailed()).isEqualTo(1);
      assertThat(mx.messages()).singleElement()
          .satisfies(m -> assertThat(m.rcptTo()).containsExactly("bob@plain.example.test"));
    }
  }

  @Test
  @DisplayName("RFC 5321 §4.5.4.1 / TLS-6: at the connection limit, an idle connection of another route is closed for a new one")
  void idleConnectionGivesWayToAnotherRoute() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = daneHost(lab);
      lab.zone().add("plain.example.test. 300 IN MX 10 mx.plain.example.test.");
      lab.zone().add("mx.plain.example.test. 300 IN A 127.0.0.2"); // same server, no TLSA: opportunistic
      try (DaneSmtpClient client = client(lab, b -> b.maxConnectionsPerHost(1).idleConnectionTime(Duration.ofMinutes(10)))) {
        assertThat(send(client, "bob@plain.example.test").status()).isEqualTo(Status.DELIVERED);
        // with the idle connection kept for 10 minutes, this completes only if it is closed to free the permit
        RecipientResult dane = send(client, "bob@example.test");
        assertThat(dane.status()).as("%s", dane).isEqualTo(Status.DELIVERED);
        assertThat(dane.deliveredBy().orElseThrow().verdict()).isEqualTo(TlsVerdict.VERIFIED);
        assertThat(client.pool().peak()).isEqualTo(1);
      }
      assertThat(mx.awaitConnectionsClosed(Duration.ofSeconds(5))).isTrue();
      assertThat(mx.connectionCount()).isEqualTo(2);
      assertThat(mx.connections().get(0).commands()).contains("QUIT");
    }
  }

  @Test
  @DisplayName("TLS-6: after a TLSA rollover the next message gets a new connection, verified against the new RRset")
  void tlsaChangeMeansNewHandshake() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = daneHost(lab);
      try (DaneSmtpClient client = client(lab, b -> b)) {
        assertThat(send(client, "bob@example.test").status()).isEqualTo(Status.DELIVERED);
        lab.zone().remove("_" + lab.port() + "._tcp.mx.example.test.", org.xbill.DNS.Type.TLSA);
        lab.tlsa("mx.example.test", ee311(lab.leaf("mx.example.test"))); // a key the server does not have
        RecipientResult after = send(client, "carol@example.test");
        assertThat(after.status()).as("%s", after).isEqualTo(Status.DEFERRED);
        assertThat(client.pool().reuses()).isZero();
      }
      assertThat(mx.awaitConnectionsClosed(Duration.ofSeconds(5))).isTrue();
      assertThat(mx.connectionCount()).isEqualTo(2);
      assertThat(mx.messages()).singleElement().satisfies(m -> assertThat(m.rcptTo()).containsExactly(
          "bob@example.test"));
      assertThat(mx.cleartextBytes()).doesNotContainIgnoringCase("carol");
    }
  }

  @Test
  @DisplayName("TLS-6: reuse off, a one-message limit, or an idle time that ran out: a new connection each time")
  void limitsOpenNewConnections() throws Exception {
    List<UnaryOperator<DaneSmtpClient.Builder>> settings = List.of(
        b -> b.idleConnectionTime(Duration.ZERO),
        b -> b.maxMessagesPerConnection(1));
    for (UnaryOperator<DaneSmtpClient.Builder> s : settings) {
      try (NettyLab lab = new NettyLab()) {
        SmtpTestServer mx = daneHost(lab);
        try (DaneSmtpClient client = client(lab, s)) {
          assertThat(send(client, "bob@example.test").status()).isEqualTo(Status.DELIVERED);
          assertThat(send(client, "carol@example.test").status()).isEqualTo(Status.DELIVERED);
          assertThat(client.pool().reuses()).isZero();
        }
        assertThat(mx.awaitConnectionsClosed(Duration.ofSeconds(5))).isTrue();
        assertThat(mx.connectionCount()).isEqualTo(2);
        assertThat(mx.handshakesCompleted()).isEqualTo(2);
      }
    }
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = daneHost(lab);
      try (DaneSmtpClient client = client(lab, b -> b.idleConnectionTime(Duration.ofMillis(50)))) {
        assertThat(send(client, "bob@example.test").status()).isEqualTo(Status.DELIVERED);
        assertThat(mx.awaitConnectionsClosed(Duration.ofSeconds(5))).as("idle connection closed").isTrue();
        assertThat(mx.connections().get(0).commands()).contains("QUIT");
        assertThat(send(client, "carol@example.test").status()).isEqualTo(Status.DELIVERED);
      }
      assertThat(mx.connectionCount()).isEqualTo(2);
    }
  }

  @Test
  @DisplayName("TLS-6: a connection older than connectionReuseTimeLimit on the injected clock carries no more mail")
  void reuseTimeLimitReadsTheInjectedClock() throws Exception {
    java.util.concurrent.atomic.AtomicReference<java.time.Instant> now =
        new java.util.concurrent.atomic.AtomicReference<>(java.time.Instant.parse("2026-06-01T12:00:00Z"));
    java.time.Clock clock = new java.time.Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return java.time.ZoneOffset.UTC;
      }

      @Override
      public java.time.Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public java.time.Instant instant() {
        return now.get();
      }
    };
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = daneHost(lab);
      try (DaneSmtpClient client = client(lab,
          b -> b.clock(clock).connectionReuseTimeLimit(Duration.ofSeconds(300)))) {
        assertThat(send(client, "bob@example.test").status()).isEqualTo(Status.DELIVERED);
        assertThat(send(client, "carol@example.test").status()).isEqualTo(Status.DELIVERED);
        assertThat(client.pool().reuses()).isEqualTo(1);
        now.set(now.get().plusSeconds(301)); // the connection is now past its age limit
        RecipientResult dave = send(client, "dave@example.test");
        assertThat(dave.status()).isEqualTo(Status.DELIVERED);
        assertThat(dave.deliveredBy()).hasValueSatisfying(a -> assertThat(a.reusedConnection()).isFalse());
      }
      assertThat(mx.awaitConnectionsClosed(Duration.ofSeconds(5))).isTrue();
      assertThat(mx.connectionCount()).isEqualTo(2);
    }
  }
}
