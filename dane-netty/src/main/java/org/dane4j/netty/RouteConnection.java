package org.dane4j.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
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
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javax.net.ssl.SSLSession;
import org.dane4j.delivery.SessionPhase;
import org.dane4j.delivery.SessionResult;
import org.dane4j.delivery.SmtpReply;
import org.dane4j.smtp.MxRoute;
import org.dane4j.smtp.RouteKey;
import org.dane4j.tlsa.DaneVerification;
import org.dane4j.tlsa.FailureType;

/**
 * One SMTP connection to one address of one route (RFC 5321 §3, RFC 3207, RFC 7672 §2.2): {@link #open}
 * connects and runs greeting, EHLO, STARTTLS (mandatory unless the route is OPPORTUNISTIC; not sent at all
 * for the engine's cleartext retry) and EHLO again under TLS; {@link #transaction} then runs MAIL, RCPT and
 * DATA, as often as the {@link ConnectionPool} lets it be reused (checklist TLS-6). It records what it saw in
 * a {@link SessionResult.Builder}: the phase it reached, the TLS facts, the replies, and why it ended; the
 * engine decides. Every step runs on the channel's event loop; nothing blocks.
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
  private final TcpQuickAck.Reads quickAcks = new TcpQuickAck.Reads();
  private final Instant opened;
  private Channel channel;
  private SmtpResponse lastEhlo;
  private EhloKeywords lastKeywords; // lastEhlo parsed once
  private boolean startTlsOffered; // in the reply to the first EHLO
  private boolean connected;
  private boolean mandatory; // TLS-1, TLS-8: set by open, from the request that opened the connection
  private SessionPhase phase = SessionPhase.CONNECT;
  private boolean mailAnswered;
  private int transactions;
  int idleGeneration; // guarded by the pool

  RouteConnection(ClientSettings settings, MxRoute route, RouteKey key, Consumer<RouteConnection> onClosed) {
    this.settings = settings;
    this.route = route;
    this.key = key;
    this.onClosed = onClosed;
    this.opened = settings.clock().instant();
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

  /** The connection's channel (tests read its socket options). */
  Channel channel() {
    return channel;
  }

  EventLoop eventLoop() {
    return channel.eventLoop();
  }

  /**
   * Connects and makes the session ready for MAIL; fails (and closes) when it cannot be made safe. With
   * {@code startTls} false (the engine's cleartext retry of an OPPORTUNISTIC route) STARTTLS is not sent.
   */
  CompletableFuture<Void> open(EventLoopGroup group, boolean startTls, boolean mandatory) {
    this.mandatory = mandatory;
    Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
        .option(ChannelOption.TCP_NODELAY, true) // Netty's default already; stated, because a stall hangs on it
        .option(TcpQuickAck.OPTION, true)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast("quickack", quickAcks).addLast("starttls", upgrade)
                .addLast("reply-limit", replyLimiter)
                .addLast("decoder", new SmtpResponseDecoder(settings.maxReplyLineLength()))
                .addLast("encoder", new SmtpRequestEncoder())
                .addLast("smtp", conversation);
          }
        });
    CompletableFuture<Channel> connecting = new CompletableFuture<>();
    CompletableFuture<Void> ready = connecting.thenCompose(ch -> {
      connected = true;
      phase = SessionPhase.GREETING;
      return conversation.greeting();
    }).thenCompose(greeting -> {
      expect(greeting, "greeting");
      return ehlo();
    }).thenCompose(ehlo -> {
      startTlsOffered = offers(ehlo, "STARTTLS");
      return startTls ? startTls(ehlo) : CompletableFuture.<Void>completedFuture(null);
    }).thenRun(() -> {
      if (mandatory && !upgrade.secured()) { // TLS-1, TLS-8: never MAIL in cleartext
        phase = SessionPhase.STARTTLS;
        throw new CompletionException(new SessionFailure(FailureType.STARTTLS_NOT_SUPPORTED,
            "TLS is mandatory for this session and was not established"));
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
      quickAcks.disarm();
      if (e != null) {
        close();
      }
    });
  }

  private CompletableFuture<SmtpResponse> ehlo() {
    phase = SessionPhase.EHLO;
    return conversation.send(SmtpRequests.ehlo(settings.ehloName()), "EHLO", "commandTimeout",
        settings.commandTimeout())
        .thenApply(r -> {
          lastEhlo = expect(r, "EHLO");
          lastKeywords = EhloKeywords.of(lastEhlo);
          return r;
        });
  }

  private CompletableFuture<Void> startTls(SmtpResponse ehlo) {
    phase = SessionPhase.STARTTLS;
    if (!offers(ehlo, "STARTTLS")) {
      if (mandatory) {
        throw new CompletionException(new SessionFailure(FailureType.STARTTLS_NOT_SUPPORTED,
            "the server does not offer STARTTLS, which " + (route.requirement().tlsMandatory()
                ? "the " + route.requirement() + " route" : "the application's TLS floor") + " requires"));
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
          return upgraded.thenCompose(result -> {
            TcpQuickAck.rearm(channel); // the server's session tickets are ACKed at once (see TcpQuickAck)
            return ehlo();
          }).thenApply(r -> null);
        });
  }

  /**
   * One mail transaction; {@code out} records each reply and the phase reached. Call on the event loop of an
   * open connection. The future fails when the connection is lost or a limit is crossed on the way.
   */
  CompletableFuture<Void> transaction(String from, List<String> recipients, byte[] message, boolean tlsMandatory,
      SessionResult.Builder out) {
    return transaction(from, recipients, message, tlsMandatory, List.of(), out);
  }

  /**
   * As {@link #transaction(String, List, byte[], boolean, SessionResult.Builder)}, with the engine's own MAIL
   * parameters ({@code extra}: {@code REQUIRETLS}, RFC 8689) after those the EHLO reply calls for.
   */
  CompletableFuture<Void> transaction(String from, List<String> recipients, byte[] message, boolean tlsMandatory,
      List<String> extra, SessionResult.Builder out) {
    return transaction(from, recipients, message, tlsMandatory, extra, false, out);
  }

  /**
   * As {@link #transaction(String, List, byte[], boolean, List, SessionResult.Builder)}; with {@code resetFirst}
   * (a reused connection) RSET goes first, in the same pipelined group as MAIL when the server offers PIPELINING
   * (RFC 2920 §3.1), else as {@link #reset()} alone. A refused or unanswered RSET fails the future before
   * anything is recorded, the connection closed and {@link #mailAnswered()} false: as when {@link #reset()}
   * answers false, the message is not sent on this connection.
   */
  CompletableFuture<Void> transaction(String from, List<String> recipients, byte[] message, boolean tlsMandatory,
      List<String> extra, boolean resetFirst, SessionResult.Builder out) {
    if ((tlsMandatory || mandatory) && !upgrade.secured()) { // TLS-1, TLS-8, checked again for each message
      close();
      return CompletableFuture.failedFuture(new IllegalStateException(
          "TLS is mandatory on this route and was not established"));
    }
    MailParameters params = MailParameters.of(lastKeywords, route.host(), from, recipients, message).with(extra);
    boolean pipelined = pipelining() && params.refusal() == null && !recipients.isEmpty();
    if (resetFirst && !pipelined) { // RSET alone, as before pipelining
      mailAnswered = false;
      return reset().thenCompose(ready -> {
        if (!ready) {
          close();
          return CompletableFuture.failedFuture(new IOException("RSET refused or unanswered"));
        }
        return transaction(from, recipients, message, tlsMandatory, extra, false, out);
      });
    }
    transactions++;
    mailAnswered = false;
    phase = SessionPhase.MAIL;
    out.phase(phase);
    if (params.refusal() != null) { // the server cannot take this message: nothing of it is sent
      mailAnswered = true;
      out.mailReply(new SmtpReply(Integer.parseInt(params.refusal().substring(0, 3)),
          params.refusal().substring(4)));
      return CompletableFuture.completedFuture(null);
    }
    SmtpRequest mailFrom = SmtpRequests.mail(from, params.parameters().toArray(new CharSequence[0]));
    String mailLine = "MAIL FROM:<" + (from == null ? "" : from) + ">"
        + (params.parameters().isEmpty() ? "" : " " + String.join(" ", params.parameters()));
    if (pipelined) {
      return pipelined(resetFirst, utf8IfNeeded(mailFrom, mailLine), recipients, message, out);
    }
    CompletableFuture<SmtpResponse> sent = conversation.send(utf8IfNeeded(mailFrom, mailLine), "MAIL",
        "commandTimeout", settings.commandTimeout());
    return sent.thenCompose(mail -> {
      mailAnswered = true;
      out.mailReply(reply(mail));
      return mail.code() / 100 == 2 ? rcpt(recipients, 0, message, out, false)
          : CompletableFuture.completedFuture(null);
    });
  }

  /**
   * Whether the transaction is pipelined (RFC 2920): only when the EHLO reply after STARTTLS offers PIPELINING,
   * never on what a cleartext EHLO reply said (RFC 3207 §4.2, TLS-3).
   */
  boolean pipelining() {
    return upgrade.secured() && lastKeywords != null && lastKeywords.offers("PIPELINING");
  }

  /**
   * RFC 2920 §3.1: [RSET,] MAIL, each RCPT and DATA (last) in one write, then their replies in order, recorded
   * as the one-at-a-time path records them. The content follows a 354 only when MAIL and at least one RCPT were
   * accepted; a 354 without them is ended at once with a lone "." (RFC 2920 §3.1), and its reply recorded. A
   * refused MAIL leaves the later replies (503 normally) recorded as they came.
   */
  private CompletableFuture<Void> pipelined(boolean resetFirst, Object mailFrom, List<String> recipients,
      byte[] message, SessionResult.Builder out) {
    Duration command = settings.commandTimeout();
    List<SmtpConversation.Command> group = new ArrayList<>(recipients.size() + 3);
    if (resetFirst) {
      group.add(new SmtpConversation.Command(SmtpRequests.rset(), "RSET", "commandTimeout", command));
    }
    group.add(new SmtpConversation.Command(mailFrom, "MAIL", "commandTimeout", command));
    for (String r : recipients) {
      group.add(new SmtpConversation.Command(utf8IfNeeded(SmtpRequests.rcpt(r), "RCPT TO:<" + r + ">"), "RCPT",
          "commandTimeout", command));
    }
    group.add(new SmtpConversation.Command(SmtpRequests.data(), "DATA", "dataInitiationTimeout",
        settings.dataInitiationTimeout()));
    Iterator<CompletableFuture<SmtpResponse>> replies = conversation.sendGroup(group).iterator();
    CompletableFuture<Void> step = CompletableFuture.completedFuture(null);
    if (resetFirst) {
      CompletableFuture<SmtpResponse> rset = replies.next();
      step = rset.thenAccept(r -> {
        if (r.code() / 100 != 2) { // the server is not ready: nothing of this message goes on this connection
          close();
          throw new CompletionException(new IOException("RSET refused: " + text(r)));
        }
      });
    }
    CompletableFuture<SmtpResponse> mail = replies.next();
    boolean[] mailAccepted = {false};
    int[] accepted = {0};
    step = step.thenCompose(x -> mail).thenAccept(m -> {
      mailAnswered = true;
      mailAccepted[0] = m.code() / 100 == 2;
      out.mailReply(reply(m));
      out.phase(SessionPhase.RCPT);
    });
    for (int i = 0; i < recipients.size(); i++) {
      String r = recipients.get(i);
      boolean last = i == recipients.size() - 1;
      CompletableFuture<SmtpResponse> rcpt = replies.next();
      step = step.thenCompose(x -> rcpt).thenAccept(reply -> {
        out.rcptReply(r, reply(reply));
        if (reply.code() / 100 == 2) {
          accepted[0]++;
        }
        if (last) {
          out.phase(SessionPhase.DATA);
        }
      });
    }
    CompletableFuture<SmtpResponse> data = replies.next();
    return step.thenCompose(x -> data).thenCompose(go -> {
      if (go.code() != 354) {
        out.dataReply(reply(go));
        noContentExpected();
        return CompletableFuture.completedFuture(null);
      }
      if (mailAccepted[0] && accepted[0] > 0) {
        return content(message, out);
      }
      // RFC 2920 §3.1: DATA accepted with no valid recipient; a lone "." ends it, no byte of the message is sent
      return conversation.send(new DefaultLastSmtpContent(Unpooled.EMPTY_BUFFER), "end of data",
          "dataTerminationTimeout", settings.dataTerminationTimeout()).thenAccept(done -> out.dataReply(reply(done)));
    });
  }

  private CompletableFuture<Void> rcpt(List<String> recipients, int i, byte[] message, SessionResult.Builder out,
      boolean anyAccepted) {
    if (i == recipients.size()) {
      return anyAccepted ? data(message, out) : CompletableFuture.completedFuture(null);
    }
    String r = recipients.get(i);
    out.phase(SessionPhase.RCPT);
    return conversation.send(utf8IfNeeded(SmtpRequests.rcpt(r), "RCPT TO:<" + r + ">"), "RCPT",
        "commandTimeout", settings.commandTimeout()).thenCompose(reply -> {
      out.rcptReply(r, reply(reply));
      return rcpt(recipients, i + 1, message, out, anyAccepted || reply.code() / 100 == 2);
    });
  }

  private CompletableFuture<Void> data(byte[] message, SessionResult.Builder out) {
    out.phase(SessionPhase.DATA);
    CompletableFuture<SmtpResponse> sent = conversation.send(SmtpRequests.data(), "DATA", "dataInitiationTimeout",
        settings.dataInitiationTimeout());
    return sent.thenCompose(go -> {
      if (go.code() != 354) {
        out.dataReply(reply(go));
        noContentExpected();
        return CompletableFuture.completedFuture(null);
      }
      return content(message, out);
    });
  }

  /**
   * After DATA was refused: Netty's request encoder, which entered its content state when it wrote DATA, would
   * refuse every command but RSET (QUIT included); a fresh one takes commands again (RFC 5321 §4.1.1.4: no mail
   * transaction is open after a refused DATA).
   */
  private void noContentExpected() {
    channel.pipeline().replace("encoder", "encoder", new SmtpRequestEncoder());
  }

  /** The message after a 354, dot-stuffed and ended with CRLF.CRLF; records the reply to its end. */
  private CompletableFuture<Void> content(byte[] message, SessionResult.Builder out) {
    DefaultLastSmtpContent content = new DefaultLastSmtpContent(MessageData.stuff(channel.alloc(), message));
    return conversation.send(content, "end of data", "dataTerminationTimeout",
        settings.dataTerminationTimeout()).thenAccept(done -> out.dataReply(reply(done)));
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
        && Duration.between(opened, settings.clock().instant()).compareTo(settings.connectionReuseTimeLimit()) < 0;
  }

  /**
   * RSET before a reused connection takes the next message: true when the server is ready for it (RFC 5321
   * §4.1.1.5). A pipelined transaction puts RSET at the front of its group instead ({@code resetFirst}).
   */
  CompletableFuture<Boolean> reset() {
    return conversation.send(SmtpRequests.rset(), "RSET", "commandTimeout", settings.commandTimeout())
        .handle((r, e) -> e == null && r.code() / 100 == 2);
  }

  /**
   * QUIT, then close whatever the reply (RFC 5321 §4.1.1.10); safe from any thread. The future completes when
   * the connection is closed (within {@code commandTimeout}).
   */
  CompletableFuture<Void> quit() {
    CompletableFuture<Void> closed = new CompletableFuture<>();
    channel.eventLoop().execute(() -> conversation.send(SmtpRequests.quit(), "QUIT", "commandTimeout",
        settings.commandTimeout())
        .whenComplete((r, e) -> {
          close();
          closed.complete(null);
        }));
    return closed;
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

  /** Whether the EHLO reply after STARTTLS listed REQUIRETLS (RFC 8689 §2); false without TLS. */
  boolean requireTlsOffered() {
    return upgrade.secured() && lastKeywords != null && lastKeywords.offers("REQUIRETLS");
  }

  /** Whether TLS is up and the route's trust manager authenticated the server. */
  boolean authenticated() {
    DaneSslHandlers.RouteTls t = upgrade.routeTls();
    return upgrade.secured() && t != null && t.authenticated();
  }

  /** Whether the server answered MAIL in the latest transaction (a lost connection after it is a failure). */
  boolean mailAnswered() {
    return mailAnswered;
  }

  /** The transactions this connection carried, the current one included. */
  int transactions() {
    return transactions;
  }

  /**
   * Records what the connection has: whether it connected, whether the first EHLO offered STARTTLS, the TLS
   * protocol, cipher suite and whether DANE authenticated the server, the DANE verification (matched or not)
   * and the chain the server presented.
   */
  SessionResult.Builder facts(SessionResult.Builder out) {
    if (connected) {
      out.connected();
    }
    if (requireTlsOffered()) {
      out.requireTlsOffered();
    }
    if (startTlsOffered) {
      out.startTlsOffered();
    }
    DaneSslHandlers.RouteTls t = upgrade.routeTls();
    out.verification(t == null ? null : t.verification().orElse(null));
    out.presentedChain(t == null ? null : t.presentedChain());
    out.stsFailure(t == null ? null : t.stsFailure().orElse(null)); // STS-2: its RFC 8460 type for the report
    if (upgrade.secured()) {
      SSLSession session = t.handler().engine().getSession();
      out.tls(session.getProtocol(), session.getCipherSuite(), t.authenticated());
    }
    return out;
  }

  /**
   * The result of a connection that failed before it was ready for MAIL: the phase it reached (the TLS
   * handshake once the handler was in, bytes injected before it excepted, TLS-3), the RFC 8460 type when there
   * is one, and a detail that names the limit crossed (TLS-7).
   */
  SessionResult failed(Throwable cause) {
    SessionResult.Builder out = facts(SessionResult.builder());
    DaneSslHandlers.RouteTls tls = upgrade.routeTls();
    DaneVerification v = tls == null ? null : tls.verification().orElse(null);
    boolean injected = cause instanceof StartTlsUpgrade.ResponseInjectionException;
    SessionPhase at = tls != null && !upgrade.secured() && !injected ? SessionPhase.TLS_HANDSHAKE : phase;
    FailureType type;
    String detail;
    if (v != null && !v.verified()) {
      type = v.failureType().orElse(FailureType.VALIDATION_FAILURE);
      detail = v.reason();
    } else if (cause instanceof SessionFailure f) {
      type = f.type();
      detail = f.getMessage();
    } else if (injected) {
      type = FailureType.VALIDATION_FAILURE;
      detail = cause.getMessage();
    } else if (at == SessionPhase.TLS_HANDSHAKE) {
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
    return out.phase(at).failure(type, detail).build();
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
    return EhloKeywords.of(ehlo).offers(keyword);
  }

  static String text(SmtpResponse r) {
    return r.code() + " " + String.join(" / ", r.details());
  }

  /** A reply as the engine reads it; the lines of a multi-line reply joined with {@code " / "}. */
  static SmtpReply reply(SmtpResponse r) {
    return new SmtpReply(r.code(), String.join(" / ", r.details()));
  }
}
