package org.dane4j.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.smtp.SmtpResponse;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The last handler of a client channel: one command at a time, each reply completing its future on the event
 * loop, each wait bounded by its RFC 5321 §4.5.3.2 timeout. A reply nobody asked for (e.g. pipelined by an
 * attacker) closes the channel.
 */
final class SmtpConversation extends ChannelInboundHandlerAdapter {
  private ChannelHandlerContext ctx;
  private CompletableFuture<SmtpResponse> pending;
  private ScheduledFuture<?> timer;
  private Throwable failure;
  private final Duration greetingTimeout;

  SmtpConversation(Duration greetingTimeout) {
    this.greetingTimeout = greetingTimeout;
    this.pending = new CompletableFuture<>();
  }

  /** The greeting future; created at construction so an early greeting is never lost. */
  CompletableFuture<SmtpResponse> greeting() {
    return pending;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    arm("greeting", greetingTimeout);
    ctx.fireChannelActive();
  }

  /** Writes a request (or message content) and waits for the reply; call on the event loop. */
  CompletableFuture<SmtpResponse> send(Object request, String what, Duration timeout) {
    if (failure != null) {
      io.netty.util.ReferenceCountUtil.release(request);
      return CompletableFuture.failedFuture(failure);
    }
    if (pending != null && !pending.isDone()) {
      io.netty.util.ReferenceCountUtil.release(request);
      return CompletableFuture.failedFuture(new IllegalStateException("a command is already pending"));
    }
    pending = new CompletableFuture<>();
    CompletableFuture<SmtpResponse> mine = pending;
    arm(what, timeout);
    ctx.writeAndFlush(request).addListener(f -> {
      if (!f.isSuccess()) {
        fail(new IOException("cannot send " + what + ": " + f.cause().getMessage(), f.cause()));
      }
    });
    return mine;
  }

  private void arm(String what, Duration timeout) {
    cancelTimer();
    CompletableFuture<SmtpResponse> waiting = pending;
    timer = ctx.executor().schedule(() -> {
      if (pending == waiting && !waiting.isDone()) {
        fail(new IOException("timeout: no reply to " + what + " within " + timeout.toSeconds()
            + " s (RFC 5321 §4.5.3.2)"));
      }
    }, timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof SmtpResponse reply)) {
      io.netty.util.ReferenceCountUtil.release(msg);
      return;
    }
    if (pending == null || pending.isDone()) {
      fail(new IOException("unexpected reply " + reply.code() + " while no command was pending; closing"));
      return;
    }
    cancelTimer();
    pending.complete(reply);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    fail(cause);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    fail(new IOException("connection closed by the server"));
    ctx.fireChannelInactive();
  }

  private void fail(Throwable cause) {
    if (failure == null) {
      failure = cause;
    }
    cancelTimer();
    if (pending != null && !pending.isDone()) {
      pending.completeExceptionally(failure);
    }
    if (ctx != null) {
      ctx.channel().close();
    }
  }
}
