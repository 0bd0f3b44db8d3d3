package org.dane4j.netty;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.dane4j.delivery.DomainGate;

/**
 * The client's {@link DomainGate}: a per-recipient-domain bound on deliveries in progress, without blocking (Postfix's destination concurrency
 * limit): a delivery over the limit waits, as a future, for one to the same domain to end. Complements the
 * per-server connection limit of {@link ConnectionPool}: many domains may share one server, one domain may
 * have many servers. The wait is bounded by {@code domainSlotTimeout} (checklist TLS-7): a delivery that gets
 * no slot in time does not run, and leaves the queue, so a slot freed later goes to the next one.
 */
final class DomainLimiter implements DomainGate {
  /**
   * No delivery slot for a domain within {@code domainSlotTimeout}; its text is the reason the recipients are
   * deferred with. Not a {@code TimeoutException}, which the engine reads as its own plan timeout.
   */
  static final class SlotTimeoutException extends Exception {
    private static final long serialVersionUID = 1L;

    SlotTimeoutException(String message) {
      super(message, null, false, false);
    }

    @Override
    public String toString() {
      return getMessage();
    }
  }

  private final int maxPerDomain;
  private final Duration slotTimeout;
  private final ScheduledExecutorService timers;
  private final Map<String, Slot> slots = new HashMap<>();
  private int peak;

  private static final class Slot {
    int active;
    final Queue<CompletableFuture<Void>> waiting = new ArrayDeque<>();
  }

  /** At most {@code maxPerDomain} deliveries per domain; a wait bounded by {@code slotTimeout}, on {@code timers}. */
  DomainLimiter(int maxPerDomain, Duration slotTimeout, ScheduledExecutorService timers) {
    this.maxPerDomain = maxPerDomain;
    this.slotTimeout = slotTimeout;
    this.timers = timers;
  }

  /**
   * Runs {@code delivery} once a slot for {@code domain} is free, and frees it when the delivery ends; when no
   * slot is free within {@code domainSlotTimeout}, fails with a {@link SlotTimeoutException} naming the limit,
   * and the engine defers the domain's recipients with that reason.
   */
  @Override
  public <T> CompletableFuture<T> run(String domain, Supplier<CompletableFuture<T>> delivery) {
    return acquire(domain).thenCompose(x -> {
      CompletableFuture<T> f;
      try {
        f = delivery.get();
      } catch (RuntimeException r) {
        f = CompletableFuture.failedFuture(r);
      }
      return f.whenComplete((r, e) -> release(domain));
    });
  }

  private CompletableFuture<Void> acquire(String domain) {
    CompletableFuture<Void> wait = new CompletableFuture<>();
    synchronized (this) {
      Slot slot = slots.computeIfAbsent(domain, d -> new Slot());
      if (slot.active < maxPerDomain) {
        slot.active++;
        peak = Math.max(peak, slot.active);
        return CompletableFuture.completedFuture(null);
      }
      slot.waiting.add(wait);
    }
    ScheduledFuture<?> timer = timers.schedule(() -> giveUp(domain, wait), slotTimeout.toMillis(),
        TimeUnit.MILLISECONDS);
    wait.whenComplete((x, e) -> timer.cancel(false));
    return wait;
  }

  /** The deadline passed: the waiter leaves the queue, unless a slot was handed to it already. */
  private void giveUp(String domain, CompletableFuture<Void> wait) {
    synchronized (this) {
      Slot slot = slots.get(domain);
      if (slot == null || !slot.waiting.remove(wait)) {
        return; // the slot is the waiter's
      }
    }
    wait.completeExceptionally(new SlotTimeoutException("no delivery slot for " + domain
        + " within " + Limits.named("domainSlotTimeout", slotTimeout) + ": " + maxPerDomain
        + " deliveries to it (maxDeliveriesPerDomain) stayed in progress (TLS-7)"));
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

  /** Deliveries in progress to {@code domain} (for tests). */
  synchronized int active(String domain) {
    Slot slot = slots.get(domain);
    return slot == null ? 0 : slot.active;
  }
}
