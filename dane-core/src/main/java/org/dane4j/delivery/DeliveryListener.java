package org.dane4j.delivery;

import java.net.InetAddress;
import org.dane4j.smtp.DeliveryAttempt;
import org.dane4j.smtp.DeliveryPlan;
import org.dane4j.smtp.MxRoute;
import org.dane4j.smtp.RecipientResult;

/**
 * Hears each step of a delivery, in the way OkHttp's {@code EventListener} does: logging, metrics and TLS
 * reporting hang off this one place. The {@link DeliveryEngine} calls it on the thread that completed the
 * step (a DNS thread, an event loop, a session executor): implementations must be quick, thread-safe and
 * must not block. An exception thrown by a listener is logged and ignored; it never changes a delivery.
 * Every method does nothing by default.
 */
public interface DeliveryListener {
  /** The planner starts looking up a recipient domain (or relay). */
  default void planStarted(String destination) {}

  /** The plan of one destination is ready: its routes with their requirements, or why there is none. */
  default void planFinished(DeliveryPlan plan) {}

  /** A session starts at one address of one route. */
  default void sessionStarted(MxRoute route, InetAddress address) {}

  /**
   * A session (or a route that could not be tried) ended; {@code attempt} is what the report records,
   * {@code session} the facts behind it, null for a route that was not tried (UNUSABLE).
   */
  default void attemptFinished(DeliveryAttempt attempt, SessionResult session) {}

  /**
   * As {@link #attemptFinished(DeliveryAttempt, SessionResult)}, with the send the attempt belongs to: its
   * destination and whether the message is a TLS report (RFC 8460 §3: such sessions are not recorded). The
   * engine calls this one; by default it calls the two-argument method.
   */
  default void attemptFinished(SendInfo send, DeliveryAttempt attempt, SessionResult session) {
    attemptFinished(attempt, session);
  }

  /** One recipient's outcome is final for this send. */
  default void recipientFinished(RecipientResult result) {}

  /** Both listeners, {@code first} first; one that throws does not keep the other from hearing the step. */
  static DeliveryListener both(DeliveryListener first, DeliveryListener second) {
    return new Both(first, second);
  }

  /** A listener that does nothing. */
  static DeliveryListener none() {
    return new DeliveryListener() {};
  }
}
