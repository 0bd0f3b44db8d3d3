package org.dane4j.netty;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;

/**
 * A per-destination bound on simultaneous connections (one destination = one address and port), without
 * blocking: a caller over the limit gets a future that completes when a connection to that destination ends
 * (RFC 5321 §4.5.4.1 asks senders to limit simultaneous connections to one host).
 */
final class ConnectionLimiter {
  private final int maxPerDestination;
  private final Map<String, Slot> slots = new HashMap<>();
  private int peak;

  private static final class Slot {
    int active;
    final Queue<CompletableFuture<Void>> waiting = new ArrayDeque<>();
  }

  ConnectionLimiter(int maxPerDestination) {
    this.maxPerDestination = maxPerDestination;
  }

  /** A permit for {@code destination}; complete the returned future's permit with {@link #release}. */
  synchronized CompletableFuture<Void> acquire(String destination) {
    Slot slot = slots.computeIfAbsent(destination, d -> new Slot());
    if (slot.active < maxPerDestination) {
      slot.active++;
      peak = Math.max(peak, slot.active);
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> wait = new CompletableFuture<>();
    slot.waiting.add(wait);
    return wait;
  }

  /** Returns a permit: hands it to the next waiter, if any. */
  void release(String destination) {
    CompletableFuture<Void> next;
    synchronized (this) {
      Slot slot = slots.get(destination);
      next = slot.waiting.poll();
      if (next == null) {
        slot.active--;
        if (slot.active == 0) {
          slots.remove(destination);
        }
        return;
      }
    }
    next.complete(null); // outside the lock: the waiter's session starts here
  }

  /** The most simultaneous connections seen to one destination (for tests). */
  synchronized int peak() {
    return peak;
  }
}
