package org.dane4j.netty;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A per-recipient-domain bound on deliveries in progress, without blocking (Postfix's destination concurrency
 * limit): a delivery over the limit waits, as a future, for one to the same domain to end. Complements the
 * per-server connection limit of {@link ConnectionPool}: many domains may share one server, one domain may
 * have many servers.
 */
final class DomainLimiter {
  private final int maxPerDomain;
  private final Map<String, Slot> slots = new HashMap<>();
  private int peak;

  private static final class Slot {
    int active;
    final Queue<CompletableFuture<Void>> waiting = new ArrayDeque<>();
  }

  DomainLimiter(int maxPerDomain) {
    this.maxPerDomain = maxPerDomain;
  }

  /** Runs {@code delivery} once a permit for {@code domain} is free, and frees it when the delivery ends. */
  <T> CompletableFuture<T> run(String domain, Supplier<CompletableFuture<T>> delivery) {
    return acquire(domain).thenCompose(x -> {
      CompletableFuture<T> f;
      try {
        f = delivery.get();
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      return f.whenComplete((r, e) -> release(domain));
    });
  }

  private synchronized CompletableFuture<Void> acquire(String domain) {
    Slot slot = slots.computeIfAbsent(domain, d -> new Slot());
    if (slot.active < maxPerDomain) {
      slot.active++;
      peak = Math.max(peak, slot.active);
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> wait = new CompletableFuture<>();
    slot.waiting.add(wait);
    return wait;
  }

  private void release(String domain) {
    CompletableFuture<Void> next;
    synchronized (this) {
      Slot slot = slots.get(domain);
      next = slot.waiting.poll();
      if (next == null) {
        if (--slot.active == 0) {
          slots.remove(domain);
        }
        return;
      }
    }
    next.complete(null); // outside the lock: the waiting delivery starts here
  }

  /** The most deliveries seen in progress to one domain at once (for tests). */
  synchronized int peak() {
    return peak;
  }
}
