package org.dane4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.smtp.SmtpResponseDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The small pieces: the SSL handler's settings, dot-stuffing, the reply-line bound. */
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
}
