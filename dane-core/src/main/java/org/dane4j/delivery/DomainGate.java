package org.dane4j.delivery;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Where an adapter bounds the deliveries in progress per recipient domain (Postfix's destination concurrency
 * limit): the {@link DeliveryEngine} runs each domain's delivery, its plan included, through the gate. A gate
 * that gives up (its wait has a deadline, TLS-7) completes exceptionally with the reason, and the engine
 * defers that domain's recipients with it; nothing of the message was sent.
 */
@FunctionalInterface
public interface DomainGate {
  /** Runs {@code delivery} for {@code domain} when the gate allows it. */
  <T> CompletableFuture<T> run(String domain, Supplier<CompletableFuture<T>> delivery);

  /** A gate that lets every delivery through at once. */
  static DomainGate open() {
    return new DomainGate() {
      @Override
      public <T> CompletableFuture<T> run(String domain, Supplier<CompletableFuture<T>> delivery) {
        return delivery.get();
      }
    };
  }
}
