package org.dane4j.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dane4j.netty.NettyLab.BODY_MARKER;
import static org.dane4j.netty.NettyLab.message;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.dane4j.smtp.DeliveryReport;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.smtp.RecipientResult.Status;
import org.dane4j.testkit.smtp.SmtpFault;
import org.dane4j.testkit.smtp.SmtpTestServer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Hostile servers against the Netty client (checklist TLS-3, TLS-7): a reply sent before its command, a server
 * that never answers, stalls mid-reply, trickles, or stalls the handshake, and queues that never move. Each
 * attempt ends with a deferral naming the violation or the limit, within a bounded time; no cleartext MAIL
 * FROM reaches the server; and the connection permit and delivery slot are free afterwards (a following
 * delivery to the same host succeeds with one permit and one slot).
 */
class SessionDeadlineTest {
  private static final String RCPT = "bob@example.test";
  /** Far beyond every limit the tests set: a report that takes longer means a hang. */
  private static final long NO_HANG_SECONDS = 30;

  private static CompletableFuture<DeliveryReport> sendAsync(DaneSmtpClient client) {
    return client.send("alice@example.org", List.of(RCPT), message(RCPT)).orTimeout(NO_HANG_SECONDS,
        TimeUnit.SECONDS);
  }

  private static RecipientResult send(DaneSmtpClient client) {
    return sendAsync(client).join().of(RCPT);
  }

  private static void assertNoCleartextMail(SmtpTestServer mx) throws InterruptedException {
    mx.awaitConnectionsClosed(Duration.ofSeconds(10));
    assertThat(mx.cleartextBytes()).doesNotContainIgnoringCase("MAIL FROM").doesNotContain(BODY_MARKER);
  }

  /**
   * With one permit per host and one slot per domain, after the faulty attempt: the fault is switched off and
   * the next message to the same host must be delivered, so neither the permit nor the slot was kept.
   */
  private static void assertNextDeliverySucceeds(DaneSmtpClient client, SmtpTestServer mx) {
    mx.setFaults();
    mx.clearReplies();
    RecipientResult next = send(client);
    assertThat(next.status()).as("the permit and the slot were released: %s", next).isEqualTo(Status.DELIVERED);
    assertThat(client.domains().active("example.test")).isZero();
  }

  private static DaneSmtpClient.Builder oneAtATime(NettyLab lab) {
    return lab.builder().maxConnectionsPerHost(1).maxDeliveriesPerDomain(1).idleConnectionTime(Duration.ZERO);
  }

  @Test
  @DisplayName("TLS-3: a 220 to STARTTLS sent with the EHLO reply aborts the session before STARTTLS; no hang, permit and slot freed")
  void tls3_startTlsReplyPipelinedWithEhloReply() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      // the server waits for the handshake far longer than the test: a client that took the early 220 hangs
      SmtpTestServer mx = lab.daneMx(b -> b.fault(SmtpFault.PIPELINED_STARTTLS_REPLY).idleTimeout(Duration.ofMinutes(10)));
      try (DaneSmtpClient client = oneAtATime(lab).build()) {
        RecipientResult r = send(client);
        assertThat(r.status()).as("%s", r).isEqualTo(Status.DEFERRED);
        assertThat(r.reason()).contains("received before STARTTLS was sent").contains("TLS-3");
        assertThat(mx.firedCount(SmtpFault.PIPELINED_STARTTLS_REPLY)).isEqualTo(1);
        assertThat(mx.connections().get(0).commands()).as("STARTTLS is never written").containsExactly(
            "EHLO sender.example.org");
        assertNoCleartextMail(mx);
        assertNextDeliverySucceeds(client, mx);
      }
    }
  }

  @Test
  @DisplayName("TLS-3: a reply pipelined after the greeting (before EHLO) aborts the session; nothing is written")
  void tls3_replyBeforeEhlo() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = lab.daneMx(b -> b.greeting("220 mx.example.test ESMTP\r\n250 early"));
      try (DaneSmtpClient client = oneAtATime(lab).build()) {
        RecipientResult r = send(client);
        assertThat(r.status()).as("%s", r).isEqualTo(Status.DEFERRED);
        // in one read with the greeting, or in a read of its own: either way a reply before its command
        assertThat(r.reason()).containsAnyOf("received before EHLO was sent", "while no command was pending");
        mx.awaitConnectionsClosed(Duration.ofSeconds(10));
        assertThat(mx.connections().get(0).commands()).isEmpty();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "STARTTLS never answered,        commandTimeout, no complete reply to STARTTLS",
      "STARTTLS phase shorter,         startTlsTimeout, no complete reply to STARTTLS",
      "reply stops after a line,       commandTimeout, only part of one arrived",
      "greeting trickled,              greetingTimeout, no complete reply to greeting",
      "handshake never answered,       handshakeTimeout, TLS handshake not complete",
      "handshake beyond STARTTLS phase, startTlsTimeout, the TLS handshake did not finish",
      "354 never comes,                dataInitiationTimeout, no complete reply to DATA",
      "reply to the message never comes, dataTerminationTimeout, no complete reply to end of data"})
  @DisplayName("TLS-7: every wait of a session has a deadline; the deferral names the limit; permit and slot are freed")
  void tls7_sessionWaitsHaveDeadlines(String scenario, String limit, String what) throws Exception {
    UnaryOperator<SmtpTestServer.Builder> server = switch (scenario) {
      case "STARTTLS never answered", "STARTTLS phase shorter" -> b -> b.neverReplyTo("STARTTLS");
      case "reply stops after a line" -> b -> b.fault(SmtpFault.STALL_MID_REPLY);
      case "greeting trickled" -> b -> b.trickle(Duration.ofMillis(200));
      case "handshake never answered", "handshake beyond STARTTLS phase" -> b -> b.fault(SmtpFault.STALL_HANDSHAKE);
      case "354 never comes" -> b -> b.neverReplyTo("DATA");
      default -> b -> b.neverReplyTo(".");
    };
    Duration shortLimit = Duration.ofMillis(800);
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = lab.daneMx(b -> server.apply(b).idleTimeout(Duration.ofMinutes(10)));
      DaneSmtpClient.Builder builder = oneAtATime(lab);
      switch (limit) {
        case "commandTimeout" -> builder.commandTimeout(shortLimit);
        case "startTlsTimeout" -> builder.startTlsTimeout(shortLimit);
        case "greetingTimeout" -> builder.greetingTimeout(shortLimit);
        case "handshakeTimeout" -> builder.handshakeTimeout(shortLimit);
        case "dataInitiationTimeout" -> builder.dataInitiationTimeout(shortLimit);
        default -> builder.dataTerminationTimeout(shortLimit);
      }
      try (DaneSmtpClient client = builder.build()) {
        RecipientResult r = send(client);
        assertThat(r.status()).as("%s", r).isEqualTo(Status.DEFERRED);
        assertThat(r.reason()).contains(limit + " (800 ms)").contains(what);
        assertThat(mx.messages()).isEmpty();
        assertNoCleartextMail(mx);
        assertNextDeliverySucceeds(client, mx);
      }
    }
  }

  @Test
  @DisplayName("TLS-7: the wait for a connection permit has a deadline, named in the deferral; the permit stays usable")
  void tls7_connectionPermitWait() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = lab.daneMx(b -> b.fault(SmtpFault.NEVER_REPLY_AFTER_GREETING));
      try (DaneSmtpClient client = lab.builder().maxConnectionsPerHost(1).commandTimeout(Duration.ofSeconds(3))
          .connectionPermitTimeout(Duration.ofMillis(300)).idleConnectionTime(Duration.ZERO).build()) {
        CompletableFuture<DeliveryReport> first = sendAsync(client);  // holds the only permit for 3 s
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(NO_HANG_SECONDS);
        while (mx.connectionCount() == 0 && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        RecipientResult second = send(client);
        assertThat(second.status()).as("%s", second).isEqualTo(Status.DEFERRED);
        assertThat(second.reason()).contains("connectionPermitTimeout (300 ms)").contains("maxConnectionsPerHost");
        RecipientResult r = first.join().of(RCPT);
        assertThat(r.reason()).as("%s", r).contains("commandTimeout (3 s)");
        assertThat(mx.connectionCount()).as("the second message never connected").isEqualTo(1);
        assertNoCleartextMail(mx);
        assertNextDeliverySucceeds(client, mx);
      }
    }
  }

  @Test
  @DisplayName("TLS-7: the wait for a domain's delivery slot has a deadline, named in the deferral; the slot stays usable")
  void tls7_domainSlotWait() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = lab.daneMx(b -> b.fault(SmtpFault.NEVER_REPLY_AFTER_GREETING));
      try (DaneSmtpClient client = lab.builder().maxDeliveriesPerDomain(1).commandTimeout(Duration.ofSeconds(3))
          .domainSlotTimeout(Duration.ofMillis(300)).idleConnectionTime(Duration.ZERO).build()) {
        CompletableFuture<DeliveryReport> first = sendAsync(client);  // holds the only slot for 3 s
        RecipientResult second = send(client);
        assertThat(second.status()).as("%s", second).isEqualTo(Status.DEFERRED);
        assertThat(second.reason()).contains("domainSlotTimeout (300 ms)").contains("maxDeliveriesPerDomain");
        assertThat(second.attempts()).isEmpty();
        assertThat(first.join().of(RCPT).status()).isEqualTo(Status.DEFERRED);
        assertNoCleartextMail(mx);
        assertNextDeliverySucceeds(client, mx);
      }
    }
  }
}
