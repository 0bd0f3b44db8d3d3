package org.dane4j.netty;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The client's bound on sends in progress (back-pressure; checklist TLS-7: every buffer a bound), without
 * blocking: at most {@code maxPendingSends} sends run at once, from {@code send} to their report. Past it,
 * {@link DaneSmtpClient.WhenFull#FAIL_FAST} refuses the send at once; {@link DaneSmtpClient.WhenFull#WAIT}
 * queues it, as a future, for at most {@code pendingSendTimeout}, and at most {@code maxPendingSends} sends
 * wait (so no more than twice the limit are ever held in memory); a send that gets no room is refused. A
 * refused send sends nothing and its recipients are deferred with a reason naming the limit.
 */
final class SendLimiter {
  private final int maxPending;
  private final DaneSmtpClient.WhenFull whenFull;
  private final Duration waitTimeout;
  private final ScheduledExecutorService timers;
  private final Deque<CompletableFuture<Void>> waiting = new ArrayDeque<>();
  private int active;
  private int peak;

  SendLimiter(int maxPending, DaneSmtpClient.WhenFull whenFull, Duration waitTimeout,
      ScheduledExecutorService timers) {
    this.maxPending = maxPending;
    this.whenFull = whenFull;
    this.waitTimeout = waitTimeout;
    this.timers = timers;
  }

  /**
   * Runs {@code send} when there is room; otherwise completes with {@code refused} applied to the reason. The
   * future completes normally whenever {@code send}'s does.
   */
  <T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> send, Function<String, T> refused) {
    CompletableFuture<Void> room = new CompletableFuture<>();
    synchronized (this) {
      if (active < maxPending) {
        active++;
        peak = Math.max(peak, active);
        room.complete(null);
      } else if (whenFull == DaneSmtpClient.WhenFull.FAIL_FAST) {
        return CompletableFuture.completedFuture(refused.apply("not sent: " + active + " sends in progress, the"
            + " limit maxPendingSends (" + maxPending + ") with whenFull FAIL_FAST; nothing was looked up or"
            + " sent, retry later"));
      } else if (waiting.size() >= maxPending) {
        return CompletableFuture.completedFuture(refused.apply("not sent: " + active + " sends in progress and "
            + waiting.size() + " waiting, the limit maxPendingSends (" + maxPending + ") for each; nothing was"
            + " looked up or sent, retry later"));
      } else {
        waiting.add(room);
      }
    }
    if (!room.isDone()) {
      ScheduledFuture<?> timer = timers.schedule(() -> giveUp(room), waitTimeout.toMillis(), TimeUnit.MILLISECONDS);
      room.whenComplete((x, e) -> timer.cancel(false));
    }
    return room.handle((x, e) -> e).thenCompose(e -> {
      if (e != null) {
        return CompletableFuture.completedFuture(refused.apply(e.getMessage()));
      }
      CompletableFuture<T> f;
      try {
        f = send.get();
      } catch (RuntimeException r) {
        f = CompletableFuture.failedFuture(r);
      }
      return f.whenComplete((r, x) -> release());
    });
  }

  /** The deadline passed: the send leaves the queue, unless room was handed to it already. */
  private void giveUp(CompletableFuture<Void> room) {
    int busy;
    synchronized (this) {
      if (!waiting.remove(room)) {
        return; // the room is the send's
      }
      busy = active;
    }
    room.completeExceptionally(new IllegalStateException("not sent: no room within "
        + Limits.named("pendingSendTimeout", waitTimeout) + ": " + busy + " sends stayed in progress, the limit"
        + " maxPendingSends (" + maxPending + ") with whenFull WAIT (TLS-7); nothing was looked up or sent,"
        + " retry later"));
  }

  private void release() {
    CompletableFuture<Void> next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        active--;
        return;
      }
    }
    next.complete(null); // outside the lock: the waiting send starts here, keeping the room
  }

  /** The most sends seen in progress at once (for tests). */
  synchronized int peak() {
    return peak;
  }

  /** Sends waiting for room (for tests). */
  synchronized int waiting() {
    return waiting.size();
  }
}
