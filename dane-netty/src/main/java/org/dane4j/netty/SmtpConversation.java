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
 * loop, each wait bounded by its RFC 5321 §4.5.3.2 timeout — an overall deadline from writing the command to
 * the reply's last line, not an idle timer that a server trickling one byte at a time could keep resetting
 * (checklist TLS-7); the timeout's name is in the failure. A reply nobody asked for closes the channel, and so
 * does a command that would be written while a reply the server sent earlier is still unread: a reply that
 * arrives before its command was sent is a protocol violation, and taking it as the command's reply is the
 * response injection of CVE-2011-0411 (RFC 3207 §4.2; checklist TLS-3) — for STARTTLS it would skip the
 * {@link StartTlsUpgrade} guard altogether.
 */
final class SmtpConversation extends ChannelInboundHandlerAdapter {
  private ChannelHandlerContext ctx;
  private CompletableFuture<SmtpResponse> pending;
  private ScheduledFuture<?> timer;
  private Throwable failure;
  private final Duration greetingTimeout;
  private final ReplyLimiter arrived;
  private long consumed;

  /**
   * A conversation whose greeting wait is bounded by {@code greetingTimeout}; {@code arrived} is the
   * {@link ReplyLimiter} of the same pipeline, which counts the replies that have arrived.
   */
  SmtpConversation(Duration greetingTimeout, ReplyLimiter arrived) {
    this.greetingTimeout = greetingTimeout;
    this.arrived = arrived;
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
    arm("greeting", "greetingTimeout", greetingTimeout);
    ctx.fireChannelActive();
  }

  /**
   * Writes a request (or message content) and waits for the reply, at most {@code timeout} (the setting named
   * {@code limit}) from now; call on the event loop. Refuses, and closes the channel, when a reply has already
   * arrived (TLS-3): nothing is written then.
   */
  CompletableFuture<SmtpResponse> send(Object request, String what, String limit, Duration timeout) {
    if (failure != null) {
      io.netty.util.ReferenceCountUtil.release(request);
      return CompletableFuture.failedFuture(failure);
    }
    if (pending != null && !pending.isDone()) {
      io.netty.util.ReferenceCountUtil.release(request);
      return CompletableFuture.failedFuture(new IllegalStateException("a command is already pending"));
    }
    long early = arrived.repliesReceived() - consumed;
    if (early > 0 || arrived.partialReply()) {
      io.netty.util.ReferenceCountUtil.release(request);
      fail(new StartTlsUpgrade.ResponseInjectionException("protocol violation: "
          + (early > 0 ? early + " reply(ies)" : "part of a reply") + " received before " + what
          + " was sent; a reply before its command is never taken as its reply (possible response injection, "
          + "CVE-2011-0411; RFC 3207 §4.2, TLS-3); closing without sending " + what));
      return CompletableFuture.failedFuture(failure);
    }
    pending = new CompletableFuture<>();
    CompletableFuture<SmtpResponse> mine = pending;
    arm(what, limit, timeout);
    ctx.writeAndFlush(request).addListener(f -> {
      if (!f.isSuccess()) {
        fail(new IOException("cannot send " + what + ": " + f.cause().getMessage(), f.cause()));
      }
    });
    return mine;
  }

  private void arm(String what, String limit, Duration timeout) {
    cancelTimer();
    CompletableFuture<SmtpResponse> waiting = pending;
    timer = ctx.executor().schedule(() -> {
      if (pending == waiting && !waiting.isDone()) {
        fail(new IOException("timeout: no complete reply to " + what + " within " + Limits.named(limit, timeout)
            + (arrived.partialReply() ? ", only part of one arrived" : "") + " (RFC 5321 §4.5.3.2, TLS-7)"));
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
    consumed++;
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
