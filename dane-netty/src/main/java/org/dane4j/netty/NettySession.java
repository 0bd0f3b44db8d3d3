package org.dane4j.netty;

import io.netty.channel.EventLoopGroup;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.dane4j.delivery.SessionPhase;
import org.dane4j.delivery.SessionRequest;
import org.dane4j.delivery.SessionResult;
import org.dane4j.delivery.SmtpSession;
import org.dane4j.smtp.RouteKey;

/**
 * The Netty {@link SmtpSession}: one session at one address of one route (RFC 5321 §3, RFC 7672 §2.2), on an
 * idle connection of the same {@link RouteKey} when the pool has one (checklist TLS-6), else on a new
 * connection, opened and secured by {@link RouteConnection#open}. Afterwards the connection is offered back to
 * the pool, or closed with QUIT. A reused connection that turns out dead before MAIL is answered is replaced
 * by a new one; nothing of the message was sent on it. It only reports what happened; the
 * {@link org.dane4j.delivery.DeliveryEngine} decides what comes next.
 *
 * <p>A cleartext retry ({@link SessionRequest#startTls()} false) and a probe always get a connection of their
 * own, never pooled: a connection that skipped STARTTLS must not carry a later message that would have had
 * TLS (TLS-6), and a probe is there to run the handshake.
 */
final class NettySession implements SmtpSession {
  private final ClientSettings settings;
  private final EventLoopGroup group;
  private final ConnectionPool pool;

  NettySession(ClientSettings settings, EventLoopGroup group, ConnectionPool pool) {
    this.settings = settings;
    this.group = group;
    this.pool = pool;
  }

  @Override
  public CompletableFuture<SessionResult> run(SessionRequest request) {
    boolean pooled = settings.reuseConnections() && request.startTls() && !request.isProbe();
    return attempt(request, request.route().reuseKey(request.address()), pooled, pooled);
  }

  private CompletableFuture<SessionResult> attempt(SessionRequest request, RouteKey key, boolean mayReuse,
      boolean pooled) {
    CompletableFuture<ConnectionPool.Lease> leased = pool.acquire(key, mayReuse);
    return leased.handle((lease, e) -> e).thenCompose(e -> {
      if (e != null) { // no connection permit in time (TLS-7): not connected, nothing sent
        return CompletableFuture.completedFuture(SessionResult.builder().phase(SessionPhase.CONNECT)
            .failure(null, unwrap(e).getMessage()).build());
      }
      RouteConnection reused = leased.join().connection(); // complete: join does not wait
      if (reused == null) {
        return fresh(request, key, pooled);
      }
      if (!reused.reusable()) { // TLS-6 limits checked again when taken: it aged while idle
        reused.quit();
        return attempt(request, key, false, pooled);
      }
      // a pooled connection may be handed over on any thread: continue on its own event loop
      return CompletableFuture.supplyAsync(() -> reused, reused.eventLoop())
          .thenCompose(c -> deliver(c, request, true, pooled))
          .thenCompose(r -> r == null ? attempt(request, key, false, pooled) : CompletableFuture.completedFuture(r));
    });
  }

  private CompletableFuture<SessionResult> fresh(SessionRequest request, RouteKey key, boolean pooled) {
    RouteConnection c = new RouteConnection(settings, request.route(), key, pool::closed);
    return c.open(group, request.startTls(), request.tlsMandatory()).handle((ok, e) -> e).thenCompose(e -> e == null
        ? deliver(c, request, false, pooled) : CompletableFuture.completedFuture(c.failed(unwrap(e))));
  }

  /**
   * The transaction, or QUIT for a probe; null when a reused connection was found dead before anything was
   * accepted. A reused connection is first checked with RSET (RFC 5321 §4.1.1.5), as Postfix checks a cached
   * session; with PIPELINING (RFC 2920) RSET heads the transaction's group instead of taking a round trip.
   */
  private CompletableFuture<SessionResult> deliver(RouteConnection c, SessionRequest request, boolean reused,
      boolean pooled) {
    if (request.isProbe()) { // the result once QUIT was answered and the connection closed: nothing left behind
      SessionResult facts = c.facts(SessionResult.builder()).phase(SessionPhase.COMPLETE).build();
      return c.quit().thenApply(x -> facts);
    }
    if (reused && request.mailRefusal(c.authenticated(), c.requireTlsOffered()).isPresent()) {
      return c.reset().thenCompose(ready -> { // RTLS-1 refuses below, after RSET, as without pipelining
        if (!ready) {
          c.close();
          return CompletableFuture.completedFuture(null);
        }
        return transaction(c, request, true, pooled, false);
      });
    }
    // on a reused connection the transaction sends RSET first: in its pipelined group when the server offers
    // PIPELINING (RFC 2920 §3.1), else alone; refused or unanswered, it fails with mailAnswered() false (below)
    return transaction(c, request, reused, pooled, reused);
  }

  private CompletableFuture<SessionResult> transaction(RouteConnection c, SessionRequest request, boolean reused,
      boolean pooled, boolean resetFirst) {
    SessionResult.Builder out = SessionResult.builder();
    String from = request.sender().isEmpty() ? null : request.sender();
    java.util.Optional<String> refusal = request.mailRefusal(c.authenticated(), c.requireTlsOffered());
    if (refusal.isPresent()) { // RTLS-1: the engine's rule; nothing of the message is sent
      c.facts(out).reused(c.transactions());
      c.quit();
      return CompletableFuture.completedFuture(out.phase(SessionPhase.MAIL).failure(null, refusal.get()).build());
    }
    return c.transaction(from, request.recipients(), request.message(), request.tlsMandatory(),
        request.mailParameters(c.requireTlsOffered()), resetFirst, out).handle((ok, e) -> {
      c.facts(out).reused(c.transactions());
      if (e == null) {
        if (pooled && c.reusable()) {
          pool.offer(c); // before the report completes, so a message sent next finds it
        } else {
          c.quit();
        }
        return out.phase(SessionPhase.COMPLETE).build();
      }
      c.close();
      if (reused && !c.mailAnswered()) {
        return null; // stale: the server closed the idle connection; try a new one
      }
      // the phase stays where the transaction stopped: a failure, never the success path (OUT-1)
      return out.failure(null, String.valueOf(unwrap(e).getMessage())).build();
    });
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
