package org.dane4j.netty;

import io.netty.channel.EventLoopGroup;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.dane4j.smtp.DeliveryAttempt;
import org.dane4j.smtp.MxRoute;
import org.dane4j.smtp.TlsVerdict;

/**
 * One delivery attempt of one message at one address of one route (RFC 5321 §3, RFC 7672 §2.2): on an idle
 * connection of the same {@link RouteKey} when the pool has one (checklist TLS-6), else on a new connection,
 * opened and secured by {@link RouteConnection#open}. Afterwards the connection is offered back to the pool,
 * or closed with QUIT. A reused connection that turns out dead before MAIL is answered is replaced
 * by a new one; nothing of the message was sent on it. Connections go back to the pool right after the
 * transaction and are checked with RSET when taken again.
 */
final class RouteSession {
  private final ClientSettings settings;
  private final ConnectionPool pool;
  private final MxRoute route;
  private final RouteKey key;
  private final String from;
  private final List<String> recipients;
  private final byte[] message;

  RouteSession(ClientSettings settings, ConnectionPool pool, MxRoute route, RouteKey key, String from,
      List<String> recipients, byte[] message) {
    this.settings = settings;
    this.pool = pool;
    this.route = route;
    this.key = key;
    this.from = from;
    this.recipients = recipients;
    this.message = message;
  }

  /** Runs the attempt; the future always completes normally with the outcome. */
  CompletableFuture<SessionOutcome> run(EventLoopGroup group) {
    return attempt(group, settings.reuseConnections());
  }

  private CompletableFuture<SessionOutcome> attempt(EventLoopGroup group, boolean mayReuse) {
    CompletableFuture<ConnectionPool.Lease> leased = pool.acquire(key, mayReuse);
    return leased.handle((lease, e) -> e).thenCompose(e -> {
      if (e != null) { // no connection permit in time (TLS-7): not connected, nothing sent
        SessionOutcome o = new SessionOutcome();
        o.attempt = new DeliveryAttempt(route, key.address(), TlsVerdict.FAILED, null, null, null, null, true,
            unwrap(e).getMessage());
        return CompletableFuture.completedFuture(o);
      }
      RouteConnection reused = leased.join().connection(); // complete: join does not wait
      if (reused == null) {
        return fresh(group);
      }
      // a pooled connection may be handed over on any thread: continue on its own event loop
      return CompletableFuture.supplyAsync(() -> reused, reused.eventLoop())
          .thenCompose(c -> deliver(c, true))
          .thenCompose(o -> o == null ? attempt(group, false) : CompletableFuture.completedFuture(o));
    });
  }

  private CompletableFuture<SessionOutcome> fresh(EventLoopGroup group) {
    RouteConnection c = new RouteConnection(settings, route, key, pool::closed);
    return c.open(group).handle((ok, e) -> e).thenCompose(e -> {
      if (e == null) {
        return deliver(c, false);
      }
      SessionOutcome o = new SessionOutcome();
      o.connected = c.connected();
      o.attempt = c.failure(unwrap(e));
      return CompletableFuture.completedFuture(o);
    });
  }

  /**
   * The transaction; null when a reused connection was found dead before anything was accepted. A reused
   * connection is first checked with RSET (RFC 5321 §4.1.1.5), as Postfix checks a cached session.
   */
  private CompletableFuture<SessionOutcome> deliver(RouteConnection c, boolean reused) {
    if (reused) {
      return c.reset().thenCompose(ready -> {
        if (!ready) {
          c.close();
          return CompletableFuture.completedFuture(null);
        }
        return transaction(c, true);
      });
    }
    return transaction(c, false);
  }

  private CompletableFuture<SessionOutcome> transaction(RouteConnection c, boolean reused) {
    SessionOutcome o = new SessionOutcome();
    o.connected = true;
    return c.transaction(from, recipients, message, o).handle((ok, e) -> {
      if (e == null) {
        String last = o.dataReply != null ? o.dataReply : o.mailReply;
        o.attempt = c.success(route, last);
        if (settings.reuseConnections() && c.reusable()) {
          pool.offer(c); // before the report completes, so a message sent next finds it
        } else {
          c.quit();
        }
        return o;
      }
      c.close();
      if (reused && o.mailCode < 0) {
        return null; // stale: the server closed the idle connection; try a new one
      }
      o.attempt = c.success(route, "connection lost during the transaction: " + unwrap(e).getMessage());
      return o;
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
