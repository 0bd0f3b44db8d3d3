/**
 * dane4j for Netty: DANE {@code SslHandler}s for planned routes, a STARTTLS upgrade that rejects response
 * injection, and an asynchronous SMTP client whose sessions the core's delivery engine drives.
 */
module org.dane4j.netty {
  requires transitive org.dane4j.core;
  requires transitive io.netty.handler;
  requires transitive io.netty.transport;
  requires transitive io.netty.common;
  requires io.netty.buffer;
  requires io.netty.codec;
  requires io.netty.codec.smtp;
  requires jdk.net; // TCP_QUICKACK (TcpQuickAck)

  exports org.dane4j.netty;
}
