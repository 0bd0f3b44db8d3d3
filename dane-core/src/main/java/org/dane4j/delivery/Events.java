package org.dane4j.delivery;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls listeners so that a failing one never changes a delivery. */
final class Events {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryListener.class);

  private Events() {}

  static void safely(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.warn("a DeliveryListener threw; the delivery goes on", e);
    }
  }

  static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
