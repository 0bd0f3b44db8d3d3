package org.dane4j.dns;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * A future whose asynchronous stages without an explicit executor ({@code thenComposeAsync(fn)},
 * {@code handleAsync(fn)}, ...) run on the resolver's executor, and whose dependent futures do the same.
 * dnsjava 3.7's {@code ValidatingResolver} continues its DS/DNSKEY and NODATA stages that way on the futures
 * its head resolver returns, which would otherwise mean the common pool — a new thread for every stage on
 * machines with two CPUs or fewer, where the common pool has parallelism 1. No JVM-wide setting is touched.
 */
final class StagesOn<T> extends CompletableFuture<T> {
  private final Executor executor;

  private StagesOn(Executor executor) {
    this.executor = executor;
  }

  /** A future completed like {@code stage}, whose default executor is {@code executor}. */
  static <T> CompletableFuture<T> of(CompletionStage<T> stage, Executor executor) {
    StagesOn<T> f = new StagesOn<>(executor);
    stage.whenComplete((value, error) -> {
      if (error != null) {
        f.completeExceptionally(error);
      } else {
        f.complete(value);
      }
    });
    return f;
  }

  @Override
  public Executor defaultExecutor() {
    return executor;
  }

  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new StagesOn<>(executor);
  }
}
