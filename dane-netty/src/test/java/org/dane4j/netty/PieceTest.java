package org.dane4j.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.smtp.DefaultSmtpRequest;
import io.netty.handler.codec.smtp.SmtpCommand;
import io.netty.handler.codec.smtp.SmtpRequestEncoder;
import io.netty.handler.codec.smtp.SmtpRequests;
import io.netty.handler.codec.smtp.SmtpResponse;
import io.netty.handler.codec.smtp.SmtpResponseDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The small pieces: the SSL handler's settings, dot-stuffing, the reply bounds, a reply before its command. */
class PieceTest {

  @Test
  @DisplayName("TLS-4 / TLS-5: client mode, SNI = TLSA base domain, no endpoint identification, TLS 1.2+ only (JDK; "
      + "every provider: TcnativeTest)")
  void sslHandlerSettings() {
    DaneSslHandlers.RouteTls tls = DaneSslHandlers.create(null, org.dane4j.tlsa.DaneTrustManager.builder()
        .tlsa(org.dane4j.tlsa.TlsaRecord.parse("3 1 1 " + "ab".repeat(32))).build(),
        ByteBufAllocator.DEFAULT, "mx.example.test", 25, Duration.ofSeconds(7), io.netty.handler.ssl.SslProvider.JDK);
    SSLEngine engine = tls.handler().engine();
    SSLParameters p = engine.getSSLParameters();
    assertThat(engine.getUseClientMode()).isTrue();
    assertThat(p.getEndpointIdentificationAlgorithm()).isNull();
    assertThat(engine.getEnabledProtocols()).containsOnly("TLSv1.3", "TLSv1.2");
    assertThat(p.getServerNames()).containsExactly(new SNIHostName("mx.example.test"));
    assertThat(engine.getEnabledCipherSuites()).noneMatch(c -> c.contains("_anon_") || c.contains("_NULL_"));
    assertThat(tls.handler().getHandshakeTimeoutMillis()).isEqualTo(7000);
    assertThat(tls.authenticated()).isFalse();
  }

  private static String stuffed(String in) {
    ByteBuf b = MessageData.stuff(ByteBufAllocator.DEFAULT, in.getBytes(StandardCharsets.ISO_8859_1));
    try {
      return b.toString(StandardCharsets.ISO_8859_1);
    } finally {
      b.release();
    }
  }

  @Test
  @DisplayName("RFC 5321 §4.5.2: leading dots doubled, bare LF and CR become CRLF, a final CRLF is added")
  void dotStuffingAndCrlf() {
    assertThat(stuffed(".a\n..b\nc.\r\n.")).isEqualTo("..a\r\n...b\r\nc.\r\n..\r\n");
    assertThat(stuffed("x\ry\r\n\r\nz")).isEqualTo("x\r\ny\r\n\r\nz\r\n");
    assertThat(stuffed("")).isEmpty();
    assertThat(stuffed("end\r\n")).isEqualTo("end\r\n");
  }

  @Test
  @DisplayName("RFC 5321 §4.2.1: a reply with more lines than maxReplyLines closes the channel with a clear error")
  void replyLineBound() {
    List<Throwable> errors = new ArrayList<>();
    EmbeddedChannel ch = new EmbeddedChannel(new ReplyLimiter(5), new SmtpResponseDecoder(1000),
        new ChannelInboundHandlerAdapter() {
          @Override
          public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.add(cause);
          }
        });
    ch.writeInbound(Unpooled.copiedBuffer("250-a\r\n250-b\r\n250 c\r\n", StandardCharsets.US_ASCII));
    assertThat(ch.isOpen()).isTrue();
    assertThat(ch.<Object>readInbound()).isNotNull();
    ch.writeInbound(Unpooled.copiedBuffer("250-1\r\n250-2\r\n250-3\r\n250-4\r\n250-5\r\n250 6\r\n",
        StandardCharsets.US_ASCII));
    assertThat(ch.isOpen()).isFalse();
    assertThat(ch.<Object>readInbound()).isNull();
    assertThat(errors).singleElement().satisfies(e -> assertThat(e).hasMessageContaining("maxReplyLines"));
  }

  @Test
  @DisplayName("TLS-3: EHLO reply and a 220 in one read: STARTTLS, sent from the EHLO reply's callback, is never written")
  void tls3_replyBeforeItsCommandIsNeverTakenAsItsReply() {
    ReplyLimiter limiter = new ReplyLimiter(100);
    SmtpConversation conversation = new SmtpConversation(Duration.ofSeconds(5), limiter);
    EmbeddedChannel ch = new EmbeddedChannel(limiter, new SmtpResponseDecoder(1000), new SmtpRequestEncoder(),
        conversation);
    ch.writeInbound(Unpooled.copiedBuffer("220 mx.example.test ESMTP\r\n", StandardCharsets.US_ASCII));
    assertThat(conversation.greeting()).isCompleted();
    CompletableFuture<SmtpResponse> ehlo = conversation.send(SmtpRequests.ehlo("sender.example.org"), "EHLO",
        "commandTimeout", Duration.ofSeconds(5));
    assertThat(ch.<ByteBuf>readOutbound().toString(StandardCharsets.US_ASCII)).isEqualTo("EHLO sender.example.org\r\n");
    // as RouteConnection does: STARTTLS is written from the EHLO reply's completion, while the decoder still
    // holds the rest of the read
    CompletableFuture<SmtpResponse> startTls = ehlo.thenCompose(r -> conversation.send(
        new DefaultSmtpRequest(SmtpCommand.valueOf("STARTTLS")), "STARTTLS", "commandTimeout", Duration.ofSeconds(5)));
    ch.writeInbound(Unpooled.copiedBuffer("250-mx.example.test\r\n250 STARTTLS\r\n220 2.0.0 Ready\r\n",
        StandardCharsets.US_ASCII));
    assertThat(ehlo).isCompleted();
    assertThat(startTls).isCompletedExceptionally();
    assertThatThrownBy(startTls::join).hasCauseInstanceOf(StartTlsUpgrade.ResponseInjectionException.class)
        .hasMessageContaining("1 reply(ies) received before STARTTLS was sent").hasMessageContaining("TLS-3");
    assertThat(ch.<Object>readOutbound()).as("STARTTLS is never written").isNull();
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  @DisplayName("TLS-3: part of a reply held before a command is written also refuses the command")
  void tls3_partialReplyBeforeItsCommand() {
    ReplyLimiter limiter = new ReplyLimiter(100);
    SmtpConversation conversation = new SmtpConversation(Duration.ofSeconds(5), limiter);
    EmbeddedChannel ch = new EmbeddedChannel(limiter, new SmtpResponseDecoder(1000), new SmtpRequestEncoder(),
        conversation);
    ch.writeInbound(Unpooled.copiedBuffer("220 mx.example.test ESMTP\r\n250-ear", StandardCharsets.US_ASCII));
    CompletableFuture<SmtpResponse> ehlo = conversation.send(SmtpRequests.ehlo("sender.example.org"), "EHLO",
        "commandTimeout", Duration.ofSeconds(5));
    assertThatThrownBy(ehlo::join).hasMessageContaining("part of a reply received before EHLO was sent");
    assertThat(ch.<Object>readOutbound()).isNull();
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  @DisplayName("TLS-7: a reply trickled in never resets the deadline; the failure names the limit")
  void tls7_overallDeadlinePerReply() {
    ReplyLimiter limiter = new ReplyLimiter(100);
    SmtpConversation conversation = new SmtpConversation(Duration.ofSeconds(5), limiter);
    EmbeddedChannel ch = new EmbeddedChannel(limiter, new SmtpResponseDecoder(1000), new SmtpRequestEncoder(),
        conversation);
    ch.freezeTime();
    for (char c : "220 mx.example.test ESM".toCharArray()) {
      ch.writeInbound(Unpooled.copiedBuffer(String.valueOf(c), StandardCharsets.US_ASCII));
      ch.advanceTimeBy(200, TimeUnit.MILLISECONDS); // 23 bytes, 200 ms apart: past 4.6 s
      ch.runScheduledPendingTasks();
    }
    assertThat(conversation.greeting()).isNotDone();
    ch.advanceTimeBy(500, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThatThrownBy(conversation.greeting()::join).hasMessageContaining("greetingTimeout (5 s)")
        .hasMessageContaining("only part of one arrived");
    assertThat(ch.isOpen()).isFalse();
  }
}
