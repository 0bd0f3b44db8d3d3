package org.dane4j.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.dane4j.netty.NettyLab.BODY_MARKER;
import static org.dane4j.netty.NettyLab.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.smtp.DefaultLastSmtpContent;
import io.netty.handler.codec.smtp.SmtpRequestEncoder;
import io.netty.handler.codec.smtp.SmtpRequests;
import io.netty.handler.codec.smtp.SmtpResponse;
import io.netty.handler.codec.smtp.SmtpResponseDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.dane4j.delivery.DeliveryListener;
import org.dane4j.delivery.SessionResult;
import org.dane4j.smtp.DeliveryAttempt;
import org.dane4j.smtp.DeliveryReport;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.smtp.RecipientResult.Status;
import org.dane4j.testkit.smtp.SmtpConnection;
import org.dane4j.testkit.smtp.SmtpFault;
import org.dane4j.testkit.smtp.SmtpTestServer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * RFC 2920 command pipelining in the Netty client: after STARTTLS, when the EHLO reply offers PIPELINING, MAIL,
 * each RCPT and DATA (with RSET in front on a reused connection) go in one write, and their replies are read in
 * order under per-reply deadlines (TLS-7) and the injection guard (TLS-3).
 */
class PipeliningTest {
  private static final long NO_HANG_SECONDS = 30;
  private static final String BOB = "bob@example.test";
  private static final String CAROL = "carol@example.test";

  /** The sessions the engine saw, in order. */
  private static final class Sessions implements DeliveryListener {
    final List<SessionResult> results = new CopyOnWriteArrayList<>();

    @Override
    public void attemptFinished(DeliveryAttempt attempt, SessionResult session) {
      results.add(session);
    }
  }

  private static DeliveryReport send(DaneSmtpClient client, String... rcpts) throws Exception {
    return client.send("alice@example.org", List.of(rcpts), message(rcpts)).get(NO_HANG_SECONDS, TimeUnit.SECONDS);
  }

  private static SmtpTestServer mx(NettyLab lab, UnaryOperator<SmtpTestServer.Builder> extra) {
    return lab.daneMx(extra);
  }

  /** The verbs of each read the server made, e.g. {@code [[EHLO], [STARTTLS], [EHLO], [MAIL, RCPT, DATA]]}. */
  private static List<List<String>> verbs(SmtpConnection c) {
    return c.commandReads().stream().map(g -> g.stream().map(l -> l.split(" ", 2)[0]).toList()).toList();
  }

  // --- against the testkit's server, over DANE-verified TLS ---

  @Test
  @DisplayName("RFC 2920 §3.1: MAIL, every RCPT and DATA arrive in one read; on a reused connection RSET heads it")
  void groupArrivesAtOnceAndRsetJoinsItOnReuse() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = mx(lab, b -> b);
      try (DaneSmtpClient client = lab.builder().idleConnectionTime(Duration.ofSeconds(30)).build()) {
        DeliveryReport first = send(client, BOB, CAROL);
        DeliveryReport second = send(client, BOB);
        assertThat(first.results()).allSatisfy(r -> assertThat(r.status()).as("%s", r).isEqualTo(Status.DELIVERED));
        assertThat(second.of(BOB).status()).isEqualTo(Status.DELIVERED);
        assertThat(client.pool().reuses()).isEqualTo(1);
      }
      assertThat(mx.awaitConnectionsClosed(Duration.ofSeconds(5))).isTrue();
      assertThat(mx.connectionCount()).isEqualTo(1);
      // (QUIT, when the closing client gets it out, comes after)
      assertThat(verbs(mx.connections().get(0))).startsWith(List.of("EHLO"), List.of("STARTTLS"),
          List.of("EHLO"), List.of("MAIL", "RCPT", "RCPT", "DATA"), List.of("RSET", "MAIL", "RCPT", "DATA"));
      assertThat(mx.messages()).hasSize(2).allSatisfy(m -> assertThat(m.tls()).isTrue());
      assertThat(mx.messages().get(0).rcptTo()).containsExactly(BOB, CAROL);
      assertThat(mx.cleartextBytes()).doesNotContain(BODY_MARKER).doesNotContainIgnoringCase("MAIL FROM");
    }
  }

  @Test
  @DisplayName("RFC 2920: without PIPELINING in the EHLO reply, each command waits for the reply before it")
  void withoutPipeliningOneCommandAtATime() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = mx(lab, b -> b.pipelining(false));
      try (DaneSmtpClient client = lab.builder().idleConnectionTime(Duration.ofSeconds(30)).build()) {
        assertThat(send(client, BOB, CAROL).results()).allSatisfy(r -> assertThat(r.status()).isEqualTo(Status.DELIVERED));
        assertThat(send(client, BOB).of(BOB).status()).isEqualTo(Status.DELIVERED);
      }
      assertThat(mx.awaitConnectionsClosed(Duration.ofSeconds(5))).isTrue();
      assertThat(verbs(mx.connections().get(0))).startsWith(List.of("EHLO"), List.of("STARTTLS"),
          List.of("EHLO"), List.of("MAIL"), List.of("RCPT"), List.of("RCPT"), List.of("DATA"), List.of("RSET"),
          List.of("MAIL"), List.of("RCPT"), List.of("DATA"));
      assertThat(mx.messages()).hasSize(2);
    }
  }

  @Test
  @DisplayName("TLS-3: PIPELINING offered only in the cleartext EHLO reply is never acted on: no TLS, no pipelining")
  void tls3_cleartextPipeliningOfferIsNotUsed() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = lab.mx("mx.example.test", 2, lab.leaf("mx.example.test"), b -> b.fault(SmtpFault.NO_STARTTLS));
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test."); // no TLSA: opportunistic, here cleartext
      try (DaneSmtpClient client = lab.client()) {
        assertThat(send(client, BOB, CAROL).results()).allSatisfy(r -> assertThat(r.status()).isEqualTo(Status.DELIVERED));
      }
      assertThat(mx.awaitConnectionsClosed(Duration.ofSeconds(5))).isTrue();
      assertThat(verbs(mx.connections().get(0))).startsWith(List.of("EHLO"), List.of("MAIL"), List.of("RCPT"),
          List.of("RCPT"), List.of("DATA"));
    }
  }

  @Test
  @DisplayName("RFC 2920 §3.1: one of two recipients rejected in the group: the other gets the message, each reply recorded")
  void oneOfTwoRecipientsRejected() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = mx(lab, b -> b.replyToRecipient(CAROL, "550 5.1.1 no such user"));
      Sessions sessions = new Sessions();
      try (DaneSmtpClient client = lab.builder().listener(sessions).build()) {
        DeliveryReport report = send(client, BOB, CAROL);
        assertThat(report.of(BOB).status()).isEqualTo(Status.DELIVERED);
        assertThat(report.of(CAROL).status()).isEqualTo(Status.FAILED);
        assertThat(report.of(CAROL).reason()).contains("RCPT rejected: 550");
      }
      SessionResult s = sessions.results.get(0);
      assertThat(s.mailReply()).hasValueSatisfying(r -> assertThat(r.code()).isEqualTo(250));
      assertThat(s.rcptReplies()).containsOnlyKeys(BOB, CAROL);
      assertThat(s.rcptReplies().get(BOB).code()).isEqualTo(250);
      assertThat(s.rcptReplies().get(CAROL).code()).isEqualTo(550);
      assertThat(s.dataReply()).hasValueSatisfying(r -> assertThat(r.code()).isEqualTo(250));
      assertThat(mx.messages()).singleElement().satisfies(m -> assertThat(m.rcptTo()).containsExactly(BOB));
      assertThat(verbs(mx.connections().get(0))).contains(List.of("MAIL", "RCPT", "RCPT", "DATA"));
    }
  }

  @Test
  @DisplayName("RFC 2920 §3.1: every RCPT rejected and DATA answered 354: a lone \".\" ends it, no byte of the message")
  void allRecipientsRejectedDataAcceptedEndsWithALoneDot() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = mx(lab, b -> b.replyTo("RCPT", "550 5.1.1 no such user").acceptDataWithoutRecipients());
      Sessions sessions = new Sessions();
      try (DaneSmtpClient client = lab.builder().idleConnectionTime(Duration.ZERO).listener(sessions).build()) {
        DeliveryReport report = send(client, BOB, CAROL);
        assertThat(report.results()).allSatisfy(r -> {
          assertThat(r.status()).isEqualTo(Status.FAILED);
          assertThat(r.reason()).contains("RCPT rejected: 550");
        });
      }
      SessionResult s = sessions.results.get(0);
      assertThat(s.rcptReplies().values()).allSatisfy(r -> assertThat(r.code()).isEqualTo(550));
      assertThat(s.dataReply()).hasValueSatisfying(r -> assertThat(r.code()).isEqualTo(554));
      assertThat(s.failure()).isEmpty();
      assertThat(mx.awaitConnectionsClosed(Duration.ofSeconds(5))).isTrue();
      assertThat(mx.messages()).isEmpty();
      assertThat(mx.tlsBytes()).doesNotContain(BODY_MARKER).contains("RCPT TO:<carol@example.test>\r\nDATA\r\n.\r\nQUIT\r\n");
    }
  }

  @Test
  @DisplayName("RFC 2920 §3.1: every RCPT rejected and DATA refused: the refusal is recorded, nothing more is sent")
  void allRecipientsRejectedDataRefused() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = mx(lab, b -> b.replyTo("RCPT", "550 5.1.1 no such user"));
      Sessions sessions = new Sessions();
      try (DaneSmtpClient client = lab.builder().listener(sessions).build()) {
        assertThat(send(client, BOB).of(BOB).status()).isEqualTo(Status.FAILED);
      }
      assertThat(sessions.results.get(0).dataReply()).hasValueSatisfying(r -> assertThat(r.code()).isEqualTo(554));
      assertThat(mx.tlsBytes()).doesNotContain(BODY_MARKER);
    }
  }

  @Test
  @DisplayName("RFC 5321 §4.1.1.10: after a DATA refused in the group, the connection still ends with QUIT")
  void quitAfterRefusedData() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = mx(lab, b -> b.replyTo("RCPT", "550 5.1.1 no such user"));
      try (DaneSmtpClient client = lab.builder().idleConnectionTime(Duration.ZERO).build()) {
        assertThat(send(client, BOB).of(BOB).status()).isEqualTo(Status.FAILED);
        assertThat(mx.awaitConnectionsClosed(Duration.ofSeconds(10))).isTrue();
      }
      assertThat(mx.connections().get(0).commands()).last().isEqualTo("QUIT");
    }
  }

  @Test
  @DisplayName("RFC 2920 §3.1: MAIL refused: the 503s to the RCPTs and DATA of the group are recorded as they came")
  void mailRefusedLaterRepliesRecorded() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = mx(lab, b -> b.replyTo("MAIL", "550 5.7.1 sender refused"));
      Sessions sessions = new Sessions();
      try (DaneSmtpClient client = lab.builder().listener(sessions).build()) {
        DeliveryReport report = send(client, BOB, CAROL);
        assertThat(report.results()).allSatisfy(r -> {
          assertThat(r.status()).isEqualTo(Status.FAILED);
          assertThat(r.reason()).contains("MAIL rejected: 550");
        });
      }
      SessionResult s = sessions.results.get(0);
      assertThat(s.mailReply()).hasValueSatisfying(r -> assertThat(r.code()).isEqualTo(550));
      assertThat(s.rcptReplies()).containsOnlyKeys(BOB, CAROL)
          .allSatisfy((rcpt, r) -> assertThat(r.code()).isEqualTo(503));
      assertThat(s.dataReply()).hasValueSatisfying(r -> assertThat(r.code()).isEqualTo(503));
      assertThat(mx.tlsBytes()).doesNotContain(BODY_MARKER);
    }
  }

  @Test
  @DisplayName("TLS-7: a server silent after MAIL in a group: the RCPT reply's deadline, named, ends the session")
  void tls7_silentServerMidGroupNamesTheLimit() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = mx(lab, b -> b.neverReplyTo("RCPT"));
      Sessions sessions = new Sessions();
      try (DaneSmtpClient client = lab.builder().commandTimeout(Duration.ofMillis(500)).listener(sessions).build()) {
        RecipientResult r = send(client, BOB).of(BOB);
        assertThat(r.status()).isEqualTo(Status.DEFERRED);
        assertThat(r.reason()).contains("RCPT not answered").contains("commandTimeout (500 ms)");
      }
      assertThat(sessions.results.get(0).failure()).hasValueSatisfying(f -> assertThat(f)
          .contains("no complete reply to RCPT within commandTimeout (500 ms)").contains("TLS-7"));
      assertThat(mx.messages()).isEmpty();
    }
  }

  @Test
  @DisplayName("a connection dropped after MAIL's reply, mid-group: reported as a lost transaction, as without pipelining")
  void droppedMidGroupReportedAsLost() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      SmtpTestServer mx = mx(lab, b -> b.neverReplyTo("RCPT"));
      Sessions sessions = new Sessions();
      try (DaneSmtpClient client = lab.builder().commandTimeout(Duration.ofSeconds(20)).listener(sessions).build()) {
        CompletableFuture<DeliveryReport> sending = client.send("alice@example.org", List.of(BOB), message(BOB));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(NO_HANG_SECONDS);
        while (mx.connections().isEmpty() || !mx.connections().get(0).commands().contains("DATA")) {
          assertThat(System.nanoTime()).as("the group arrives").isLessThan(deadline);
          Thread.sleep(10);
        }
        mx.close(); // drops the connection: MAIL was answered, RCPT and DATA were not
        RecipientResult r = sending.get(NO_HANG_SECONDS, TimeUnit.SECONDS).of(BOB);
        assertThat(r.status()).isEqualTo(Status.DEFERRED);
        assertThat(r.reason()).contains("RCPT not answered: connection closed by the server");
      }
      SessionResult s = sessions.results.get(0);
      assertThat(s.mailReply()).hasValueSatisfying(m -> assertThat(m.code()).isEqualTo(250));
      assertThat(s.rcptReplies()).isEmpty();
      assertThat(s.failure()).hasValueSatisfying(f -> assertThat(f).contains("connection closed by the server"));
      assertThat(mx.messages()).isEmpty();
    }
  }

  // --- the conversation itself, on an EmbeddedChannel ---

  private static EmbeddedChannel channel(SmtpConversation conversation, ReplyLimiter limiter) {
    EmbeddedChannel ch = new EmbeddedChannel(limiter, new SmtpResponseDecoder(1000), new SmtpRequestEncoder(),
        conversation);
    ch.freezeTime();
    return ch;
  }

  private static void in(EmbeddedChannel ch, String text) {
    ch.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
  }

  private static String written(EmbeddedChannel ch) {
    StringBuilder out = new StringBuilder();
    for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
      out.append(b.toString(StandardCharsets.US_ASCII));
      b.release();
    }
    return out.toString();
  }

  private static List<SmtpConversation.Command> group() {
    Duration t = Duration.ofSeconds(5);
    return List.of(new SmtpConversation.Command(SmtpRequests.mail("alice@example.org"), "MAIL", "commandTimeout", t),
        new SmtpConversation.Command(SmtpRequests.rcpt(BOB), "RCPT", "commandTimeout", t),
        new SmtpConversation.Command(SmtpRequests.data(), "DATA", "dataInitiationTimeout", Duration.ofSeconds(120)));
  }

  @Test
  @DisplayName("TLS-3: a reply injected before the group is written: nothing of the group is written, every reply fails")
  void tls3_replyBeforeTheGroupAbortsAndNothingIsWritten() {
    ReplyLimiter limiter = new ReplyLimiter(100);
    SmtpConversation conversation = new SmtpConversation(Duration.ofSeconds(5), limiter);
    EmbeddedChannel ch = channel(conversation, limiter);
    in(ch, "220 mx.example.test ESMTP\r\n");
    CompletableFuture<SmtpResponse> ehlo = conversation.send(SmtpRequests.ehlo("sender.example.org"), "EHLO",
        "commandTimeout", Duration.ofSeconds(5));
    assertThat(written(ch)).isEqualTo("EHLO sender.example.org\r\n");
    // as RouteConnection does: the group is written from the EHLO reply's completion, while the decoder still
    // holds the rest of the read: a reply nobody has asked for yet
    CompletableFuture<List<CompletableFuture<SmtpResponse>>> group = ehlo.thenApply(r -> conversation.sendGroup(group()));
    in(ch, "250-mx.example.test\r\n250 PIPELINING\r\n250 2.1.0 injected\r\n");
    assertThat(ehlo).isCompleted();
    List<CompletableFuture<SmtpResponse>> replies = group.join();
    assertThat(replies).hasSize(3).allSatisfy(f -> assertThatThrownBy(f::join)
        .hasCauseInstanceOf(StartTlsUpgrade.ResponseInjectionException.class)
        .hasMessageContaining("1 reply(ies) received before MAIL, RCPT, DATA (pipelined) was sent")
        .hasMessageContaining("TLS-3"));
    assertThat(written(ch)).as("nothing of the group is written").isEmpty();
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  @DisplayName("TLS-3: part of a reply before the group also refuses it")
  void tls3_partialReplyBeforeTheGroup() {
    ReplyLimiter limiter = new ReplyLimiter(100);
    SmtpConversation conversation = new SmtpConversation(Duration.ofSeconds(5), limiter);
    EmbeddedChannel ch = channel(conversation, limiter);
    in(ch, "220 mx.example.test ESMTP\r\n250 2.1");
    List<CompletableFuture<SmtpResponse>> replies = conversation.sendGroup(group());
    assertThat(replies).allSatisfy(f -> assertThatThrownBy(f::join).hasMessageContaining("part of a reply received"));
    assertThat(written(ch)).isEmpty();
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  @DisplayName("TLS-3: a reply more than the group asked for, in the 354's read: the content is never written")
  void tls3_extraReplyAfterTheGroupRefusesTheContent() {
    ReplyLimiter limiter = new ReplyLimiter(100);
    SmtpConversation conversation = new SmtpConversation(Duration.ofSeconds(5), limiter);
    EmbeddedChannel ch = channel(conversation, limiter);
    in(ch, "220 mx.example.test ESMTP\r\n");
    List<CompletableFuture<SmtpResponse>> replies = conversation.sendGroup(group());
    assertThat(written(ch)).isEqualTo("MAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n");
    CompletableFuture<SmtpResponse> end = replies.get(2).thenCompose(go -> conversation.send(
        new DefaultLastSmtpContent(Unpooled.copiedBuffer(BODY_MARKER + "\r\n", StandardCharsets.US_ASCII)),
        "end of data", "dataTerminationTimeout", Duration.ofSeconds(600)));
    in(ch, "250 ok\r\n250 ok\r\n354 go\r\n250 2.0.0 queued (injected)\r\n");
    assertThat(replies.get(2)).isCompleted();
    assertThatThrownBy(end::join).hasMessageContaining("received before end of data was sent");
    assertThat(written(ch)).doesNotContain(BODY_MARKER);
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  @DisplayName("a second group while replies are pending is refused; the first goes on")
  void oneGroupAtATime() {
    ReplyLimiter limiter = new ReplyLimiter(100);
    SmtpConversation conversation = new SmtpConversation(Duration.ofSeconds(5), limiter);
    EmbeddedChannel ch = channel(conversation, limiter);
    in(ch, "220 mx.example.test ESMTP\r\n");
    List<CompletableFuture<SmtpResponse>> replies = conversation.sendGroup(group());
    written(ch);
    CompletableFuture<SmtpResponse> extra = conversation.send(SmtpRequests.noop(), "NOOP", "commandTimeout",
        Duration.ofSeconds(5));
    assertThatThrownBy(extra::join).hasMessageContaining("a command is already pending");
    assertThat(written(ch)).isEmpty();
    in(ch, "250 a\r\n250 b\r\n354 c\r\n");
    assertThat(replies).allSatisfy(f -> assertThat(f).isCompleted());
    assertThat(replies.stream().map(f -> f.join().code()).toList()).containsExactly(250, 250, 354);
    assertThat(ch.isOpen()).isTrue();
  }

  @Test
  @DisplayName("the connection lost mid-group: every pending reply fails, the ones before it stay answered")
  void droppedMidGroupFailsEveryPendingReply() {
    ReplyLimiter limiter = new ReplyLimiter(100);
    SmtpConversation conversation = new SmtpConversation(Duration.ofSeconds(5), limiter);
    EmbeddedChannel ch = channel(conversation, limiter);
    in(ch, "220 mx.example.test ESMTP\r\n");
    List<CompletableFuture<SmtpResponse>> replies = conversation.sendGroup(group());
    in(ch, "250 ok\r\n");
    ch.close();
    assertThat(replies.get(0).join().code()).isEqualTo(250);
    assertThat(replies.subList(1, 3)).allSatisfy(f -> assertThatThrownBy(f::join)
        .hasMessageContaining("connection closed by the server"));
  }

  @Test
  @DisplayName("TLS-7: the head's deadline runs from the write; each next one from the reply before it, named")
  void tls7_deadlinePerReplyInTheGroup() {
    ReplyLimiter limiter = new ReplyLimiter(100);
    SmtpConversation conversation = new SmtpConversation(Duration.ofSeconds(5), limiter);
    EmbeddedChannel ch = channel(conversation, limiter);
    in(ch, "220 mx.example.test ESMTP\r\n");
    List<CompletableFuture<SmtpResponse>> replies = conversation.sendGroup(group());
    ch.advanceTimeBy(4, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    in(ch, "250 ok\r\n"); // MAIL at 4 s of its 5 s
    ch.advanceTimeBy(4, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    in(ch, "250 ok\r\n"); // RCPT 8 s after the write, 4 s after MAIL's reply: in time
    assertThat(replies.get(1)).isCompleted();
    ch.advanceTimeBy(119, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(replies.get(2)).isNotDone();
    ch.advanceTimeBy(2, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThatThrownBy(replies.get(2)::join)
        .hasMessageContaining("no complete reply to DATA within dataInitiationTimeout (120 s)")
        .hasMessageContaining("TLS-7");
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  @DisplayName("TLS-7: no reply at all to a group: the first command's limit is named and every reply fails")
  void tls7_silentServerFailsTheWholeGroup() {
    ReplyLimiter limiter = new ReplyLimiter(100);
    SmtpConversation conversation = new SmtpConversation(Duration.ofSeconds(5), limiter);
    EmbeddedChannel ch = channel(conversation, limiter);
    in(ch, "220 mx.example.test ESMTP\r\n");
    List<CompletableFuture<SmtpResponse>> replies = conversation.sendGroup(group());
    ch.advanceTimeBy(6, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(replies).allSatisfy(f -> assertThatThrownBy(f::join)
        .hasMessageContaining("no complete reply to MAIL within commandTimeout (5 s)"));
    assertThat(ch.isOpen()).isFalse();
  }
}
