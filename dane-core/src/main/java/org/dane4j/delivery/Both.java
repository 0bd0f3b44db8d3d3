package org.dane4j.delivery;

import java.net.InetAddress;
import org.dane4j.smtp.DeliveryAttempt;
import org.dane4j.smtp.DeliveryPlan;
import org.dane4j.smtp.MxRoute;
import org.dane4j.smtp.RecipientResult;

/** Two listeners as one; each call is made safely, so one that throws does not silence the other. */
record Both(DeliveryListener first, DeliveryListener second) implements DeliveryListener {
  @Override
  public void planStarted(String destination) {
    Events.safely(() -> first.planStarted(destination));
    Events.safely(() -> second.planStarted(destination));
  }

  @Override
  public void planFinished(DeliveryPlan plan) {
    Events.safely(() -> first.planFinished(plan));
    Events.safely(() -> second.planFinished(plan));
  }

  @Override
  public void sessionStarted(MxRoute route, InetAddress address) {
    Events.safely(() -> first.sessionStarted(route, address));
    Events.safely(() -> second.sessionStarted(route, address));
  }

  @Override
  public void attemptFinished(DeliveryAttempt attempt, SessionResult session) {
    Events.safely(() -> first.attemptFinished(attempt, session));
    Events.safely(() -> second.attemptFinished(attempt, session));
  }

  @Override
  public void attemptFinished(SendInfo send, DeliveryAttempt attempt, SessionResult session) {
    Events.safely(() -> first.attemptFinished(send, attempt, session));
    Events.safely(() -> second.attemptFinished(send, attempt, session));
  }

  @Override
  public void recipientFinished(RecipientResult result) {
    Events.safely(() -> first.recipientFinished(result));
    Events.safely(() -> second.recipientFinished(result));
  }
}
