package org.dane4j.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.dane4j.smtp.DeliveryPlan;
import org.dane4j.smtp.DeliveryPlanner;
import org.dane4j.smtp.DeliveryReport;
import org.dane4j.smtp.Destination;
import org.dane4j.smtp.Envelope;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.smtp.RequireTls;
import org.dane4j.smtp.RequireTlsPolicy;

/**
 * The one delivery engine: the adapters only run sessions, the engine decides (RFC 5321 §5.1, RFC 7672 §2).
 * It takes a checked {@link Envelope} and the message, plans each recipient domain with the
 * {@link DeliveryPlanner} (or the one relay, POL-2), walks routes and addresses in order, asks the adapter's
 * {@link SmtpSession} for one session at a time, decides from each {@link SessionResult} whether to try the
 * next address, the next MX host, defer or fail, and builds the per-recipient report (OUT-1).
 *
 * <pre>{@code
 * DeliveryEngine engine = DeliveryEngine.builder(DeliveryPlanner.of(resolver), session).build();
 * DeliveryReport report = engine.send(Envelope.of("me@example.org", List.of("you@example.net")), bytes).join();
 * }</pre>
 *
 * <p>{@link #send} never completes exceptionally: a recipient refused by the envelope check is failed before
 * any lookup (IN-1), a domain whose plan times out or breaks is deferred with the reason, and the report
 * always has one result per recipient, so a caller that retries the deferred ones never sends duplicates.
 * The engine is immutable and thread-safe; one instance serves any number of concurrent sends.
 */
public final class DeliveryEngine {
  /** The default of {@link Builder#planTimeout}. */
  public static final Duration DEFAULT_PLAN_TIMEOUT = Duration.ofSeconds(60);

  private final DeliveryPlanner planner;
  private final SmtpSession session;
  private final DeliveryListener listener;
  private final Duration planTimeout;
  private final boolean cleartextRetry;
  private final boolean tlsFloor;
  private final DomainGate gate;
  private final int mxPort;
  private final boolean honourTlsRequiredNo;
  private final Map<String, RequireTlsPolicy> requireTlsPolicies;

  private DeliveryEngine(Builder b) {
    this.honourTlsRequiredNo = b.honourTlsRequiredNo;
    this.requireTlsPolicies = Map.copyOf(b.requireTlsPolicies);
    this.gate = b.gate;
    this.mxPort = b.mxPort;
    this.planner = b.planner;
    this.session = b.session;
    this.listener = b.logging ? DeliveryListener.both(new LoggingListener(), b.listener) : b.listener;
    this.planTimeout = b.planTimeout;
    this.cleartextRetry = b.cleartextRetry;
    this.tlsFloor = b.tlsFloor;
  }

  /**
   * A builder.
   *
   * @param planner the RFC 7672 planner (DNS, DANE mode)
   * @param session the adapter's sessions
   */
  public static Builder builder(DeliveryPlanner planner, SmtpSession session) {
    return new Builder(planner, session);
  }

  /**
   * Sends the message to every recipient of the envelope, each domain along its own plan, all domains at
   * once.
   *
   * <p>The message's TLS requirement (RFC 8689; RTLS-1, RTLS-2) is the envelope's
   * ({@link Envelope#requireTls()}) combined with the message's headers ({@link RequireTls#fromHeaders}); a
   * {@value RequireTls#REQUEST_HEADER} field is removed before sending ({@link RequireTls#withoutRequestHeader}).
   *
   * @param envelope the checked envelope
   * @param message the message, CRLF line ends, not dot-stuffed
   * @return the report, one result per recipient in the envelope's order; never completes exceptionally
   */
  public CompletableFuture<DeliveryReport> send(Envelope envelope, byte[] message) {
    Objects.requireNonNull(message, "message");
    RequireTls messageTls = requirement(envelope, message);
    message = RequireTls.withoutRequestHeader(message);
    List<CompletableFuture<List<RecipientResult>>> domains = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : envelope.domains().entrySet()) {
      domains.add(deliver(envelope, e.getKey(), e.getValue(), message, Destination.domain(e.getKey(), mxPort),
          messageTls));
    }
    return collect(envelope, domains);
  }

  /**
   * Sends the message to every recipient of the envelope through one relay (smarthost) instead of the
   * recipients' MX hosts (POL-2: the relay's name is the TLSA base domain).
   */
  public CompletableFuture<DeliveryReport> sendVia(Destination relay, Envelope envelope, byte[] message) {
    Objects.requireNonNull(message, "message");
    List<String> all = envelope.domains().values().stream().flatMap(List::stream).toList();
    if (all.isEmpty()) {
      return CompletableFuture.completedFuture(envelope.report(List.of(), planner.dnssec()));
    }
    RequireTls messageTls = requirement(envelope, message);
    byte[] bytes = RequireTls.withoutRequestHeader(message);
    return collect(envelope, List.of(deliver(envelope, relay.name(), all, bytes, relay, messageTls)));
  }

  /**
   * The TLS requirement of one message (RFC 8689): the envelope's and its headers', the stronger winning
   * ({@link RequireTls#and}). {@code TLS-Required: No} counts only when the engine honours it.
   */
  public RequireTls requirement(Envelope envelope, byte[] message) {
    RequireTls r = envelope.requireTls().and(RequireTls.fromHeaders(message));
    return r == RequireTls.TLS_REQUIRED_NO && !honourTlsRequiredNo ? RequireTls.NONE : r;
  }

  /** The REQUIRETLS policy of one destination (a recipient domain or a relay's name); ENFORCE unless set. */
  public RequireTlsPolicy requireTlsPolicy(String destination) {
    return requireTlsPolicies.getOrDefault(destination.toLowerCase(java.util.Locale.ROOT), RequireTlsPolicy.ENFORCE);
  }

  private CompletableFuture<List<RecipientResult>> deliver(Envelope envelope, String domain, List<String> recipients,
      byte[] message, Destination destination, RequireTls messageTls) {
    CompletableFuture<List<RecipientResult>> done;
    try {
      done = gate.run(domain, () -> {
        Events.safely(() -> listener.planStarted(destination.name()));
        return planner.plan(destination).orTimeout(planTimeout.toMillis(), TimeUnit.MILLISECONDS)
            .exceptionally(e -> {
              Throwable cause = Events.unwrap(e);
              throw new CompletionException(cause instanceof TimeoutException ? new TimeoutException("planning "
                  + destination.name() + " took longer than the plan timeout (planTimeout " + planTimeout.toSeconds()
                  + " s)") : cause);
            })
            .thenCompose(plan -> {
              Events.safely(() -> listener.planFinished(plan));
              return new DomainRun(session, listener, cleartextRetry, tlsFloor, envelope.sender(), recipients,
                  message, messageTls, requireTlsPolicy(destination.name()), honourTlsRequiredNo,
                  new SendInfo(destination.name(), SendInfo.isTlsReport(message)))
                  .run(plan);
            });
      });
    } catch (RuntimeException e) {
      done = CompletableFuture.failedFuture(e);
    }
    return done.exceptionally(e -> {
      Throwable cause = Events.unwrap(e);
      List<RecipientResult> deferred = envelope.deferredByError(domain, cause); // a gate's or the plan's reason
      deferred.forEach(r -> Events.safely(() -> listener.recipientFinished(r)));
      return deferred;
    });
  }

  private CompletableFuture<DeliveryReport> collect(Envelope envelope,
      List<CompletableFuture<List<RecipientResult>>> domains) {
    return CompletableFuture.allOf(domains.toArray(new CompletableFuture<?>[0])).handle((x, e) -> {
      List<RecipientResult> results = new ArrayList<>();
      for (CompletableFuture<List<RecipientResult>> d : domains) {
        results.addAll(d.getNow(List.of())); // each completes normally (exceptionally() above)
      }
      return envelope.report(results, planner.dnssec()); // DNS-4: the probe the plans were made under
    });
  }

  /** The settings of an engine; each is checked when set. */
  public static final class Builder {
    private final DeliveryPlanner planner;
    private final SmtpSession session;
    private DeliveryListener listener = DeliveryListener.none();
    private Duration planTimeout = DEFAULT_PLAN_TIMEOUT;
    private boolean cleartextRetry = true;
    private DomainGate gate = DomainGate.open();
    private int mxPort = 25;
    private boolean logging = true;
    private boolean tlsFloor;
    private boolean honourTlsRequiredNo = true;
    private final Map<String, RequireTlsPolicy> requireTlsPolicies = new java.util.HashMap<>();

    private Builder(DeliveryPlanner planner, SmtpSession session) {
      this.planner = Objects.requireNonNull(planner, "planner");
      this.session = Objects.requireNonNull(session, "session");
    }

    /**
     * Whether the engine logs each step over SLF4J with stable event names ({@code recipient.deferred}, ...;
     * see the logger {@code org.dane4j.delivery}); default true. The {@link #listener} hears the steps either way.
     */
    public Builder logging(boolean on) {
      this.logging = on;
      return this;
    }

    /** Hears every step (metrics, TLS reports, the application's own log); default: none. */
    public Builder listener(DeliveryListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** The longest wait for one domain's plan (MX, addresses, TLSA) before it is deferred; 1 s .. 5 min. */
    public Builder planTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "planTimeout");
      if (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
        throw new IllegalArgumentException("planTimeout must be between 1 s and 5 min: " + timeout);
      }
      this.planTimeout = timeout;
      return this;
    }

    /**
     * Whether an OPPORTUNISTIC route whose TLS handshake failed is tried once more in cleartext, as Postfix
     * does at level {@code may} (default true). Set it false when the application demands TLS or sends
     * credentials (TLS-8); routes where TLS is mandatory are never retried in cleartext, whatever this says.
     */
    public Builder cleartextRetry(boolean retry) {
      this.cleartextRetry = retry;
      return this;
    }

    /**
     * TLS mandatory on every route, whatever DNS says (checklist TLS-8): set it when the application demands
     * TLS ({@code mail.smtp.starttls.required=true}) or sends credentials. OPPORTUNISTIC routes then need
     * STARTTLS, and nothing is retried in cleartext. Default false.
     */
    public Builder tlsFloor(boolean floor) {
      this.tlsFloor = floor;
      return this;
    }

    /**
     * Whether a message with the header {@code TLS-Required: No} (RFC 8689 §5; checklist RTLS-2) is delivered
     * even when the DANE or MTA-STS verification of its route fails (then over unauthenticated TLS, or cleartext
     * when the server has no STARTTLS and no TLS floor applies); the failed attempt and the one that bypassed
     * it are both in the report ({@link org.dane4j.smtp.DeliveryAttempt#verificationBypassed()}). Default true,
     * as RFC 8689 §5 and RFC 8460 §3 (TLS reports) expect; false treats such a message like any other.
     */
    public Builder honourTlsRequiredNo(boolean honour) {
      this.honourTlsRequiredNo = honour;
      return this;
    }

    /**
     * The REQUIRETLS policy for one destination (RFC 8689 §4.2.1; checklist RTLS-1): a recipient domain, or
     * the name of a relay for {@link DeliveryEngine#sendVia}; compared without regard to case. Every destination
     * not named is {@link RequireTlsPolicy#ENFORCE}. Name {@link RequireTlsPolicy#OPPORTUNISTIC} internal hops:
     * a relay or content filter trusted to carry the requirement on.
     */
    public Builder requireTlsPolicy(String destination, RequireTlsPolicy policy) {
      Objects.requireNonNull(destination, "destination");
      Objects.requireNonNull(policy, "policy");
      String name = destination.strip().toLowerCase(java.util.Locale.ROOT);
      if (name.endsWith(".")) {
        name = name.substring(0, name.length() - 1);
      }
      if (name.isEmpty()) {
        throw new IllegalArgumentException("requireTlsPolicy needs a destination name");
      }
      requireTlsPolicies.put(name, policy);
      return this;
    }

    /** Bounds the deliveries in progress per recipient domain; default: no bound. */
    public Builder domainGate(DomainGate gate) {
      this.gate = Objects.requireNonNull(gate, "gate");
      return this;
    }

    /**
     * The SMTP port of MX hosts (1..65535; default 25), also the port of the TLSA owner name
     * ({@code _port._tcp}, TLSA-1); another port only for test networks and special setups.
     */
    public Builder mxPort(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("mxPort must be 1..65535, got " + port);
      }
      this.mxPort = port;
      return this;
    }

    /** The engine. */
    public DeliveryEngine build() {
      return new DeliveryEngine(this);
    }
  }
}
