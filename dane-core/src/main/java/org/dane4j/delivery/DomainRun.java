package org.dane4j.delivery;

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
import org.dane4j.smtp.RequireTls;
import org.dane4j.smtp.RequireTlsPolicy;
import org.dane4j.smtp.TlsRequirement;
import org.dane4j.tlsa.FailureType;

/**
 * Delivers one message to the recipients of one destination along its plan; the one place that decides what
 * happens after each session (RFC 5321 §5.1, RFC 7672 §2.2; checklist TLS-1, OUT-1):
 *
 * <ul>
 *   <li>routes in plan order; an UNUSABLE route is recorded and skipped (DNS-2, ADDR-2);</li>
 *   <li>the addresses of a route in order; a session that ends before MAIL (no connection, no greeting,
 *       STARTTLS missing or refused, a failed handshake or DANE check, a limit crossed) moves on to the next
 *       address of the same host, as Postfix does: each address may be another server;</li>
 *   <li>only on an OPPORTUNISTIC route whose TLS handshake failed is the same address tried once more in
 *       cleartext (Postfix at level {@code may}), and only when the engine allows it; never with a TLS floor
 *       (the application's {@code starttls.required} or credentials: TLS-8), which also makes STARTTLS
 *       mandatory on OPPORTUNISTIC routes ({@link SessionRequest#tlsMandatory()});</li>
 *   <li>once a server answered MAIL, its replies decide: 5xx to MAIL fails every pending recipient, 5xx to
 *       RCPT or after DATA fails that recipient, 2xx after DATA delivers; everything else (4xx, a connection
 *       lost in the transaction) leaves the recipient pending for the next route;</li>
 *   <li>what is pending after the last route is deferred with the last reason;</li>
 *   <li>a REQUIRETLS message (RFC 8689 §4.2.1; RTLS-1) under {@link RequireTlsPolicy#ENFORCE} is only
 *       offered to routes that {@linkplain MxRoute#requireTlsProblem() qualify} (others are recorded and skipped
 *       without connecting), and a session sends MAIL only when TLS-authenticated to a server that listed
 *       REQUIRETLS after STARTTLS ({@link SessionRequest#mailRefusal}); when every host was skipped for that
 *       alone, the recipients fail permanently with {@code 5.7.30}; under
 *       {@link RequireTlsPolicy#OPPORTUNISTIC} the parameter is passed on where offered;</li>
 *   <li>a message with {@code TLS-Required: No} (RFC 8689 §5; RTLS-2), when the engine honours it: a session
 *       on a route with mandatory TLS that failed its STARTTLS or its verification is tried again at the same
 *       address on {@link MxRoute#withoutVerification()}, and the attempt says so.</li>
 * </ul>
 */
final class DomainRun {
  private final SmtpSession session;
  private final DeliveryListener listener;
  private final boolean cleartextRetry;
  private final boolean tlsFloor;
  private final String sender;
  private final byte[] message;
  private final SendInfo send;
  private final Map<String, List<DeliveryAttempt>> attempts = new LinkedHashMap<>();
  private final Map<String, RecipientResult> done = new LinkedHashMap<>();
  private final List<String> pending;
  private String lastReason = "no usable route";
  private FailureType lastType;
  private final SessionRequest.MailRequireTls requireTls;
  private final boolean bypass;
  /** The reasons hosts were skipped for REQUIRETLS (RTLS-1), in order. */
  private final List<String> requireTlsSkips = new ArrayList<>();
  /** Whether anything but REQUIRETLS kept a recipient pending (then it is deferred, not failed with 5.7.30). */
  private boolean otherFailure;

  DomainRun(SmtpSession session, DeliveryListener listener, boolean cleartextRetry, boolean tlsFloor,
      String sender, List<String> recipients, byte[] message) {
    this(session, listener, cleartextRetry, tlsFloor, sender, recipients, message, RequireTls.NONE,
        RequireTlsPolicy.ENFORCE, true, new SendInfo("", SendInfo.isTlsReport(message)));
  }

  /**
   * @param messageTls the message's requirement (RFC 8689)
   * @param policy the destination's REQUIRETLS policy
   * @param honourTlsRequiredNo whether {@code TLS-Required: No} is honoured (RTLS-2)
   * @param send what listeners are told of the send (its destination, whether it is a TLS report)
   */
  DomainRun(SmtpSession session, DeliveryListener listener, boolean cleartextRetry, boolean tlsFloor,
      String sender, List<String> recipients, byte[] message, RequireTls messageTls, RequireTlsPolicy policy,
      boolean honourTlsRequiredNo, SendInfo send) {
    this.requireTls = messageTls != RequireTls.REQUIRETLS ? SessionRequest.MailRequireTls.NONE
        : policy == RequireTlsPolicy.ENFORCE ? SessionRequest.MailRequireTls.ENFORCE
        : SessionRequest.MailRequireTls.IF_OFFERED;
    this.bypass = messageTls == RequireTls.TLS_REQUIRED_NO && honourTlsRequiredNo;
    this.session = session;
    this.listener = listener;
    this.cleartextRetry = cleartextRetry;
    this.tlsFloor = tlsFloor;
    this.sender = sender;
    this.message = message;
    this.send = send;
    this.pending = new ArrayList<>(recipients);
    recipients.forEach(r -> attempts.put(r, new ArrayList<>()));
  }

  /** Runs the plan; the future always completes normally, with one result per recipient. */
  CompletableFuture<List<RecipientResult>> run(DeliveryPlan plan) {
    if (plan.failure().isPresent()) {
      DeliveryPlan.Failure f = plan.failure().get();
      List.copyOf(pending).forEach(r -> finish(r, f.transientFailure() ? Status.DEFERRED : Status.FAILED,
          f.reason(), f.type()));
      return CompletableFuture.completedFuture(results());
    }
    return route(plan.routes(), 0).handle((x, e) -> {
      if (e != null) { // a bug in a session or listener: never lose the report
        lastReason = "internal error: " + Events.unwrap(e);
        lastType = null;
      }
      if (e == null && requireTls == SessionRequest.MailRequireTls.ENFORCE && !requireTlsSkips.isEmpty()
          && !otherFailure) { // RTLS-1: no host qualified, and nothing else stood in the way
        String reason = "5.7.30 REQUIRETLS support required: no route to the destination qualified (RFC 8689 §4.2.1): "
            + String.join("; ", requireTlsSkips);
        List.copyOf(pending).forEach(r -> finish(r, Status.FAILED, reason, null));
      }
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
      otherFailure = true; // a lookup failed: the host might have qualified (a transient failure)
      record(Attempts.unusable(route), null);
      return route(routes, i + 1);
    }
    if (requireTls == SessionRequest.MailRequireTls.ENFORCE && route.requireTlsProblem().isPresent()) {
      String why = route.requireTlsProblem().get();
      requireTlsSkips.add(why);
      record(Attempts.requireTlsSkipped(route, why), null); // RTLS-1: not even connected
      return route(routes, i + 1);
    }
    return address(route, 0).thenCompose(x -> route(routes, i + 1));
  }

  private CompletableFuture<Void> address(MxRoute route, int i) {
    if (i == route.addresses().size() || pending.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    InetAddress address = route.addresses().get(i);
    return attempt(route, address, i, false);
  }

  /** One address of one route; {@code bypassed}: the route is the unverified one of TLS-Required: No. */
  private CompletableFuture<Void> attempt(MxRoute route, InetAddress address, int i, boolean bypassed) {
    return session(route, address, true).thenCompose(result -> {
      if (result.mailReply().isPresent()) {
        settle(route, address, result, bypassed);
        return CompletableFuture.completedFuture(null); // the host answered: its replies decided
      }
      String refusal = requireTlsRefusal(route, address, result);
      if (refusal != null) {
        requireTlsSkips.add(refusal);
      } else {
        otherFailure = true;
      }
      record(Attempts.of(route, address, result, false, bypassed), result);
      if (!bypassed && bypass && refusal == null && route.requirement().tlsMandatory()
          && (result.phase() == SessionPhase.STARTTLS || result.phase() == SessionPhase.TLS_HANDSHAKE)) {
        // RTLS-2: TLS-Required: No; the failure is recorded above (for TLS reports), the message goes anyway
        return attempt(route.withoutVerification(), address, i, true);
      }
      if (retryInCleartext(route, result)) {
        return session(route, address, false).thenCompose(plain -> {
          if (plain.mailReply().isPresent()) {
            settle(route, address, plain, bypassed);
            return CompletableFuture.<Void>completedFuture(null);
          }
          record(Attempts.of(route, address, plain, false, bypassed), plain);
          return address(route, i + 1);
        });
      }
      return address(route, i + 1);
    });
  }

  /**
   * The reason when the session stopped before MAIL because REQUIRETLS could not be met there (RTLS-1): it
   * ended at MAIL without a reply, and the request refuses MAIL on what the session saw.
   */
  private String requireTlsRefusal(MxRoute route, InetAddress address, SessionResult result) {
    if (requireTls != SessionRequest.MailRequireTls.ENFORCE || result.phase() != SessionPhase.MAIL
        || result.mailReply().isPresent()) {
      return null;
    }
    return request(route, address, true).mailRefusal(result.authenticated(), result.requireTlsOffered())
        .orElse(null);
  }

  private boolean retryInCleartext(MxRoute route, SessionResult result) {
    return requireTls != SessionRequest.MailRequireTls.ENFORCE && cleartextRetry && !tlsFloor
        && route.requirement() == TlsRequirement.OPPORTUNISTIC && result.phase() == SessionPhase.TLS_HANDSHAKE;
  }

  private CompletableFuture<SessionResult> session(MxRoute route, InetAddress address, boolean startTls) {
    SessionRequest request = request(route, address, startTls);
    Events.safely(() -> listener.sessionStarted(route, address));
    CompletableFuture<SessionResult> running;
    try {
      running = session.run(request);
    } catch (RuntimeException e) {
      running = CompletableFuture.failedFuture(e);
    }
    return running.handle((r, e) -> e == null ? r : SessionResult.builder().phase(SessionPhase.CONNECT)
        .failure(null, "internal error in the session: " + Events.unwrap(e)).build());
  }

  private SessionRequest request(MxRoute route, InetAddress address, boolean startTls) {
    return new SessionRequest(route, address, sender, List.copyOf(pending), message, startTls, tlsFloor,
        requireTls);
  }

  /** The server answered MAIL: decide each pending recipient from the replies. */
  private void settle(MxRoute route, InetAddress address, SessionResult o, boolean bypassed) {
    boolean sentRequireTls = !request(route, address, true).mailParameters(o.requireTlsOffered()).isEmpty();
    DeliveryAttempt attempt = Attempts.of(route, address, o, sentRequireTls, bypassed);
    otherFailure = true; // a server answered: what stays pending is deferred by its replies, never 5.7.30
    record(attempt, o);
    String via = " via " + attempt;
    SmtpReply mail = o.mailReply().orElseThrow();
    if (mail.permanent()) {
      List.copyOf(pending).forEach(r -> finish(r, Status.FAILED, "MAIL rejected: " + mail + via, null));
      return;
    }
    if (!mail.positive()) {
      lastReason = "MAIL not accepted: " + mail + via;
      lastType = null;
      return;
    }
    SmtpReply data = o.dataReply().orElse(null);
    for (String r : List.copyOf(pending)) {
      SmtpReply rcpt = o.rcptReplies().get(r);
      if (rcpt == null) {
        lastReason = "RCPT not answered: " + o.failure().orElse("the session ended") + via;
        lastType = null;
      } else if (rcpt.permanent()) {
        finish(r, Status.FAILED, "RCPT rejected: " + rcpt + via, null);
      } else if (!rcpt.positive()) {
        lastReason = "RCPT deferred: " + rcpt + via;
        lastType = null;
      } else if (data != null && data.positive() && o.failure().isEmpty()) {
        finish(r, Status.DELIVERED, "accepted: " + data + via, null);
      } else if (data != null && data.permanent()) {
        finish(r, Status.FAILED, "message rejected: " + data + via, null);
      } else {
        lastReason = "message not accepted: " + (data != null ? data.toString()
            : o.failure().orElse("no reply to DATA")) + via;
        lastType = null;
      }
    }
  }

  private void record(DeliveryAttempt a, SessionResult session) {
    for (String r : pending) {
      attempts.get(r).add(a);
    }
    if (a.failed()) {
      lastReason = a.toString();
      lastType = a.failureType();
    }
    Events.safely(() -> listener.attemptFinished(send, a, session));
  }

  private void finish(String recipient, Status status, String reason, FailureType type) {
    if (pending.remove(recipient)) {
      RecipientResult result = new RecipientResult(recipient, status, attempts.get(recipient), reason, type);
      done.put(recipient, result);
      Events.safely(() -> listener.recipientFinished(result));
    }
  }

  private List<RecipientResult> results() {
    return List.copyOf(done.values());
  }
}
