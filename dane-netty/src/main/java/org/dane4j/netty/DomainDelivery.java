package org.dane4j.netty;

import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.dane4j.smtp.DeliveryAttempt;
import org.dane4j.smtp.DeliveryPlan;
import org.dane4j.smtp.MxRoute;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.smtp.RecipientResult.Status;
import org.dane4j.smtp.TlsRequirement;
import org.dane4j.smtp.TlsVerdict;
import org.dane4j.tlsa.FailureType;

/**
 * Delivers one message to the recipients of one domain along its plan, asynchronously: routes in MX order,
 * addresses of a route in order until one connects, one transaction per session for every recipient still
 * pending. 5xx replies fail recipients; 4xx replies and connection, STARTTLS or DANE failures move them to
 * the next route; whatever is left is deferred (RFC 5321 §5.1, RFC 7672 §2.2; checklist TLS-1, OUT-1).
 */
final class DomainDelivery {
  private final ClientSettings settings;
  private final EventLoopGroup group;
  private final ConnectionPool pool;
  private final String from;
  private final byte[] message;
  private final Map<String, List<DeliveryAttempt>> attempts = new LinkedHashMap<>();
  private final Map<String, RecipientResult> done = new LinkedHashMap<>();
  private final List<String> pending;
  private String lastReason = "no usable route";
  private FailureType lastType;

  DomainDelivery(ClientSettings settings, EventLoopGroup group, ConnectionPool pool, String from,
      List<String> recipients, byte[] message) {
    this.settings = settings;
    this.group = group;
    this.pool = pool;
    this.from = from;
    this.message = message;
    this.pending = new ArrayList<>(recipients);
    recipients.forEach(r -> attempts.put(r, new ArrayList<>()));
  }

  CompletableFuture<List<RecipientResult>> run(DeliveryPlan plan) {
    if (plan.failure().isPresent()) {
      DeliveryPlan.Failure f = plan.failure().get();
      List.copyOf(pending).forEach(r -> finish(r, f.transientFailure() ? Status.DEFERRED : Status.FAILED,
          f.reason(), f.type()));
      return CompletableFuture.completedFuture(results());
    }
    return route(plan.routes(), 0).thenApply(x -> {
      List.copyOf(pending).forEach(r -> finish(r, Status.DEFERRED, lastReason, lastType));
      return results();
    });
  }

  private CompletableFuture<Void> route(List<MxRoute> routes, int i) {
    if (i == routes.size() || pending.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    MxRoute route = routes.get(i);
    if (route.requirement() == TlsRequirement.UNUSABLE) {
      record(new DeliveryAttempt(route, null, TlsVerdict.FAILED, null, null, null,
          route.failureType().orElse(FailureType.VALIDATION_FAILURE), true, route.reason()));
      return route(routes, i + 1);
    }
    return address(route, 0).thenCompose(x -> route(routes, i + 1));
  }

  private CompletableFuture<Void> address(MxRoute route, int i) {
    List<InetAddress> addresses = route.addresses();
    if (i == addresses.size() || pending.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    InetAddress address = addresses.get(i);
    RouteSession session = new RouteSession(settings, pool, route, RouteKey.of(route, address), from,
        List.copyOf(pending), message);
    return session.run(group).thenCompose(outcome -> {
      settle(outcome);
      if (!outcome.connected) {
        return address(route, i + 1); // not even connected: another address of the same host
      }
      return CompletableFuture.completedFuture(null);
    });
  }

  private void settle(SessionOutcome o) {
    record(o.attempt);
    String via = " via " + o.attempt;
    if (o.attempt.failed()) {
      lastReason = o.attempt.toString();
      lastType = o.attempt.failureType();
      return;
    }
    if (o.mailCode >= 500) {
      List.copyOf(pending).forEach(r -> finish(r, Status.FAILED, "MAIL rejected: " + o.mailReply + via, null));
      return;
    }
    if (o.mailCode / 100 != 2) {
      lastReason = "MAIL not accepted: " + (o.mailReply == null ? o.attempt.detail() : o.mailReply) + via;
      return;
    }
    for (Map.Entry<String, Integer> e : o.rcptCodes.entrySet()) {
      String r = e.getKey();
      int code = e.getValue();
      String reply = o.rcptReplies.get(r);
      if (code >= 500) {
        finish(r, Status.FAILED, "RCPT rejected: " + reply + via, null);
      } else if (code / 100 == 2) {
        if (o.dataCode / 100 == 2) {
          finish(r, Status.DELIVERED, "accepted: " + o.dataReply + via, null);
        } else if (o.dataCode >= 500) {
          finish(r, Status.FAILED, "message rejected: " + o.dataReply + via, null);
        } else {
          lastReason = "message not accepted: " + (o.dataReply == null ? o.attempt.detail() : o.dataReply) + via;
        }
      } else {
        lastReason = "RCPT deferred: " + reply + via;
      }
    }
  }

  private void record(DeliveryAttempt a) {
    for (String r : pending) {
      attempts.get(r).add(a);
    }
  }

  private void finish(String recipient, Status status, String reason, FailureType type) {
    if (pending.remove(recipient)) {
      done.put(recipient, new RecipientResult(recipient, status, attempts.get(recipient), reason, type));
    }
  }

  private List<RecipientResult> results() {
    return List.copyOf(done.values());
  }
}
