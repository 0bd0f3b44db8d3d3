package org.dane4j.netty;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.util.concurrent.ThreadFactory;

/**
 * The event loop group the client creates when the user gives none: NIO, through the one API that Netty 4.1
 * and 4.2 both have. {@code NioEventLoopGroup} is deprecated in 4.2 in favour of
 * {@code MultiThreadIoEventLoopGroup(n, NioIoHandler.newFactory())}, which 4.1 lacks (Spring Boot 3.5 and
 * Reactor Netty 1.2 manage 4.1); in 4.2 {@code NioEventLoopGroup} is itself a {@code MultiThreadIoEventLoopGroup}
 * with that factory, so nothing is lost there. The {@code netty41} Maven profile builds and tests this module
 * against Netty 4.1.
 */
final class EventLoops {
  private EventLoops() {
  }

  /** A NIO group of {@code threads} threads, on Netty 4.1 and 4.2 alike. */
  @SuppressWarnings("deprecation")
  static EventLoopGroup nio(int threads) {
    return new NioEventLoopGroup(threads);
  }

  /** A NIO group of {@code threads} threads made by {@code factory}, on Netty 4.1 and 4.2 alike. */
  @SuppressWarnings("deprecation")
  static EventLoopGroup nio(int threads, ThreadFactory factory) {
    return new NioEventLoopGroup(threads, factory);
  }
}
