package org.dane4j.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioChannelOption;
import jdk.net.ExtendedSocketOptions;

/**
 * Linux's {@code TCP_QUICKACK} on the client's NIO sockets, where the JDK supports it
 * ({@link ExtendedSocketOptions#TCP_QUICKACK}; elsewhere setting it does nothing).
 *
 * <p>Why: after a TLS 1.3 handshake a server such as Postfix (OpenSSL) sends its NewSessionTicket messages
 * in one write and its reply to the client's EHLO in a later one. The server's socket does not set
 * {@code TCP_NODELAY}, so Nagle holds the EHLO reply until the ticket segment is acknowledged, and the client,
 * which has nothing to send while it waits for that reply, delays its ACK (40 ms on Linux): about 40 ms per
 * new connection. Quick-ACK mode makes the client acknowledge at once. The kernel leaves quick-ACK mode on
 * its own (the flag is not permanent), so it is set when the socket is made, again right before the
 * EHLO that follows the handshake, and after every read until the session is ready for MAIL
 * ({@link Reads}): setting it while an ACK is pending sends that ACK at once. Netty's NIO transport has no option of its own for it; the epoll transport
 * has {@code EpollChannelOption.TCP_QUICKACK}, which dane4j does not use.
 */
final class TcpQuickAck {
  /** The NIO channel option for {@code TCP_QUICKACK}. */
  static final ChannelOption<Boolean> OPTION = NioChannelOption.of(ExtendedSocketOptions.TCP_QUICKACK);

  private TcpQuickAck() {}

  /**
   * Sets quick-ACK mode after each read while {@link #armed}: an ACK the kernel delayed for the data just
   * read (the server's session tickets, for one) goes out now. One per connection, first in the pipeline.
   */
  static final class Reads extends ChannelInboundHandlerAdapter {
    private volatile boolean armed = true;

    /** Stops re-arming: the session is set up, every further reply is answered by a command anyway. */
    void disarm() {
      armed = false;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (armed) {
        rearm(ctx.channel());
      }
      ctx.fireChannelReadComplete();
    }
  }

  /** Enters quick-ACK mode again; a no-op on a channel or platform without the option. */
  static void rearm(Channel channel) {
    if (channel != null && channel.isActive()) {
      channel.config().setOption(OPTION, true);
    }
  }
}
