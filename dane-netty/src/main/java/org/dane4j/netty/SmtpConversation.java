package org.dane4j.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.smtp.SmtpResponse;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The last handler of a client channel: a command, or a group of pipelined commands (RFC 2920 §3.1), at a time;
 * each reply completing its command's future on the event loop, in order, each wait bounded by its RFC 5321
 * §4.5.3.2 timeout — an overall deadline for the reply's last line, not an idle timer that a server trickling
 * one byte at a time could keep resetting (checklist TLS-7); the timeout's name is in the failure. The deadline
 * of the first reply of a group runs from the moment the group is written, that of each next reply from the
 * arrival of the reply before it.
 *
 * <p>A reply nobody asked for closes the channel, and so does a command (or group) that would be written while
 * a reply the server sent earlier, or part of one, is still unread: a reply that arrives before its command was
 * sent is a protocol violation, and taking it as the command's reply is the response injection of
 * CVE-2011-0411 (RFC 3207 §4.2; checklist TLS-3) — for STARTTLS it would skip the {@link StartTlsUpgrade} guard
 * altogether. A group is therefore written only when no reply is pending or unread, never added to one in
 * flight. When the channel fails or closes, every pending future fails.
 */
final class SmtpConversation extends ChannelInboundHandlerAdapter {
  /** A command to write: the request (or content), its name for errors, and its reply's timeout setting. */
  record Command(Object request, String what, String limit, Duration timeout) {}

  /** A reply awaited: whose it is and how long it may take (TLS-7). */
  private record Pending(CompletableFuture<SmtpResponse> future, String what, String limit, Duration timeout) {}

  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private final CompletableFuture<SmtpResponse> greeting = new CompletableFuture<>();
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> timer;
  private Throwable failure;
  private final ReplyLimiter arrived;
  private long consumed;

  /**
   * A conversation whose greeting wait is bounded by {@code greetingTimeout}; {@code arrived} is the
   * {@link ReplyLimiter} of the same pipeline, which counts the replies that have arrived.
   */
  SmtpConversation(Duration greetingTimeout, ReplyLimiter arrived) {
    this.arrived = arrived;
    pending.add(new Pending(greeting, "greeting", "greetingTimeout", greetingTimeout));
  }

  /** The greeting future; created at construction so an early greeting is never lost. */
  CompletableFuture<SmtpResponse> greeting() {
    return greeting;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    armHead();
    ctx.fireChannelActive();
  }

  /**
   * Writes a request (or message content) and waits for the reply, at most {@code timeout} (the setting named
   * {@code limit}) from now; call on the event loop. Refuses, and closes the channel, when a reply has already
   * arrived (TLS-3): nothing is written then.
   */
  CompletableFuture<SmtpResponse> send(Object request, String what, String limit, Duration timeout) {
    return sendGroup(List.of(new Command(request, what, limit, timeout))).get(0);
  }

  /**
   * Writes the commands in one flush (RFC 2920 §3.1) and returns their replies' futures in the same order; call
   * on the event loop. The first reply's deadline runs from now, each next one's from the reply before it. As
   * {@link #send}: refused when a command is still pending, refused and the channel closed when a reply (or
   * part of one) arrived before the group was written (TLS-3); then nothing is written and every future fails.
   */
  List<CompletableFuture<SmtpResponse>> sendGroup(List<Command> group) {
    Throwable refused = refusal(group);
    if (refused != null) {
      group.forEach(c -> ReferenceCountUtil.release(c.request()));
      return group.stream().map(c -> CompletableFuture.<SmtpResponse>failedFuture(refused)).toList();
    }
    List<CompletableFuture<SmtpResponse>> replies = new ArrayList<>(group.size());
    for (Command c : group) {
      CompletableFuture<SmtpResponse> reply = new CompletableFuture<>();
      replies.add(reply);
      pending.add(new Pending(reply, c.what(), c.limit(), c.timeout()));
    }
    armHead();
    for (Command c : group) {
      ctx.write(c.request()).addListener(f -> {
        if (!f.isSuccess()) {
          fail(new IOException("cannot send " + c.what() + ": " + f.cause().getMessage(), f.cause()));
        }
      });
    }
    ctx.flush();
    return replies;
  }

  /** Why the group cannot be written now (and the channel is closed when it is TLS-3), or null. */
  private Throwable refusal(List<Command> group) {
    if (failure != null) {
      return failure;
    }
    if (!pending.isEmpty()) {
      return new IllegalStateException("a command is already pending");
    }
    long early = arrived.repliesReceived() - consumed;
    if (early > 0 || arrived.partialReply()) {
      String what = group.size() == 1 ? group.get(0).what()
          : String.join(", ", group.stream().map(Command::what).toList()) + " (pipelined)";
      fail(new StartTlsUpgrade.ResponseInjectionException("protocol violation: "
          + (early > 0 ? early + " reply(ies)" : "part of a reply") + " received before " + what
          + " was sent; a reply before its command is never taken as its reply (possible response injection, "
          + "CVE-2011-0411; RFC 3207 §4.2, TLS-3); closing without sending " + what));
      return failure;
    }
    return null;
  }

  /** Arms the deadline of the reply at the head of the queue, if any, from now. */
  private void armHead() {
    cancelTimer();
    Pending head = pending.peekFirst();
    if (head == null || ctx == null) {
      return;
    }
    timer = ctx.executor().schedule(() -> {
      if (pending.peekFirst() == head && !head.future().isDone()) {
        fail(new IOException("timeout: no complete reply to " + head.what() + " within "
            + Limits.named(head.limit(), head.timeout())
            + (arrived.partialReply() ? ", only part of one arrived" : "") + " (RFC 5321 §4.5.3.2, TLS-7)"));
      }
    }, head.timeout().toMillis(), TimeUnit.MILLISECONDS);
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
      ReferenceCountUtil.release(msg);
      return;
    }
    Pending head = pending.pollFirst();
    if (head == null) {
      fail(new IOException("unexpected reply " + reply.code() + " while no command was pending; closing"));
      return;
    }
    consumed++;
    armHead(); // the next reply's deadline runs from this one's arrival
    head.future().complete(reply);
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
    List<Pending> waiting = new ArrayList<>(pending);
    pending.clear();
    waiting.forEach(p -> p.future().completeExceptionally(failure));
    if (ctx != null) {
      ctx.channel().close();
    }
  }
}
