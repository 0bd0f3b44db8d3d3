package org.dane4j.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.dane4j.smtp.DeliveryPlanner;
import org.dane4j.smtp.Destination;
import org.dane4j.smtp.MxRoute;

/** Test helpers: a client channel whose first handler is a given {@link SslHandler}, routes from the lab. */
final class TlsProbe {
  private TlsProbe() {}

  /**
   * Connects with {@code ssl} at the front of the pipeline (TLS from the first byte) and, if {@code early} is
   * not null, writes it at once: the handler holds it until the handshake succeeded.
   */
  static Channel connect(EventLoopGroup group, InetSocketAddress server, SslHandler ssl, String early)
      throws InterruptedException {
    Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel c) {
            c.pipeline().addLast(ssl, new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ReferenceCountUtil.release(msg);
              }

              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                // the test reads the handshake future
              }
            });
          }
        }).connect(server).sync().channel();
    if (early != null) {
      ch.writeAndFlush(Unpooled.copiedBuffer(early, StandardCharsets.US_ASCII));
    }
    return ch;
  }

  /** The failure of a handshake, or null if it succeeded. */
  static Throwable handshakeFailure(SslHandler ssl) throws InterruptedException {
    if (!ssl.handshakeFuture().await(20, TimeUnit.SECONDS)) {
      throw new AssertionError("handshake neither succeeded nor failed");
    }
    return ssl.handshakeFuture().cause();
  }

  /** The first cause in the chain of {@code e} of the given type, or null. */
  static <T extends Throwable> T causeOf(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  /** Waits (bounded, not asserted on) until the condition holds: servers count on their own threads. */
  static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  /** The planned route of a relay host (TLSA base domain = the host) in the lab's signed DNS. */
  static MxRoute relayRoute(NettyLab lab, String host, int port) throws Exception {
    try {
      return DeliveryPlanner.of(lab.resolver()).plan(Destination.relay(host, port)).get(20, TimeUnit.SECONDS)
          .usableRoutes().get(0);
    } catch (ExecutionException e) {
      throw new AssertionError("planning " + host, e.getCause());
    }
  }
}
