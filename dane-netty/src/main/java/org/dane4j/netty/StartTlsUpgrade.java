package org.dane4j.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.SSLSession;
import org.dane4j.smtp.MxRoute;
import org.dane4j.tlsa.DaneVerification;

/**
 * The STARTTLS upgrade of an SMTP client channel, safe against response injection (RFC 3207 §4.2,
 * RFC 7672 §2.2; checklist TLS-2, TLS-3, CVE-2011-0411).
 *
 * <p>Place it <em>before</em> the SMTP response decoder, which decodes every complete line of a buffer in one
 * read. Call {@link #expectReply()} just before writing {@code STARTTLS}. The handler then reads raw bytes up
 * to the end of the reply; if it is a {@code 220}:
 * <ul>
 *   <li>any byte after the reply, in the same read or in a later read before the handshake completes,
 *       closes the channel with a {@link ResponseInjectionException} (the bytes never reach the decoder);</li>
 *   <li>otherwise it inserts the route's {@link SslHandler} at the front of the pipeline, passes the
 *       {@code 220} on, and completes the future with the {@link Result} once the handshake succeeded —
 *       after the trust manager accepted the chain;</li>
 *   <li>if the handshake fails (DANE mismatch, TLS &lt; 1.2, alert, timeout) the channel is closed and the
 *       future fails; writes are refused from the {@code 220} until the handshake succeeded, so no SMTP
 *       command can pass over a failed session.</li>
 * </ul>
 * Any other reply is passed on unchanged and the future fails with a {@link StartTlsRefusedException}.
 * After the upgrade the caller must send EHLO again and forget what it learnt before TLS.
 *
 * <p>The whole upgrade, from {@link #expectReply()} to the end of the handshake, has a deadline (checklist
 * TLS-7; {@link #DEFAULT_TIMEOUT}, as Postfix's {@code smtp_starttls_timeout}): when it passes, the channel is
 * closed and the future fails with an exception naming {@code startTlsTimeout}, whatever the server did — it
 * never answered, it trickles its reply, or its handshake stalls — so no caller waits on it for ever.
 *
 * <p>The caller must not write {@code STARTTLS} while a reply the server sent earlier is still unread (the
 * response decoder would hand that reply over as the answer to STARTTLS, past this guard); the
 * {@link DaneSmtpClient} refuses to send any command then.
 */
public final class StartTlsUpgrade extends ChannelDuplexHandler {
  /** The default bound on the STARTTLS reply, in bytes. */
  public static final int DEFAULT_MAX_REPLY_BYTES = 4096;

  /**
   * The default deadline of the whole upgrade, from arming to the end of the handshake: 300 s, as Postfix's
   * {@code smtp_starttls_timeout}.
   */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(300);

  private enum State { PLAIN, ARMED, HANDSHAKING, TLS, FAILED }

  /**
   * The outcome of a successful upgrade.
   *
   * @param session the TLS session
   * @param verification the DANE verification (DANE routes), or null
   * @param authenticated whether the server was authenticated by DANE
   */
  public record Result(SSLSession session, DaneVerification verification, boolean authenticated) {}

  /** Bytes arrived after the 220 reply to STARTTLS and before the TLS handshake completed (TLS-3). */
  public static final class ResponseInjectionException extends IOException {
    private static final long serialVersionUID = 1L;

    ResponseInjectionException(String message) {
      super(message);
    }
  }

  /** The STARTTLS upgrade did not complete within its deadline, {@code startTlsTimeout} (TLS-7). */
  public static final class StartTlsTimeoutException extends IOException {
    private static final long serialVersionUID = 1L;

    StartTlsTimeoutException(String message) {
      super(message);
    }
  }

  /** The server answered STARTTLS with something other than 220. */
  public static final class StartTlsRefusedException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int code;

    StartTlsRefusedException(int code, String reply) {
      super("STARTTLS refused: " + reply);
      this.code = code;
    }

    /** The reply code the server gave. */
    public int code() {
      return code;
    }
  }

  private final Function<ChannelHandlerContext, DaneSslHandlers.RouteTls> tlsFactory;
  private final int maxReplyBytes;
  private final Duration timeout;
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> timer;
  private State state = State.PLAIN;
  private ByteBuf reply;
  private int replyLineStart;
  private DaneSslHandlers.RouteTls tls;
  private CompletableFuture<Result> future;

  /**
   * An upgrade using {@code tlsFactory} to make the SSL handler when the 220 arrives, with the
   * {@link #DEFAULT_TIMEOUT}.
   *
   * @param maxReplyBytes the bound on the STARTTLS reply (64..65536)
   */
  public StartTlsUpgrade(Function<ChannelHandlerContext, DaneSslHandlers.RouteTls> tlsFactory, int maxReplyBytes) {
    this(tlsFactory, maxReplyBytes, DEFAULT_TIMEOUT);
  }

  /**
   * An upgrade using {@code tlsFactory} to make the SSL handler when the 220 arrives.
   *
   * @param maxReplyBytes the bound on the STARTTLS reply (64..65536)
   * @param timeout {@code startTlsTimeout}: the deadline from {@link #expectReply()} to the end of the
   *     handshake (more than 0, at most 1 hour)
   */
  public StartTlsUpgrade(Function<ChannelHandlerContext, DaneSslHandlers.RouteTls> tlsFactory, int maxReplyBytes,
      Duration timeout) {
    this.tlsFactory = Objects.requireNonNull(tlsFactory, "tlsFactory");
    if (maxReplyBytes < 64 || maxReplyBytes > 65536) {
      throw new IllegalArgumentException("maxReplyBytes must be 64..65536, got " + maxReplyBytes);
    }
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("startTlsTimeout must be more than 0 and at most 1 hour, got " + timeout);
    }
    this.maxReplyBytes = maxReplyBytes;
    this.timeout = timeout;
  }

  /**
   * An upgrade to the route's DANE handler ({@link DaneSslHandlers#forRoute(MxRoute, io.netty.buffer.ByteBufAllocator)}).
   * Call it off the event loop the first time in a JVM: it initialises {@link DaneSslHandlers}, which seeds
   * its random generator and may load netty-tcnative (file reads that must not run on an event loop).
   */
  public static StartTlsUpgrade forRoute(MxRoute route) {
    Objects.requireNonNull(route, "route");
    DaneSslHandlers.defaultProvider(); // class initialisation here, on the caller's thread, not at the 220
    return new StartTlsUpgrade(ctx -> DaneSslHandlers.forRoute(route, ctx.alloc()), DEFAULT_MAX_REPLY_BYTES);
  }

  /**
   * Arms the handler: call it on the channel's event loop right before writing {@code STARTTLS}. The future
   * completes (on the event loop) when the handshake succeeded, or fails — at the latest when the upgrade's
   * deadline ({@code startTlsTimeout}) passes, which also closes the channel.
   *
   * @throws IllegalStateException when called twice or after TLS, or before the handler is in a pipeline
   */
  public CompletableFuture<Result> expectReply() {
    if (state != State.PLAIN) {
      throw new IllegalStateException("STARTTLS upgrade already " + state);
    }
    if (ctx == null) {
      throw new IllegalStateException("add the STARTTLS upgrade to the channel's pipeline first");
    }
    state = State.ARMED;
    future = new CompletableFuture<>();
    timer = ctx.executor().schedule(this::expire, timeout.toMillis(), TimeUnit.MILLISECONDS);
    return future;
  }

  private void expire() {
    if (state == State.ARMED || state == State.HANDSHAKING) {
      fail(ctx, new StartTlsTimeoutException("the STARTTLS upgrade did not complete within "
          + Limits.named("startTlsTimeout", timeout) + ": " + (state == State.ARMED
          ? "no complete reply to STARTTLS" : "the TLS handshake did not finish") + " (TLS-7); closing"));
    }
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  /** The SSL handler and its verification, once inserted. */
  public DaneSslHandlers.RouteTls routeTls() {
    return tls;
  }

  /** Whether the handshake succeeded. */
  public boolean secured() {
    return state == State.TLS;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (state == State.PLAIN || state == State.TLS) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (!(msg instanceof ByteBuf in)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      if (state == State.HANDSHAKING) {
        fail(ctx, new ResponseInjectionException(in.readableBytes()
            + " byte(s) received after the 220 reply to STARTTLS before the TLS handshake completed: "
            + "possible response injection (CVE-2011-0411); closing"));
      } else if (state == State.ARMED) {
        armedRead(ctx, in);
      }
      // FAILED: drop
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void armedRead(ChannelHandlerContext ctx, ByteBuf in) {
    if (reply == null) {
      reply = ctx.alloc().buffer();
      replyLineStart = 0;
    }
    boolean complete = false;
    while (in.isReadable() && !complete) {
      if (reply.readableBytes() >= maxReplyBytes) {
        fail(ctx, new IOException("STARTTLS reply longer than " + maxReplyBytes + " bytes; closing"));
        return;
      }
      byte b = in.readByte();
      reply.writeByte(b);
      if (b == '\n') {
        int length = reply.writerIndex() - replyLineStart;
        complete = length <= 4 || reply.getByte(replyLineStart + 3) != '-';
        replyLineStart = reply.writerIndex();
      }
    }
    if (!complete) {
      return;
    }
    ByteBuf whole = reply;
    reply = null;
    String text = whole.toString(StandardCharsets.US_ASCII).strip();
    if (!text.startsWith("220")) {
      state = State.PLAIN;
      cancelTimer();
      whole.writeBytes(in);
      ctx.fireChannelRead(whole);
      future.completeExceptionally(new StartTlsRefusedException(code(text), text));
      return;
    }
    if (in.isReadable()) {
      whole.release();
      fail(ctx, new ResponseInjectionException(in.readableBytes()
          + " byte(s) received in the same read after the 220 reply to STARTTLS: possible response injection "
          + "(CVE-2011-0411); closing"));
      return;
    }
    state = State.HANDSHAKING;
    try {
      tls = tlsFactory.apply(ctx);
    } catch (RuntimeException e) {
      whole.release();
      fail(ctx, e);
      return;
    }
    SslHandler ssl = tls.handler();
    ssl.handshakeFuture().addListener(f -> {
      if (f.isSuccess() && state == State.HANDSHAKING) {
        state = State.TLS;
        cancelTimer();
        future.complete(new Result(ssl.engine().getSession(), tls.verification().orElse(null),
            tls.authenticated()));
      } else if (!f.isSuccess()) {
        fail(ctx, f.cause());
      }
    });
    ctx.pipeline().addFirst("dane-ssl", ssl);
    ctx.fireChannelRead(whole);
  }

  private static int code(String text) {
    try {
      return Integer.parseInt(text.substring(0, 3));
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private void fail(ChannelHandlerContext ctx, Throwable cause) {
    if (state == State.FAILED) {
      return;
    }
    state = State.FAILED;
    cancelTimer();
    if (reply != null) {
      reply.release();
      reply = null;
    }
    if (future != null) {
      future.completeExceptionally(cause);
    }
    ctx.fireExceptionCaught(cause);
    ctx.channel().close();
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
    if (state == State.HANDSHAKING || state == State.FAILED) {
      ReferenceCountUtil.release(msg);
      promise.setFailure(new IOException("write refused: the STARTTLS handshake is "
          + (state == State.FAILED ? "failed" : "not complete") + " (RFC 7672 §2.2)"));
      return;
    }
    ctx.write(msg, promise);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (state == State.ARMED || state == State.HANDSHAKING) {
      fail(ctx, cause);
    } else {
      ctx.fireExceptionCaught(cause);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (state == State.ARMED || state == State.HANDSHAKING) {
      fail(ctx, new IOException("connection closed during the STARTTLS upgrade"));
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancelTimer();
    if (reply != null) {
      reply.release();
      reply = null;
    }
  }
}
