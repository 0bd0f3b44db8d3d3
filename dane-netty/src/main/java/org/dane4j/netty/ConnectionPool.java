package org.dane4j.netty;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.dane4j.smtp.RouteKey;

/**
 * The client's connections, per server (address and port): at most {@code maxPerServer} open at once (RFC 5321
 * §4.5.4.1), and idle ones kept for a short while to carry the next message with the same {@link RouteKey}
 * (checklist TLS-6: the same route under the same requirement and verification result). Never blocks: a
 * caller over the limit gets a future that completes when a connection to that server is handed over or ends.
 *
 * <p>A permit belongs to a connection from its connect attempt until its channel closes. Idle connections
 * keep theirs; a waiter for another key closes one of them, so an idle connection never starves a new route.
 * A waiter waits at most {@code connectionPermitTimeout} (checklist TLS-7); then its future fails with a
 * {@link PermitTimeoutException} naming that limit, and it leaves the queue, so that a permit freed later goes
 * to the next waiter and is never lost.
 */
final class ConnectionPool {
  /** A connection ready for MAIL ({@code connection != null}), or a permit to open a new one. */
  record Lease(RouteConnection connection) {}

  private record Waiter(RouteKey key, CompletableFuture<Lease> future) {}

  /** No connection permit for a server within {@code connectionPermitTimeout}. */
  static final class PermitTimeoutException extends Exception {
    private static final long serialVersionUID = 1L;

    PermitTimeoutException(String message) {
      super(message, null, false, false);
    }
  }

  private static final class Server {
    int open;
    final Deque<RouteConnection> idle = new ArrayDeque<>();
    final Deque<Waiter> waiting = new ArrayDeque<>();
  }

  private final int maxPerServer;
  private final Duration idleTime;
  private final Duration permitTimeout;
  private final ScheduledExecutorService timers;
  private final Map<String, Server> servers = new HashMap<>();
  private int peak;
  private int reuses;
  private boolean closed;

  /**
   * A pool of at most {@code maxPerServer} connections per server, idle ones kept {@code idleTime}, a wait for
   * a permit bounded by {@code permitTimeout} and timed on {@code timers}.
   */
  ConnectionPool(int maxPerServer, Duration idleTime, Duration permitTimeout, ScheduledExecutorService timers) {
    this.maxPerServer = maxPerServer;
    this.idleTime = idleTime;
    this.permitTimeout = permitTimeout;
    this.timers = timers;
  }

  /**
   * An idle connection with this key (when {@code mayReuse}), else a permit for a new one, now or later.
   */
  CompletableFuture<Lease> acquire(RouteKey key, boolean mayReuse) {
    RouteConnection victim;
    CompletableFuture<Lease> later = new CompletableFuture<>();
    synchronized (this) {
      Server s = servers.computeIfAbsent(key.server(), d -> new Server());
      if (mayReuse) {
        for (Iterator<RouteConnection> it = s.idle.iterator(); it.hasNext(); ) {
          RouteConnection c = it.next();
          if (c.key().equals(key)) {
            it.remove();
            c.idleGeneration++;
            reuses++;
            return CompletableFuture.completedFuture(new Lease(c));
          }
        }
      }
      if (s.open < maxPerServer) {
        s.open++;
        peak = Math.max(peak, s.open);
        return CompletableFuture.completedFuture(new Lease(null));
      }
      Waiter waiter = new Waiter(mayReuse ? key : null, later);
      s.waiting.add(waiter);
      victim = s.idle.pollFirst();
      ScheduledFuture<?> timer = timers.schedule(() -> giveUp(key, waiter), permitTimeout.toMillis(),
          TimeUnit.MILLISECONDS);
      later.whenComplete((lease, e) -> timer.cancel(false));
    }
    if (victim != null) {
      victim.quit(); // an idle connection for another route: its close frees the permit for this waiter
    }
    return later;
  }

  /** The waiter's deadline passed: it leaves the queue, unless a permit or connection was handed to it already. */
  private void giveUp(RouteKey key, Waiter waiter) {
    int busy;
    synchronized (this) {
      Server s = servers.get(key.server());
      if (s == null || !s.waiting.remove(waiter)) {
        return; // handed over in the meantime: the lease is the waiter's
      }
      busy = s.open;
    }
    waiter.future().completeExceptionally(new PermitTimeoutException("no connection to " + key.server()
        + " within " + Limits.named("connectionPermitTimeout", permitTimeout) + ": " + busy + " of at most "
        + maxPerServer + " connections (maxConnectionsPerHost) stayed busy (TLS-7)"));
  }

  /** After a complete transaction: hand the connection to a waiter with its key, or keep it idle. */
  void offer(RouteConnection c) {
    Waiter same = null;
    boolean quit = false;
    int generation;
    synchronized (this) {
      Server s = servers.get(c.key().server());
      if (closed || s == null || !c.reusable()) {
        quit = true;
      } else {
        for (Iterator<Waiter> it = s.waiting.iterator(); it.hasNext() && same == null; ) {
          Waiter w = it.next();
          if (c.key().equals(w.key())) {
            it.remove();
            same = w;
          }
        }
        if (same != null) {
          reuses++;
        } else if (!s.waiting.isEmpty()) {
          quit = true; // others wait for a permit to open another route: free this one
        } else {
          s.idle.add(c);
        }
      }
      generation = ++c.idleGeneration;
    }
    if (same != null) {
      same.future().complete(new Lease(c));
    } else if (quit) {
      c.quit();
    } else {
      c.eventLoop().schedule(() -> expire(c, generation), idleTime.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void expire(RouteConnection c, int generation) {
    synchronized (this) {
      Server s = servers.get(c.key().server());
      if (s == null || c.idleGeneration != generation || !s.idle.remove(c)) {
        return;
      }
    }
    c.quit();
  }

  /** A connection's channel closed (or never opened): its permit goes to the next waiter or back. */
  void closed(RouteConnection c) {
    Waiter next;
    synchronized (this) {
      Server s = servers.get(c.key().server());
      s.idle.remove(c);
      next = s.waiting.poll();
      if (next == null) {
        s.open--;
        if (s.open == 0) {
          servers.remove(c.key().server());
        }
        return;
      }
    }
    next.future().complete(new Lease(null)); // outside the lock: the waiter's session starts here
  }

  /** Closes the idle connections and keeps no more (the client is closing). */
  void close() {
    List<RouteConnection> idle = new ArrayList<>();
    synchronized (this) {
      closed = true;
      servers.values().forEach(s -> idle.addAll(s.idle));
      servers.values().forEach(s -> s.idle.clear());
    }
    idle.forEach(RouteConnection::quit);
  }

  /** The most simultaneous connections seen to one server (for tests). */
  synchronized int peak() {
    return peak;
  }

  /** The idle connections now in the pool (for tests). */
  synchronized java.util.List<RouteConnection> idleConnections() {
    java.util.List<RouteConnection> all = new java.util.ArrayList<>();
    for (Server s : servers.values()) {
      all.addAll(s.idle);
    }
    return all;
  }

  /** How many transactions ran on a connection that had already carried one (for tests and benchmarks). */
  synchronized int reuses() {
    return reuses;
  }
}
