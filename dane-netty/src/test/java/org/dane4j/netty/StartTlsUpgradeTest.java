package org.dane4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.smtp.SmtpResponse;
import io.netty.handler.codec.smtp.SmtpResponseDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.dane4j.testkit.CertificateMinter;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.TlsTestServer;
import org.dane4j.tlsa.CertUsage;
import org.dane4j.tlsa.DaneCertificateException;
import org.dane4j.tlsa.DaneTrustManager;
import org.dane4j.tlsa.MatchingType;
import org.dane4j.tlsa.Selector;
import org.dane4j.tlsa.TlsaRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.DisplayName;

/** The STARTTLS upgrade step: injection guard on EmbeddedChannel, real handshakes against a loopback server. */
class StartTlsUpgradeTest {
  private static final MintedCertificate LEAF = CertificateMinter.certificate().dnsNames("mx.example.test").mint();

  private static DaneTrustManager dane(MintedCertificate c) {
    return DaneTrustManager.builder()
        .tlsa(TlsaRecord.of(c.certificate(), CertUsage.DANE_EE, Selector.SPKI, MatchingType.SHA2_256))
        .referenceNames("mx.example.test").build();
  }

  private static StartTlsUpgrade upgrade(MintedCertificate expected) {
    return new StartTlsUpgrade(ctx -> DaneSslHandlers.create(null, dane(expected), ctx.alloc(), "mx.example.test",
        25, Duration.ofSeconds(5)), StartTlsUpgrade.DEFAULT_MAX_REPLY_BYTES);
  }

  /** Keeps exceptions from the EmbeddedChannel's tail, which would rethrow them; records them instead. */
  private static final class Sink extends ChannelInboundHandlerAdapter {
    final java.util.List<Throwable> errors = new java.util.ArrayList<>();

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      errors.add(cause);
    }
  }

  private static ByteBuf ascii(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
  }

  private static Throwable failureOf(CompletableFuture<?> f) {
    assertThat(f).isCompletedExceptionally();
    try {
      f.getNow(null);
      throw new AssertionError("not failed");
    } catch (java.util.concurrent.CompletionException e) {
      return e.getCause();
    }
  }

  @Test
  @DisplayName("TLS-3: a reply injected in the same read as the 220 closes the channel; nothing is decoded")
  void tls3InjectionInSameRead() {
    StartTlsUpgrade upgrade = upgrade(LEAF);
    Sink sink = new Sink();
    EmbeddedChannel ch = new EmbeddedChannel(upgrade, new SmtpResponseDecoder(1000), sink);
    CompletableFuture<StartTlsUpgrade.Result> f = upgrade.expectReply();
    ch.writeInbound(ascii("220 2.0.0 Ready to start TLS\r\n250-injected\r\n250 OK\r\n"));
    assertThat(ch.isOpen()).isFalse();
    assertThat((Object) ch.readInbound()).isNull();
    assertThat(failureOf(f)).isInstanceOf(StartTlsUpgrade.ResponseInjectionException.class)
        .hasMessageContaining("CVE-2011-0411");
    assertThat(upgrade.routeTls()).as("no SslHandler was made").isNull();
    assertThat(sink.errors).singleElement().isInstanceOf(StartTlsUpgrade.ResponseInjectionException.class);
  }

  @Test
  @DisplayName("TLS-3: bytes in a later read before the handshake close the channel; they never reach the decoder")
  void tls3InjectionInLaterRead() {
    StartTlsUpgrade upgrade = upgrade(LEAF);
    Sink sink = new Sink();
    EmbeddedChannel ch = new EmbeddedChannel(upgrade, new SmtpResponseDecoder(1000), sink);
    CompletableFuture<StartTlsUpgrade.Result> f = upgrade.expectReply();
    ch.writeInbound(ascii("220 2.0.0 Ready"));
    assertThat((Object) ch.readInbound()).as("a partial line is held").isNull();
    ch.writeInbound(ascii(" to start TLS\r\n"));
    SmtpResponse ready = ch.readInbound();
    assertThat(ready.code()).isEqualTo(220);
    assertThat(ch.pipeline().first()).isSameAs(upgrade.routeTls().handler());
    ch.writeInbound(ascii("250 injected\r\n"));
    assertThat(ch.isOpen()).isFalse();
    assertThat((Object) ch.readInbound()).isNull();
    assertThat(f).isCompletedExceptionally();
    assertThat(upgrade.secured()).isFalse();
  }

  @Test
  @DisplayName("TLS-2: while the handshake runs, SMTP commands are refused, not queued")
  void tls2WritesRefusedDuringHandshake() {
    StartTlsUpgrade upgrade = upgrade(LEAF);
    Sink sink = new Sink();
    EmbeddedChannel ch = new EmbeddedChannel(upgrade, sink);
    upgrade.expectReply();
    ch.writeInbound(ascii("220 ready\r\n"));
    ch.releaseInbound();
    ch.releaseOutbound(); // the ClientHello
    var write = ch.writeOneOutbound(ascii("MAIL FROM:<a@example.org>\r\n"));
    ch.flushOutbound();
    assertThat(write.isSuccess()).isFalse();
    assertThat(write.cause()).hasMessageContaining("write refused");
    ch.finishAndReleaseAll();
  }

  @Test
  @DisplayName("STARTTLS refused (454): the reply is passed on, the future fails, the channel stays plain")
  void refusedReplyPassedOn() {
    StartTlsUpgrade upgrade = upgrade(LEAF);
    Sink sink = new Sink();
    EmbeddedChannel ch = new EmbeddedChannel(upgrade, new SmtpResponseDecoder(1000), sink);
    CompletableFuture<StartTlsUpgrade.Result> f = upgrade.expectReply();
    ch.writeInbound(ascii("454 4.7.0 TLS not available\r\n"));
    SmtpResponse reply = ch.readInbound();
    assertThat(reply.code()).isEqualTo(454);
    assertThat(failureOf(f)).isInstanceOf(StartTlsUpgrade.StartTlsRefusedException.class);
    assertThat(ch.isOpen()).isTrue();
    ch.finishAndReleaseAll();
  }

  @Test
  @DisplayName("TLS-7: no reply to STARTTLS within startTlsTimeout: the future fails naming the limit, the channel closes")
  void tls7_upgradeDeadlineWithoutReply() {
    StartTlsUpgrade upgrade = new StartTlsUpgrade(ctx -> { throw new AssertionError("no 220 came"); },
        StartTlsUpgrade.DEFAULT_MAX_REPLY_BYTES, Duration.ofSeconds(2));
    Sink sink = new Sink();
    EmbeddedChannel ch = new EmbeddedChannel(upgrade, new SmtpResponseDecoder(1000), sink);
    ch.freezeTime();
    CompletableFuture<StartTlsUpgrade.Result> f = upgrade.expectReply();
    ch.writeInbound(ascii("220 2.0.0 Rea")); // a reply that never ends
    ch.advanceTimeBy(1900, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(f).isNotDone();
    ch.advanceTimeBy(200, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(failureOf(f)).isInstanceOf(StartTlsUpgrade.StartTlsTimeoutException.class)
        .hasMessageContaining("startTlsTimeout (2 s)").hasMessageContaining("no complete reply to STARTTLS");
    assertThat(ch.isOpen()).isFalse();
    assertThat((Object) ch.readInbound()).isNull();
  }

  @Test
  @DisplayName("TLS-7: a handshake still running at startTlsTimeout fails the upgrade, whatever the handshake timeout")
  void tls7_upgradeDeadlineDuringHandshake() {
    StartTlsUpgrade upgrade = new StartTlsUpgrade(ctx -> DaneSslHandlers.create(null, dane(LEAF), ctx.alloc(),
        "mx.example.test", 25, Duration.ofMinutes(5)), StartTlsUpgrade.DEFAULT_MAX_REPLY_BYTES, Duration.ofSeconds(2));
    Sink sink = new Sink();
    EmbeddedChannel ch = new EmbeddedChannel(upgrade, new SmtpResponseDecoder(1000), sink);
    ch.freezeTime();
    CompletableFuture<StartTlsUpgrade.Result> f = upgrade.expectReply();
    ch.writeInbound(ascii("220 2.0.0 Ready to start TLS\r\n"));
    ch.releaseInbound();
    ch.releaseOutbound(); // the ClientHello, never answered
    ch.advanceTimeBy(3, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(failureOf(f)).isInstanceOf(StartTlsUpgrade.StartTlsTimeoutException.class)
        .hasMessageContaining("startTlsTimeout (2 s)").hasMessageContaining("handshake did not finish");
    assertThat(upgrade.secured()).isFalse();
    assertThat(ch.isOpen()).isFalse();
    ch.finishAndReleaseAll();
  }

  @Test
  @DisplayName("TLS-7: startTlsTimeout is checked when set")
  void tls7_upgradeDeadlineValidated() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new StartTlsUpgrade(ctx -> null, 4096, Duration.ZERO))
        .hasMessageContaining("startTlsTimeout");
  }

  /** Connects to a TLS server, arms the upgrade and plays the 220 as if the server had sent it. */
  private static CompletableFuture<StartTlsUpgrade.Result> handshake(EventLoopGroup group, TlsTestServer server,
      StartTlsUpgrade upgrade, StringBuilder received, Channel[] opened) throws Exception {
    Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel c) {
            c.pipeline().addLast(upgrade, new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf b = (ByteBuf) msg;
                synchronized (received) {
                  received.append(b.toString(StandardCharsets.US_ASCII));
                }
                b.release();
              }

              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                // recorded by the upgrade's future
              }
            });
          }
        }).connect(server.address()).sync().channel();
    opened[0] = ch;
    CompletableFuture<CompletableFuture<StartTlsUpgrade.Result>> armed = new CompletableFuture<>();
    ch.eventLoop().execute(() -> {
      armed.complete(upgrade.expectReply());
      ch.pipeline().fireChannelRead(ascii("220 2.0.0 Ready to start TLS\r\n"));
    });
    return armed.get(5, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("TLS-2: a DANE mismatch fails the handshake, the future and the channel; nothing reaches the server")
  void tls2HandshakeFailure() throws Exception {
    EventLoopGroup group = EventLoops.nio(1);
    try (TlsTestServer server = TlsTestServer.start(LEAF)) {
      StartTlsUpgrade upgrade = upgrade(CertificateMinter.certificate().dnsNames("mx.example.test").mint());
      CompletableFuture<StartTlsUpgrade.Result> f = handshake(group, server, upgrade, new StringBuilder(), new Channel[1]);
      Throwable e = null;
      try {
        f.get(10, TimeUnit.SECONDS);
      } catch (ExecutionException x) {
        e = x.getCause();
      }
      assertThat(e).isNotNull();
      assertThat(upgrade.secured()).isFalse();
      assertThat(upgrade.routeTls().verification()).hasValueSatisfying(v -> assertThat(v.verified()).isFalse());
      assertThat(upgrade.routeTls().authenticated()).isFalse();
      Throwable t = e;
      while (t != null && !(t instanceof DaneCertificateException)) {
        t = t.getCause();
      }
      assertThat(t).as("the DANE exception is in the chain of %s", e).isNotNull();
      Thread.sleep(200);
      assertThat(server.received()).isEmpty();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  @Test
  @DisplayName("TLS-4 / EE-1: a matching DANE-EE handshake completes the future, verified, with SNI = base domain")
  void handshakeSuccess() throws Exception {
    EventLoopGroup group = EventLoops.nio(1);
    try (TlsTestServer server = TlsTestServer.start(LEAF)) {
      StartTlsUpgrade upgrade = upgrade(LEAF);
      StringBuilder received = new StringBuilder();
      Channel[] opened = new Channel[1];
      StartTlsUpgrade.Result r = handshake(group, server, upgrade, received, opened).get(10, TimeUnit.SECONDS);
      assertThat(r.authenticated()).isTrue();
      assertThat(r.verification().verified()).isTrue();
      assertThat(r.session().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
      assertThat(upgrade.secured()).isTrue();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (server.sniNames().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(server.sniNames()).as("handshakes %s, failed %s", server.handshakes(), server.failedHandshakes())
          .contains("mx.example.test");
      opened[0].close().sync(); // lets the one-connection server finish
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }
}
