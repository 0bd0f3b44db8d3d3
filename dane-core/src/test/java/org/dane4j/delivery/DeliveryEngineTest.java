package org.dane4j.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dane4j.delivery.ScriptedSession.transaction;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.dane4j.dns.DaneResolver;
import org.dane4j.smtp.DaneMode;
import org.dane4j.smtp.DeliveryAttempt;
import org.dane4j.smtp.DeliveryPlanner;
import org.dane4j.smtp.DeliveryReport;
import org.dane4j.smtp.Envelope;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.smtp.RecipientResult.Status;
import org.dane4j.smtp.TlsVerdict;
import org.dane4j.testkit.dns.DnsFault;
import org.dane4j.testkit.dns.DnsTestServer;
import org.dane4j.testkit.dns.DnsWorld;
import org.dane4j.testkit.dns.DnsZone;
import org.dane4j.tlsa.FailureType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/**
 * The engine's decisions against a scripted session over a signed DNS world: which session comes next after
 * each kind of ending, and what the report says (RFC 5321 §5.1, RFC 7672 §2.2).
 */
class DeliveryEngineTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-06-01T12:00:00Z"), ZoneOffset.UTC);
  private static final String TLSA = "3 1 1 " + "ab".repeat(32);
  private static final byte[] MESSAGE = "Subject: t\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII);
  private static DnsTestServer server;
  private static DaneResolver resolver;

  @BeforeAll
  static void world() {
    DnsWorld world = DnsWorld.create(CLOCK);
    world.zone("test.");
    DnsZone example = world.zone("example.test.");
    DnsZone insecure = world.unsignedZone("insecure.test.");
    example.add(
        // two MX hosts with DANE; the first has two addresses
        "two.example.test. 300 IN MX 10 mx1.example.test.", "two.example.test. 300 IN MX 20 mx2.example.test.",
        "mx1.example.test. 300 IN A 127.0.0.1", "mx1.example.test. 300 IN A 127.0.0.2",
        "mx2.example.test. 300 IN A 127.0.0.3",
        "_25._tcp.mx1.example.test. 300 IN TLSA " + TLSA, "_25._tcp.mx2.example.test. 300 IN TLSA " + TLSA,
        "null.example.test. 300 IN MX 0 .",
        // a DANE host whose TLSA lookup is bogus: unusable, never contacted
        "bad.example.test. 300 IN MX 10 mx.bad.example.test.", "bad.example.test. 300 IN MX 20 mx2.example.test.",
        "mx.bad.example.test. 300 IN A 127.0.0.9", "_25._tcp.mx.bad.example.test. 300 IN TLSA " + TLSA);
    insecure.add("opp.insecure.test. 300 IN MX 10 mx.opp.insecure.test.",
        "mx.opp.insecure.test. 300 IN A 127.0.0.4");
    world.fault("_25._tcp.mx.bad.example.test.", Type.TLSA, DnsFault.CORRUPT_RRSIG);
    server = world.start();
    resolver = DaneResolver.builder().servers(server.address()).trustAnchors(world.trustAnchor()).clock(CLOCK)
        .timeout(Duration.ofSeconds(3)).retries(1).build(); // generous: a loaded machine answers late
  }

  @AfterAll
  static void stop() {
    resolver.close();
    server.close();
  }

  private static DeliveryEngine engine(SmtpSession session, boolean cleartextRetry, DeliveryListener listener) {
    DeliveryPlanner planner = DeliveryPlanner.builder(resolver).mode(DaneMode.DANE).clock(CLOCK)
        .random(new Random(1)).build();
    return DeliveryEngine.builder(planner, session).cleartextRetry(cleartextRetry).listener(listener).build();
  }

  private static DeliveryReport send(SmtpSession session, String... recipients) {
    return engine(session, true, DeliveryListener.none())
        .send(Envelope.of("me@client.test", List.of(recipients)), MESSAGE).join();
  }

  @Test
  @DisplayName("RPT-LOOP: the listener hears each attempt with its send: the domain, and whether the message is a TLS report")
  void attemptsCarryTheSendAndTheTlsReportMarker() {
    List<SendInfo> heard = new CopyOnWriteArrayList<>();
    DeliveryListener listener = new DeliveryListener() {
      @Override
      public void attemptFinished(SendInfo send, DeliveryAttempt attempt, SessionResult session) {
        heard.add(send);
      }
    };
    ScriptedSession s = new ScriptedSession().at("127.0.0.3", transaction(true, x -> 250, 250));
    byte[] report = "TLS-Report-Domain: two.example.test\r\nTLS-Required: No\r\n\r\n{}\r\n"
        .getBytes(StandardCharsets.US_ASCII);
    engine(s, true, listener).send(Envelope.of("me@client.test", List.of("a@bad.example.test")), report).join();
    engine(s, true, listener).send(Envelope.of("me@client.test", List.of("a@bad.example.test")), MESSAGE).join();
    assertThat(heard).hasSize(4); // per send: the unusable route, then the session at mx2
    assertThat(heard.subList(0, 2)).containsOnly(new SendInfo("bad.example.test", true));
    assertThat(heard.subList(2, 4)).containsOnly(new SendInfo("bad.example.test", false));
  }

  @Test
  @DisplayName("TLS-1: a DANE failure at one address moves to the host's next address, then the next MX (Postfix)")
  void tls1_daneFailureTriesNextAddressThenNextHost() {
    ScriptedSession s = new ScriptedSession()
        .at("127.0.0.1", r -> ScriptedSession.tlsFailed(FailureType.CERTIFICATE_NOT_TRUSTED))
        .at("127.0.0.2", r -> ScriptedSession.noStartTls())
        .at("127.0.0.3", transaction(true, x -> 250, 250));
    RecipientResult r = send(s, "a@two.example.test").of("a@two.example.test");
    assertThat(s.addressesTried().subList(0, 2)).containsExactlyInAnyOrder("127.0.0.1", "127.0.0.2");
    assertThat(s.addressesTried()).hasSize(3).endsWith("127.0.0.3");
    assertThat(r.status()).isEqualTo(Status.DELIVERED);
    assertThat(r.attempts().subList(0, 2)).extracting(DeliveryAttempt::failureType).containsExactlyInAnyOrder(
        FailureType.CERTIFICATE_NOT_TRUSTED, FailureType.STARTTLS_NOT_SUPPORTED);
    assertThat(r.attempts().get(2).failureType()).isNull();
    assertThat(r.deliveredBy().orElseThrow().verdict()).isEqualTo(TlsVerdict.VERIFIED);
  }

  @Test
  @DisplayName("TLS-1: every address and host failing TLS defers with the last reason; no cleartext session")
  void tls1_allFailingDefersNeverCleartext() {
    ScriptedSession s = new ScriptedSession()
        .at("127.0.0.1", r -> ScriptedSession.tlsFailed(FailureType.CERTIFICATE_NOT_TRUSTED))
        .at("127.0.0.2", r -> ScriptedSession.tlsFailed(FailureType.CERTIFICATE_NOT_TRUSTED))
        .at("127.0.0.3", r -> ScriptedSession.noStartTls());
    // every address is tried once, TLS only
    RecipientResult r = send(s, "a@two.example.test").of("a@two.example.test");
    assertThat(r.status()).isEqualTo(Status.DEFERRED);
    assertThat(r.failureType()).isEqualTo(FailureType.STARTTLS_NOT_SUPPORTED);
    assertThat(s.requests).allMatch(SessionRequest::startTls);
  }

  @Test
  @DisplayName("TLS-1: an OPPORTUNISTIC route whose handshake failed is retried once in cleartext, unless switched off")
  void tls1_opportunisticHandshakeFailureRetriesInCleartext() {
    ScriptedSession s = new ScriptedSession().at("127.0.0.4", r -> r.startTls()
        ? ScriptedSession.tlsFailed(FailureType.VALIDATION_FAILURE) : transaction(false, x -> 250, 250).apply(r));
    RecipientResult r = send(s, "a@opp.insecure.test").of("a@opp.insecure.test");
    assertThat(s.addressesTried()).containsExactly("127.0.0.4", "127.0.0.4 cleartext");
    assertThat(r.status()).isEqualTo(Status.DELIVERED);
    assertThat(r.deliveredBy().orElseThrow().verdict()).isEqualTo(TlsVerdict.CLEARTEXT);

    ScriptedSession strict = new ScriptedSession().at("127.0.0.4", r2 -> ScriptedSession.tlsFailed(null));
    RecipientResult deferred = engine(strict, false, DeliveryListener.none())
        .send(Envelope.of("me@client.test", List.of("a@opp.insecure.test")), MESSAGE).join().of("a@opp.insecure.test");
    assertThat(strict.addressesTried()).containsExactly("127.0.0.4");
    assertThat(deferred.status()).isEqualTo(Status.DEFERRED);
  }

  @Test
  @DisplayName("TLS-8: with a TLS floor an OPPORTUNISTIC route needs STARTTLS and is never retried in cleartext")
  void tls8_tlsFloorMakesOpportunisticMandatory() {
    ScriptedSession s = new ScriptedSession().at("127.0.0.4", r -> ScriptedSession.tlsFailed(null));
    DeliveryEngine floored = DeliveryEngine.builder(DeliveryPlanner.builder(resolver).clock(CLOCK).build(), s)
        .tlsFloor(true).build();
    RecipientResult r = floored.send(Envelope.of("me@client.test", List.of("a@opp.insecure.test")), MESSAGE)
        .join().of("a@opp.insecure.test");
    assertThat(s.addressesTried()).containsExactly("127.0.0.4");
    assertThat(s.requests).allMatch(SessionRequest::tlsMandatory);
    assertThat(r.status()).isEqualTo(Status.DEFERRED);
  }

  @Test
  @DisplayName("OUT-1: per-recipient replies decide: 5xx fails, 4xx goes on to the next MX, 2xx after DATA delivers")
  void out1_repliesDecidePerRecipient() {
    var first = transaction(true, x -> x.startsWith("bad") ? 550 : x.startsWith("later") ? 450 : 250, 250);
    ScriptedSession s = new ScriptedSession().at("127.0.0.1", first).at("127.0.0.2", first)
        .at("127.0.0.3", transaction(true, x -> 451, 250));
    DeliveryReport report = send(s, "good@two.example.test", "bad@two.example.test", "later@two.example.test");
    assertThat(report.of("good@two.example.test").status()).isEqualTo(Status.DELIVERED);
    assertThat(report.of("bad@two.example.test").status()).isEqualTo(Status.FAILED);
    assertThat(report.of("bad@two.example.test").reason()).contains("RCPT rejected: 550");
    assertThat(report.of("later@two.example.test").status()).isEqualTo(Status.DEFERRED);
    assertThat(report.of("later@two.example.test").reason()).contains("RCPT deferred: 451");
    // the host answered: its second address is not tried; the 4xx recipient alone goes to the next MX
    assertThat(s.addressesTried()).hasSize(2).endsWith("127.0.0.3");
    assertThat(s.requests.get(1).recipients()).containsExactly("later@two.example.test");
  }

  @Test
  @DisplayName("OUT-1: MAIL 5xx fails every pending recipient; DATA 5xx fails those accepted")
  void out1_mailAndDataRefusals() {
    java.util.function.Function<SessionRequest, SessionResult> refusing = r -> SessionResult.builder().connected()
        .tls("TLSv1.3", "x", true).phase(SessionPhase.MAIL).mailReply(new SmtpReply(553, "no")).build();
    ScriptedSession mail = new ScriptedSession().at("127.0.0.1", refusing).at("127.0.0.2", refusing);
    assertThat(send(mail, "a@two.example.test", "b@two.example.test").results())
        .allMatch(r -> r.status() == Status.FAILED && r.reason().contains("MAIL rejected: 553"));
    ScriptedSession data = new ScriptedSession().at("127.0.0.1", transaction(true, x -> 250, 554))
        .at("127.0.0.2", transaction(true, x -> 250, 554));
    assertThat(send(data, "a@two.example.test").of("a@two.example.test").status()).isEqualTo(Status.FAILED);
  }

  @Test
  @DisplayName("OUT-1: a connection lost in the transaction is a failed attempt with its reason, and the recipient waits")
  void out1_connectionLostMidTransactionIsAFailedAttempt() {
    java.util.function.Function<SessionRequest, SessionResult> lost = r -> SessionResult.builder().connected()
        .tls("TLSv1.3", "x", true).phase(SessionPhase.DATA).mailReply(new SmtpReply(250, "ok"))
        .rcptReply("a@two.example.test", new SmtpReply(250, "ok"))
        .failure(null, "connection closed by the server").build();
    ScriptedSession s = new ScriptedSession().at("127.0.0.1", lost).at("127.0.0.2", lost)
        .at("127.0.0.3", r -> ScriptedSession.refused());
    RecipientResult r = send(s, "a@two.example.test").of("a@two.example.test");
    assertThat(r.status()).isEqualTo(Status.DEFERRED);
    DeliveryAttempt first = r.attempts().get(0);
    assertThat(first.failed()).isTrue();
    assertThat(first.detail()).contains("connection lost during the transaction at DATA");
  }

  @Test
  @DisplayName("DNS-2, MX-3: an unusable route is never contacted; a null MX fails with no session")
  void dns2_unusableRouteSkippedAndNullMxFails() {
    ScriptedSession s = new ScriptedSession().at("127.0.0.3", transaction(true, x -> 250, 250));
    DeliveryReport report = send(s, "a@bad.example.test", "b@null.example.test");
    assertThat(s.addressesTried()).containsExactly("127.0.0.3");
    RecipientResult bad = report.of("a@bad.example.test");
    assertThat(bad.status()).isEqualTo(Status.DELIVERED);
    assertThat(bad.attempts().get(0).address()).isNull();
    assertThat(bad.attempts().get(0).failureType()).isEqualTo(FailureType.DNSSEC_INVALID);
    assertThat(report.of("b@null.example.test").status()).isEqualTo(Status.FAILED);
  }

  @Test
  @DisplayName("IN-1: a session or listener that throws never loses the report; other domains are delivered")
  void in1_brokenSessionOrListenerKeepsTheReport() {
    SmtpSession broken = req -> {
      if (req.address().getHostAddress().equals("127.0.0.4")) {
        throw new IllegalStateException("boom");
      }
      return CompletableFuture.completedFuture(transaction(true, x -> 250, 250).apply(req));
    };
    List<String> heard = new CopyOnWriteArrayList<>();
    DeliveryListener throwing = new DeliveryListener() {
      @Override
      public void recipientFinished(RecipientResult result) {
        heard.add(result.recipient());
        throw new IllegalStateException("listener bug");
      }
    };
    DeliveryReport report = engine(broken, true, throwing).send(Envelope.of("me@client.test",
        List.of("a@two.example.test", "b@opp.insecure.test", "c@[192.0.2.1]")), MESSAGE).join();
    assertThat(report.of("a@two.example.test").status()).isEqualTo(Status.DELIVERED);
    assertThat(report.of("b@opp.insecure.test").status()).isEqualTo(Status.DEFERRED);
    assertThat(report.of("b@opp.insecure.test").reason()).contains("boom");
    assertThat(report.of("c@[192.0.2.1]").status()).isEqualTo(Status.FAILED);
    assertThat(heard).contains("a@two.example.test", "b@opp.insecure.test");
  }
}
