package org.dane4j.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.smtp.DefaultLastSmtpContent;
import io.netty.handler.codec.smtp.DefaultSmtpRequest;
import io.netty.handler.codec.smtp.SmtpCommand;
import io.netty.handler.codec.smtp.SmtpRequest;
import io.netty.handler.codec.smtp.SmtpRequestEncoder;
import io.netty.handler.codec.smtp.SmtpRequests;
import io.netty.handler.codec.smtp.SmtpResponse;
import io.netty.handler.codec.smtp.SmtpResponseDecoder;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javax.net.ssl.SSLSession;
import org.dane4j.smtp.DeliveryAttempt;
import org.dane4j.smtp.MxRoute;
import org.dane4j.tlsa.DaneVerification;
import org.dane4j.tlsa.FailureType;

/**
 * One SMTP connection to one address of one route (RFC 5321 §3, RFC 3207, RFC 7672 §2.2): {@link #open}
 * connects and runs greeting, EHLO, STARTTLS (mandatory unless the route is OPPORTUNISTIC) and EHLO again
 * under TLS; {@link #transaction} then runs MAIL, RCPT and DATA, as often as the {@link ConnectionPool} lets
 * it be reused (checklist TLS-6). Every step runs on the channel's event loop; nothing blocks.
 */
final class RouteConnection {
  private static final SmtpCommand STARTTLS = SmtpCommand.valueOf("STARTTLS");

  private final ClientSettings settings;
  private final MxRoute route;
  private final RouteKey key;
  private final Consumer<RouteConnection> onClosed;
  private final AtomicBoolean closedOnce = new AtomicBoolean();
  private final SmtpConversation conversation;
  private final StartTlsUpgrade upgrade;
  private final ReplyLimiter replyLimiter;
  private final long openedNanos = System.nanoTime();
  private Channel channel;
  private SmtpResponse lastEhlo;
  private boolean connected;
  private int transactions;
  int idleGeneration; // guarded by the pool

  RouteConnection(ClientSettings settings, MxRoute route, RouteKey key, Consumer<RouteConnection> onClosed) {
    this.settings = settings;
    this.route = route;
    this.key = key;
    this.onClosed = onClosed;
    this.replyLimiter = new ReplyLimiter(settings.maxReplyLines());
    this.conversation = new SmtpConversation(settings.greetingTimeout(), replyLimiter);
    this.upgrade = new StartTlsUpgrade(ctx -> DaneSslHandlers.forRoute(route, ctx.alloc(), route.port(),
        settings.handshakeTimeout(), settings.sslProvider()), StartTlsUpgrade.DEFAULT_MAX_REPLY_BYTES,
        settings.startTlsTimeout());
  }

  RouteKey key() {
    return key;
  }

  boolean connected() {
    return connected;
  }

  EventLoop eventLoop() {
    return channel.eventLoop();
  }

  /** Connects and makes the session ready for MAIL; fails (and closes) when it cannot be made safe. */
  CompletableFuture<Void> open(EventLoopGroup group) {
    Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast("starttls", upgrade)
                .addLast("reply-limit", replyLimiter)
                .addLast("decoder", new SmtpResponseDecoder(settings.maxReplyLineLength()))
                .addLast("encoder", new SmtpRequestEncoder())
                .addLast("smtp", conversation);
          }
        });
    CompletableFuture<Channel> connecting = new CompletableFuture<>();
    CompletableFuture<Void> ready = connecting.thenCompose(ch -> {
      connected = true;
      return conversation.greeting();
    }).thenCompose(greeting -> {
      expect(greeting, "greeting");
      return ehlo();
    }).thenCompose(this::startTls).thenRun(() -> {
      if (route.requirement().tlsMandatory() && !upgrade.secured()) { // TLS-1: never MAIL in cleartext
        throw new CompletionException(new SessionFailure(FailureType.STARTTLS_NOT_SUPPORTED,
            "TLS is mandatory on this route and was not established"));
      }
    });
    // the chain is attached first, so every step runs on the channel's event loop, never on the caller's thread
    ChannelFuture f = b.connect(new InetSocketAddress(key.address(), route.port()));
    channel = f.channel();
    channel.closeFuture().addListener(x -> released());
    f.addListener(x -> {
      if (x.isSuccess()) {
        connecting.complete(channel);
      } else {
        connecting.completeExceptionally(x.cause());
      }
    });
    return ready.whenComplete((ok, e) -> {
      if (e != null) {
        close();
      }
    });
  }

  private CompletableFuture<SmtpResponse> ehlo() {
    return conversation.send(SmtpRequests.ehlo(settings.ehloName()), "EHLO", "commandTimeout",
        settings.commandTimeout())
        .thenApply(r -> {
          lastEhlo = expect(r, "EHLO");
          return r;
        });
  }

  private CompletableFuture<Void> startTls(SmtpResponse ehlo) {
    boolean mandatory = route.requirement().tlsMandatory();
    if (!offers(ehlo, "STARTTLS")) {
      if (mandatory) {
        throw new CompletionException(new SessionFailure(FailureType.STARTTLS_NOT_SUPPORTED,
            "the server does not offer STARTTLS, which the " + route.requirement() + " route requires"));
      }
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<StartTlsUpgrade.Result> upgraded = upgrade.expectReply();
    return conversation.send(new DefaultSmtpRequest(STARTTLS), "STARTTLS", "commandTimeout",
        settings.commandTimeout())
        .thenCompose(reply -> {
          if (reply.code() != 220) {
            upgraded.exceptionally(e -> null);
            if (mandatory) {
              throw new CompletionException(new SessionFailure(FailureType.STARTTLS_NOT_SUPPORTED,
                  "STARTTLS refused: " + text(reply)));
            }
            return CompletableFuture.completedFuture(null);
          }
          // TLS-3: a new EHLO, and nothing learnt before TLS is used
          return upgraded.thenCompose(result -> ehlo()).thenApply(r -> null);
        });
  }

  /** One mail transaction; the outcome records each reply. Call on the event loop of an open connection. */
  CompletableFuture<Void> transaction(String from, List<String> recipients, byte[] message, SessionOutcome out) {
    if (route.requirement().tlsMandatory() && !upgrade.secured()) { // TLS-1, checked again for each message
      close();
      return CompletableFuture.failedFuture(new IllegalStateException(
          "TLS is mandatory on this route and was not established"));
    }
    transactions++;
    MailParameters params = MailParameters.of(lastEhlo, route.host(), from, recipients, message);
    if (params.refusal() != null) { // the server cannot take this message: nothing of it is sent
      out.mailCode = Integer.parseInt(params.refusal().substring(0, 3));
      out.mailReply = params.refusal();
      return CompletableFuture.completedFuture(null);
    }
    SmtpRequest mailFrom = SmtpRequests.mail(from, params.parameters().toArray(new CharSequence[0]));
    String mailLine = "MAIL FROM:<" + (from == null ? "" : from) + ">"
        + (params.parameters().isEmpty() ? "" : " " + String.join(" ", params.parameters()));
    CompletableFuture<SmtpResponse> sent = conversation.send(utf8IfNeeded(mailFrom, mailLine), "MAIL",
        "commandTimeout", settings.commandTimeout());
    return sent.thenCompose(mail -> {
      out.mailCode = mail.code();
      out.mailReply = text(mail);
      return mail.code() / 100 == 2 ? rcpt(recipients, 0, message, out) : CompletableFuture.completedFuture(null);
    });
  }

  private CompletableFuture<Void> rcpt(List<String> recipients, int i, byte[] message, SessionOutcome out) {
    if (i == recipients.size()) {
      return out.rcptCodes.values().stream().anyMatch(c -> c / 100 == 2) ? data(message, out)
          : CompletableFuture.completedFuture(null);
    }
    String r = recipients.get(i);
    return conversation.send(utf8IfNeeded(SmtpRequests.rcpt(r), "RCPT TO:<" + r + ">"), "RCPT",
        "commandTimeout", settings.commandTimeout()).thenCompose(reply -> {
      out.rcptCodes.put(r, reply.code());
      out.rcptReplies.put(r, text(reply));
      return rcpt(recipients, i + 1, message, out);
    });
  }

  private CompletableFuture<Void> data(byte[] message, SessionOutcome out) {
    CompletableFuture<SmtpResponse> sent = conversation.send(SmtpRequests.data(), "DATA", "dataInitiationTimeout",
        settings.dataInitiationTimeout());
    return sent.thenCompose(go -> {
      if (go.code() != 354) {
        out.dataCode = go.code();
        out.dataReply = text(go);
        return CompletableFuture.completedFuture(null);
      }
      DefaultLastSmtpContent content = new DefaultLastSmtpContent(MessageData.stuff(channel.alloc(), message));
      return conversation.send(content, "end of data", "dataTerminationTimeout",
          settings.dataTerminationTimeout()).thenAccept(done -> {
        out.dataCode = done.code();
        out.dataReply = text(done);
      });
    });
  }

  /**
   * The request as Netty encodes it, or, when {@code line} is not ASCII (an SMTPUTF8 address, RFC 6531 §3.3),
   * the line in UTF-8: Netty's {@code SmtpRequestEncoder} writes parameters as ASCII and would mangle it.
   */
  private Object utf8IfNeeded(SmtpRequest request, String line) {
    if (line.chars().allMatch(c -> c < 128)) {
      return request;
    }
    return ByteBufUtil.writeUtf8(channel.alloc(), line + "\r\n");
  }

  /** Whether another transaction may use this connection (TLS-6 limits: count and age). */
  boolean reusable() {
    return channel.isActive() && transactions < settings.maxMessagesPerConnection()
        && System.nanoTime() - openedNanos < settings.connectionReuseTimeLimit().toNanos();
  }

  /** RSET before a reused connection takes the next message: true when the server is ready for it (RFC 5321 §4.1.1.5). */
  CompletableFuture<Boolean> reset() {
    return conversation.send(SmtpRequests.rset(), "RSET", "commandTimeout", settings.commandTimeout())
        .handle((r, e) -> e == null && r.code() / 100 == 2);
  }

  /** QUIT, then close whatever the reply (RFC 5321 §4.1.1.10); safe from any thread. */
  void quit() {
    channel.eventLoop().execute(() -> conversation.send(SmtpRequests.quit(), "QUIT", "commandTimeout",
        settings.commandTimeout())
        .whenComplete((r, e) -> close()));
  }

  void close() {
    if (channel != null) {
      channel.close();
    }
  }

  private void released() {
    if (closedOnce.compareAndSet(false, true)) {
      onClosed.accept(this);
    }
  }

  /**
   * The report of a transaction on this connection, for the route of the message it carried: a reused
   * connection may have been opened for another domain's route with the same {@link RouteKey} (other MX name
   * or preference), and the report names the message's own.
   */
  DeliveryAttempt success(MxRoute messageRoute, String detail) {
    boolean tls = upgrade.secured();
    DaneSslHandlers.RouteTls t = upgrade.routeTls();
    SSLSession session = tls ? t.handler().engine().getSession() : null;
    DaneVerification v = t == null ? null : t.verification().orElse(null);
    boolean authenticated = tls && t.authenticated();
    String what = !tls ? "cleartext: the server did not offer STARTTLS"
        : authenticated ? v.reason() : "TLS without authentication";
    String reuse = transactions > 1 ? "; connection reused (message " + transactions + " on it)" : "";
    return new DeliveryAttempt(messageRoute, key.address(), messageRoute.verdict(tls, authenticated), v,
        session == null ? null : session.getProtocol(), session == null ? null : session.getCipherSuite(),
        null, false, what + reuse + "; " + detail);
  }

  /** The report of a connection that failed before it was ready for MAIL. */
  DeliveryAttempt failure(Throwable cause) {
    DaneSslHandlers.RouteTls tls = upgrade.routeTls();
    DaneVerification v = tls == null ? null : tls.verification().orElse(null);
    FailureType type;
    String detail;
    if (v != null && !v.verified()) {
      type = v.failureType().orElse(FailureType.VALIDATION_FAILURE);
      detail = v.reason();
    } else if (cause instanceof SessionFailure f) {
      type = f.type();
      detail = f.getMessage();
    } else if (cause instanceof StartTlsUpgrade.ResponseInjectionException) {
      type = FailureType.VALIDATION_FAILURE;
      detail = cause.getMessage();
    } else if (tls != null && !upgrade.secured()) {
      type = FailureType.VALIDATION_FAILURE;
      detail = causedBy(cause, SslHandshakeTimeoutException.class)
          ? "TLS handshake not complete within " + Limits.named("handshakeTimeout", settings.handshakeTimeout())
              + " (TLS-7): " + cause.getMessage()
          : "TLS handshake failed: " + cause;
    } else if (!connected && cause instanceof ConnectTimeoutException) {
      type = null;
      detail = "cannot connect within " + Limits.named("connectTimeout", settings.connectTimeout()) + " (TLS-7): "
          + cause.getMessage();
    } else {
      type = null;
      detail = connected ? String.valueOf(cause.getMessage()) : "cannot connect: " + cause.getMessage();
    }
    return new DeliveryAttempt(route, key.address(), org.dane4j.smtp.TlsVerdict.FAILED, v, null, null, type, true,
        detail);
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static SmtpResponse expect(SmtpResponse r, String what) {
    if (r.code() / 100 != 2) {
      throw new CompletionException(new SessionFailure(null, what + " rejected: " + text(r)));
    }
    return r;
  }

  static boolean offers(SmtpResponse ehlo, String keyword) {
    List<CharSequence> lines = ehlo.details();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i).toString().trim().toUpperCase(Locale.ROOT);
      if (line.equals(keyword) || line.startsWith(keyword + " ")) {
        return true;
      }
    }
    return false;
  }

  static String text(SmtpResponse r) {
    return r.code() + " " + String.join(" / ", r.details());
  }
}
