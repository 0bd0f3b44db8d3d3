package org.dane4j.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedTrustManager;
import org.dane4j.testkit.MintedCertificate;

/**
 * A TLS server on BoringSSL (netty-tcnative) limited to old protocols: the JDK 17 disables TLSv1 and TLSv1.1
 * ({@code jdk.tls.disabledAlgorithms}), so the testkit's JDK servers cannot be made to speak them.
 */
final class OldTlsServer implements AutoCloseable {
  private final EventLoopGroup group = EventLoops.nio(1);
  private final StringBuffer received = new StringBuffer();
  private final AtomicInteger handshakes = new AtomicInteger();
  private final Channel channel;

  private OldTlsServer(MintedCertificate leaf, String... protocols) throws SSLException, InterruptedException {
    SslContext context = SslContextBuilder.forServer(leaf.privateKey(), leaf.chain().toArray(new X509Certificate[0]))
        .sslProvider(SslProvider.OPENSSL).protocols(protocols).build();
    channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel c) {
            SslHandler ssl = context.newHandler(c.alloc());
            ssl.handshakeFuture().addListener(f -> {
              if (f.isSuccess()) {
                handshakes.incrementAndGet();
              }
            });
            c.pipeline().addLast(ssl, new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                received.append(((ByteBuf) msg).toString(StandardCharsets.ISO_8859_1));
                ReferenceCountUtil.release(msg);
              }

              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
              }
            });
          }
        }).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
  }

  /** Starts a server presenting {@code leaf}'s chain, speaking only {@code protocols}. */
  static OldTlsServer start(MintedCertificate leaf, String... protocols) throws Exception {
    return new OldTlsServer(leaf, protocols);
  }

  /**
   * A client handler that also offers TLSv1.1 (OpenSSL; the JDK refuses to), with the given trust manager:
   * a test-only way to let the old protocol be negotiated so that the trust manager is the one to refuse it.
   */
  static SslHandler widenedClient(X509ExtendedTrustManager trust) throws SSLException {
    return SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL).trustManager(trust)
        .protocols("TLSv1.2", "TLSv1.1").endpointIdentificationAlgorithm(null).build()
        .newHandler(ByteBufAllocator.DEFAULT, "good.example.test", 25);
  }

  InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  /** Application bytes received over completed handshakes. */
  String received() {
    return received.toString();
  }

  /** Handshakes that completed. */
  int handshakes() {
    return handshakes.get();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
