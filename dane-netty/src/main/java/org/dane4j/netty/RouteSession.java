package org.dane4j.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.smtp.DefaultLastSmtpContent;
import io.netty.handler.codec.smtp.SmtpCommand;
import io.netty.handler.codec.smtp.SmtpRequestEncoder;
import io.netty.handler.codec.smtp.SmtpRequests;
import io.netty.handler.codec.smtp.DefaultSmtpRequest;
import io.netty.handler.codec.smtp.SmtpResponse;
import io.netty.handler.codec.smtp.SmtpResponseDecoder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLSession;
import org.dane4j.smtp.DeliveryAttempt;
import org.dane4j.smtp.MxRoute;
import org.dane4j.smtp.TlsVerdict;
import org.dane4j.tlsa.DaneVerification;
import org.dane4j.tlsa.FailureType;

/**
 * One SMTP session to one address of one route (RFC 5321 §3, RFC 3207, RFC 7672 §2.2): greeting, EHLO,
 * STARTTLS (mandatory unless the route is OPPORTUNISTIC), EHLO again under TLS, then MAIL, RCPT, DATA and QUIT.
 * Runs entirely on the channel's event loop; nothing blocks.
 */
final class RouteSession {
  private static final SmtpCommand STARTTLS = SmtpCommand.valueOf("STARTTLS");

  private final ClientSettings settings;
  private final MxRoute route;
  private final InetAddress address;
  private final String from;
  private final List<String> recipients;
  private final byte[] message;
  private final SessionOutcome outcome = new SessionOutcome();
  private SmtpConversation conversation;
  private StartTlsUpgrade upgrade;
  private Channel channel;

  RouteSession(ClientSettings settings, MxRoute route, InetAddress address, String from, List<String> recipients,
      byte[] message) {
    this.settings = settings;
    this.route = route;
    this.address = address;
    this.from = from;
    this.recipients = recipients;
    this.message = message;
  }

  /** Runs the session; the future always completes normally with the outcome. */
  CompletableFuture<SessionOutcome> run(EventLoopGroup group) {
    conversation = new SmtpConversation(settings.greetingTimeout());
    upgrade = new StartTlsUpgrade(ctx -> DaneSslHandlers.forRoute(route, ctx.alloc(), route.port(),
        settings.handshakeTimeout()), StartTlsUpgrade.DEFAULT_MAX_REPLY_BYTES);
    Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast("starttls", upgrade)
                .addLast("reply-limit", new ReplyLimiter(settings.maxReplyLines()))
                .addLast("decoder", new SmtpResponseDecoder(settings.maxReplyLineLength()))
                .addLast("encoder", new SmtpRequestEncoder())
                .addLast("smtp", conversation);
          }
        });
    CompletableFuture<Channel> connected = new CompletableFuture<>();
    CompletableFuture<SessionOutcome> result = connected.thenCompose(ch -> {
      channel = ch;
      outcome.connected = true;
      return conversation.greeting();
    }).thenCompose(greeting -> {
      expect(greeting, 2, "greeting", null);
      return ehlo();
    }).thenCompose(this::startTls)
        .thenCompose(tls -> transaction())
        .handle((ok, error) -> finish(error));
    // the chain is attached first, so every step runs on the channel's event loop, never on the caller's thread
    b.connect(new InetSocketAddress(address, route.port())).addListener(f -> {
      if (f.isSuccess()) {
        connected.complete(((io.netty.channel.ChannelFuture) f).channel());
      } else {
        connected.completeExceptionally(f.cause());
      }
    });
    return result;
  }

  private CompletableFuture<SmtpResponse> ehlo() {
    return conversation.send(SmtpRequests.ehlo(settings.ehloName()), "EHLO", settings.commandTimeout())
        .thenApply(r -> expect(r, 2, "EHLO", null));
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
    return conversation.send(new DefaultSmtpRequest(STARTTLS), "STARTTLS", settings.commandTimeout())
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

  private CompletableFuture<Void> transaction() {
    if (route.requirement().tlsMandatory() && !upgrade.secured()) { // TLS-1: never MAIL in cleartext
      throw new CompletionException(new SessionFailure(FailureType.STARTTLS_NOT_SUPPORTED,
          "TLS is mandatory on this route and was not established"));
    }
    outcome.attempt = success("session established");
    return conversation.send(SmtpRequests.mail(from), "MAIL", settings.commandTimeout()).thenCompose(mail -> {
      outcome.mailCode = mail.code();
      outcome.mailReply = text(mail);
      if (mail.code() / 100 != 2) {
        return quit();
      }
      return rcpt(0);
    });
  }

  private CompletableFuture<Void> rcpt(int i) {
    if (i == recipients.size()) {
      if (outcome.rcptCodes.values().stream().noneMatch(c -> c / 100 == 2)) {
        return quit();
      }
      return data();
    }
    String r = recipients.get(i);
    return conversation.send(SmtpRequests.rcpt(r), "RCPT", settings.commandTimeout()).thenCompose(reply -> {
      outcome.rcptCodes.put(r, reply.code());
      outcome.rcptReplies.put(r, text(reply));
      return rcpt(i + 1);
    });
  }

  private CompletableFuture<Void> data() {
    return conversation.send(SmtpRequests.data(), "DATA", settings.dataInitiationTimeout()).thenCompose(go -> {
      if (go.code() != 354) {
        outcome.dataCode = go.code();
        outcome.dataReply = text(go);
        return quit();
      }
      DefaultLastSmtpContent content = new DefaultLastSmtpContent(MessageData.stuff(channel.alloc(), message));
      return conversation.send(content, "end of data", settings.dataTerminationTimeout()).thenCompose(done -> {
        outcome.dataCode = done.code();
        outcome.dataReply = text(done);
        return quit();
      });
    });
  }

  private CompletableFuture<Void> quit() {
    return conversation.send(SmtpRequests.quit(), "QUIT", settings.commandTimeout())
        .handle((r, e) -> {
          channel.close();
          return null;
        });
  }

  private SessionOutcome finish(Throwable error) {
    if (channel != null) {
      channel.close();
    }
    if (error == null && outcome.attempt != null) {
      String last = outcome.dataReply != null ? outcome.dataReply : outcome.mailReply;
      outcome.attempt = success(last == null ? "session established" : last);
      return outcome;
    }
    Throwable cause = unwrap(error);
    if (outcome.attempt != null) { // the transaction had started: keep what we know, note the cut
      outcome.attempt = success("connection lost during the transaction: " + cause.getMessage());
      return outcome;
    }
    DaneSslHandlers.RouteTls tls = upgrade == null ? null : upgrade.routeTls();
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
      detail = "TLS handshake failed: " + cause;
    } else {
      type = null;
      detail = outcome.connected ? String.valueOf(cause.getMessage()) : "cannot connect: " + cause.getMessage();
    }
    outcome.attempt = new DeliveryAttempt(route, address, TlsVerdict.FAILED, v, null, null, type, true, detail);
    return outcome;
  }

  private DeliveryAttempt success(String detail) {
    boolean tls = upgrade.secured();
    DaneSslHandlers.RouteTls t = upgrade.routeTls();
    SSLSession session = tls ? t.handler().engine().getSession() : null;
    DaneVerification v = t == null ? null : t.verification().orElse(null);
    boolean authenticated = tls && t.authenticated();
    String what = !tls ? "cleartext: the server did not offer STARTTLS"
        : authenticated ? v.reason() : "TLS without authentication";
    return new DeliveryAttempt(route, address, route.verdict(tls, authenticated), v,
        session == null ? null : session.getProtocol(), session == null ? null : session.getCipherSuite(),
        null, false, what + "; " + detail);
  }

  private static SmtpResponse expect(SmtpResponse r, int klass, String what, FailureType type) {
    if (r.code() / 100 != klass) {
      throw new CompletionException(new SessionFailure(type, what + " rejected: " + text(r)));
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

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
