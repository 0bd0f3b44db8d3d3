package org.dane4j.netty;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.dane4j.delivery.DeliveryEngine;
import org.dane4j.delivery.DeliveryListener;
import org.dane4j.dns.DaneResolver;
import org.dane4j.smtp.DeliveryPlanner;
import org.dane4j.smtp.DeliveryReport;
import org.dane4j.smtp.Envelope;
import org.dane4j.smtp.RequireTls;
import org.dane4j.smtp.RequireTlsPolicy;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.smtp.SmtpLimits;
import org.dane4j.sts.MtaSts;

/**
 * An asynchronous SMTP client that delivers straight to the recipients' MX hosts with DANE (RFC 7672; RFC 5321
 * §5.1 for the route walk, RFC 3207 for STARTTLS), on Netty's {@code netty-codec-smtp}.
 *
 * <pre>{@code
 * try (DaneSmtpClient client = DaneSmtpClient.builder(resolver).ehloName("mta.example.org").build()) {
 *   DeliveryReport report = client.send("alice@example.org", List.of("bob@example.com"), rfc5322Bytes).join();
 * }
 * }</pre>
 *
 * <p>The client is a thin adapter: {@link #send} hands the envelope to dane-core's {@link DeliveryEngine}, which
 * groups recipients by domain, plans each with the {@link DeliveryPlanner} (asynchronous DNSSEC-validated DNS),
 * walks routes in MX order and their validated addresses in order, decides after each session (next address,
 * next MX host, defer, fail) and builds the report; this client runs the sessions on Netty. As Postfix does,
 * a session that ends before MAIL (no connection, STARTTLS missing, a failed handshake or DANE check, a limit
 * crossed) moves on to the host's next address, then the next host; an OPPORTUNISTIC route whose TLS
 * handshake failed is tried once more at the same address in cleartext unless
 * {@link Builder#opportunisticCleartextRetry(boolean)} is off. On DANE and ENCRYPT routes STARTTLS is mandatory
 * and the DANE trust manager decides inside the handshake; no MAIL command is ever sent when TLS is mandatory
 * and not established, and such a route is never retried in cleartext (TLS-1, TLS-2). Each step of a delivery
 * is told to the {@link Builder#listener(DeliveryListener) listener}. Bytes after the
 * {@code 220} to STARTTLS abort the session ({@link StartTlsUpgrade}, TLS-3); EHLO is repeated under TLS.
 * A reply that arrives before its command was sent (pipelined by the server, or injected) aborts the session
 * before that command is written (TLS-3). The message is sent with CRLF line endings and dot-stuffing.
 * Nothing blocks an event loop.
 *
 * <p>Every wait has a deadline and every buffer a bound (checklist TLS-7); a limit that is crossed ends that
 * attempt, and the reason names it. Set each on the {@link Builder}:
 * <table>
 *   <caption>Limits of a session</caption>
 *   <tr><th>limit</th><th>default</th><th>bounds</th></tr>
 *   <tr><td>{@code planTimeout}</td><td>60 s</td><td>one recipient domain's DNS plan (MX, A/AAAA,
 *       TLSA)</td></tr>
 *   <tr><td>{@code connectTimeout}</td><td>30 s</td><td>the TCP connect</td></tr>
 *   <tr><td>{@code greetingTimeout}</td><td>5 min</td><td>the whole greeting (RFC 5321 §4.5.3.2.1)</td></tr>
 *   <tr><td>{@code commandTimeout}</td><td>5 min</td><td>each reply to EHLO, STARTTLS, MAIL, RCPT, RSET,
 *       QUIT, from the command's write to the reply's last line</td></tr>
 *   <tr><td>{@code startTlsTimeout}</td><td>300 s</td><td>the STARTTLS upgrade, from the command to the end of
 *       the handshake</td></tr>
 *   <tr><td>{@code handshakeTimeout}</td><td>30 s</td><td>the TLS handshake</td></tr>
 *   <tr><td>{@code dataInitiationTimeout}</td><td>2 min</td><td>the 354 reply to DATA</td></tr>
 *   <tr><td>{@code dataTerminationTimeout}</td><td>10 min</td><td>sending the message and its reply</td></tr>
 *   <tr><td>{@code connectionPermitTimeout}</td><td>10 min</td><td>the wait for one of
 *       {@code maxConnectionsPerHost} (20) connections to a server</td></tr>
 *   <tr><td>{@code domainSlotTimeout}</td><td>10 min</td><td>the wait for one of
 *       {@code maxDeliveriesPerDomain} (20) deliveries to a recipient domain</td></tr>
 *   <tr><td>{@code maxPendingSends}</td><td>10,000</td><td>sends in progress, from {@code send} to the report;
 *       past it {@code whenFull} decides: {@code FAIL_FAST} (default) or {@code WAIT}</td></tr>
 *   <tr><td>{@code pendingSendTimeout}</td><td>10 min</td><td>the wait for room under {@code WAIT}</td></tr>
 *   <tr><td>{@code maxReplyLineLength}</td><td>2048 bytes</td><td>a reply line</td></tr>
 *   <tr><td>{@code maxReplyLines}</td><td>100</td><td>the lines of one reply</td></tr>
 * </table>
 * After an attempt ends, whatever the reason, its connection permit and its domain's delivery slot are free.
 *
 * <p>The report has one {@link RecipientResult} per recipient: DELIVERED, FAILED (an envelope address refused
 * before sending, IN-1; 5xx to MAIL, RCPT or the message; null MX) or DEFERRED (4xx, DNS failures, connection,
 * STARTTLS or DANE failures on every route; a send refused by the back-pressure limit), with every attempt
 * made (OUT-1); the engine alone builds it. Simultaneous connections to one server are bounded
 * ({@link Builder#maxConnectionsPerHost(int)}), and so are deliveries in progress to one recipient domain
 * ({@link Builder#maxDeliveriesPerDomain(int)}) and sends in progress ({@link Builder#maxPendingSends(int)}:
 * past it a send fails fast or waits, as {@link Builder#whenFull(WhenFull)} says).
 *
 * <p>Connection reuse (checklist TLS-6): after a transaction the client sends RSET and keeps the connection
 * idle for {@link Builder#idleConnectionTime(Duration)} (default 2 s, as Postfix's
 * {@code smtp_connection_cache_time_limit}); the next message is sent over it only if its route has the same
 * server address, host name, TLSA base domain, requirement, secure TLSA RRset and MX security — everything
 * the handshake's verification depended on. Anything else (another requirement, a TLSA rollover, an insecure
 * MX) opens a new connection with a new handshake and a new verification. TLS sessions are never resumed
 * across connections (one shared context per TLS provider, JDK or OpenSSL, whose engines are never given a peer
 * host to look a session up by; OpenSSL's session cache is off), so every new connection is verified in full. A connection carries at most {@link Builder#maxMessagesPerConnection(int)} messages and is not reused
 * after {@link Builder#connectionReuseTimeLimit(Duration)}.
 *
 * <p>The returned futures complete on an event loop or DNS thread: do no blocking work in their callbacks
 * (use the {@code *Async} variants with your own executor).
 */
public final class DaneSmtpClient implements AutoCloseable {
  /**
   * The default of {@code connectionPermitTimeout} and {@code domainSlotTimeout}, the waits for a free
   * connection to a server and for a free delivery slot of a domain: 10 minutes.
   */
  public static final Duration DEFAULT_QUEUE_TIMEOUT = Duration.ofMinutes(10);

  /** The default of {@link Builder#maxPendingSends(int)}. */
  public static final int DEFAULT_MAX_PENDING_SENDS = 10_000;

  /**
   * The default of {@code maxConnectionsPerHost}: 20 simultaneous connections to one server, as Postfix's
   * {@code default_destination_concurrency_limit} and as {@link #DEFAULT_MAX_DELIVERIES_PER_DOMAIN}, so that one
   * busy destination is not held below the per-domain limit by the per-server one (before issue #17: 10).
   */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_HOST = 20;

  /** The default of {@code maxDeliveriesPerDomain}: 20 deliveries in progress to one recipient domain. */
  public static final int DEFAULT_MAX_DELIVERIES_PER_DOMAIN = 20;

  /**
   * The default number of event-loop threads of a client's own group: {@link Runtime#availableProcessors()}
   * (at least 1, at most 256), read when a builder is made (before issue #17: 1). Netty's own default is twice that;
   * one per processor is enough for TLS handshakes, which are CPU work without blocking.
   */
  public static int defaultThreads() {
    return Math.max(1, Math.min(256, Runtime.getRuntime().availableProcessors()));
  }

  /**
   * What {@link #send} does when {@link Builder#maxPendingSends(int)} sends are in progress (back-pressure).
   * Either way nothing waits without a bound, and a send that is refused sends nothing: its report has every
   * recipient DEFERRED with a reason naming the limit, so the caller can retry them later.
   */
  public enum WhenFull {
    /** Refuse the send at once (the default): the future completes immediately with every recipient deferred. */
    FAIL_FAST,
    /**
     * Wait, without blocking the caller (the future completes later), for a send in progress to end; at most
     * {@code maxPendingSends} sends wait, each at most {@link Builder#pendingSendTimeout(Duration)}; past
     * either bound the send is refused as with {@link #FAIL_FAST}. A waiting send keeps its message in memory.
     */
    WAIT
  }

  private final DeliveryPlanner planner;
  private final EventLoopGroup group;
  private final boolean ownsGroup;
  private final ClientSettings settings;
  private final ConnectionPool pool;
  private final DomainLimiter domains;
  private final SendLimiter sends;
  private final NettySession session;
  private final DeliveryEngine engine;

  private DaneSmtpClient(Builder b) {
    this.planner = b.mtaSts == null ? b.planner : b.planner.withMtaSts(b.mtaSts);
    this.ownsGroup = b.group == null;
    this.group = ownsGroup ? EventLoops.nio(b.threads) : b.group;
    this.settings = new ClientSettings(b.ehloName, b.mxPort, b.connectTimeout, b.greetingTimeout, b.commandTimeout,
        b.dataInitiationTimeout, b.dataTerminationTimeout, b.handshakeTimeout, b.startTlsTimeout, b.maxReplyLineLength,
        b.maxReplyLines, b.idleConnectionTime, b.maxMessagesPerConnection, b.connectionReuseTimeLimit,
        b.sslProvider == null ? DaneSslHandlers.defaultProvider() : b.sslProvider, b.clock);
    this.pool = new ConnectionPool(b.maxConnectionsPerHost, b.idleConnectionTime, b.connectionPermitTimeout, group);
    this.domains = new DomainLimiter(b.maxDeliveriesPerDomain, b.domainSlotTimeout, group);
    this.sends = new SendLimiter(b.maxPendingSends, b.whenFull, b.pendingSendTimeout, group);
    this.session = new NettySession(settings, group, pool);
    DeliveryEngine.Builder engineBuilder = DeliveryEngine.builder(planner, session).listener(b.listener)
        .cleartextRetry(b.opportunisticCleartextRetry).tlsFloor(b.tlsFloor).domainGate(domains).mxPort(b.mxPort)
        .planTimeout(b.planTimeout).honourTlsRequiredNo(b.honourTlsRequiredNo);
    b.requireTlsPolicies.forEach(engineBuilder::requireTlsPolicy);
    this.engine = engineBuilder.build();
  }

  /** A builder planning with {@code DeliveryPlanner.of(resolver)} (mode {@code dane}). */
  public static Builder builder(DaneResolver resolver) {
    return new Builder(DeliveryPlanner.of(Objects.requireNonNull(resolver, "resolver")));
  }

  /** A builder planning with the given planner (another mode, a fixed clock). */
  public static Builder builder(DeliveryPlanner planner) {
    return new Builder(Objects.requireNonNull(planner, "planner"));
  }

  /**
   * Sends a message to its recipients' MX hosts.
   *
   * <p>The envelope is checked before any DNS lookup or connection ({@link Envelope}, checklist IN-1): a
   * recipient that cannot be handled (bad syntax, a control character, too long, an address literal) is
   * reported {@code FAILED} with the reason and the others are delivered; a sender that cannot be used fails
   * every recipient the same way and nothing is sent. A domain whose planning or delivery ends with an
   * unexpected error has its recipients reported {@code DEFERRED} with the error; the future never fails
   * because of one domain, so the report of the domains delivered is never lost. When
   * {@link Builder#maxPendingSends(int)} sends are in progress, the send is refused at once
   * ({@link WhenFull#FAIL_FAST}) or waits for room ({@link WhenFull#WAIT}, bounded by
   * {@link Builder#pendingSendTimeout(Duration)}); a refused send has every recipient {@code DEFERRED} with a
   * reason naming the limit, and nothing was looked up or sent.
   *
   * @param envelopeFrom the envelope sender ({@code ""} for the null reverse-path)
   * @param recipients the envelope recipients, at least one; each is reported once (compared without case)
   * @param message the RFC 5322 message; line endings are normalised to CRLF and leading dots doubled
   * @return the per-recipient report, in the order of the recipients; completes normally, failures included
   * @throws IllegalArgumentException when there is no recipient (nothing is sent)
   */
  public CompletableFuture<DeliveryReport> send(String envelopeFrom, List<String> recipients, byte[] message) {
    return send(envelopeFrom, recipients, message, RequireTls.NONE);
  }

  /**
   * As {@link #send(String, List, byte[])}, with a per-message TLS requirement (RFC 8689; checklist RTLS-1,
   * RTLS-2): {@link RequireTls#REQUIRETLS} when the application asks for it or when an MTA relays a message it
   * received with the {@code REQUIRETLS} MAIL parameter; the message's own {@code Require-TLS-ESMTP: Yes} and
   * {@code TLS-Required: No} headers count too, the strongest winning.
   */
  public CompletableFuture<DeliveryReport> send(String envelopeFrom, List<String> recipients, byte[] message,
      RequireTls requireTls) {
    Objects.requireNonNull(message, "message");
    Envelope envelope = Envelope.of(envelopeFrom, recipients).withRequireTls(requireTls);
    byte[] copy = message.clone();
    if (envelope.domains().isEmpty()) { // every recipient refused (IN-1): nothing to send, no room taken
      return engine.send(envelope, copy);
    }
    return sends.submit(() -> engine.send(envelope, copy),
        reason -> envelope.deferredReport(reason, planner.dnssec()));
  }

  /** The per-domain delivery limiter (for tests). */
  DomainLimiter domains() {
    return domains;
  }

  /** The client's session implementation (for tests: probes, cleartext requests). */
  NettySession session() {
    return session;
  }

  /** The bound on sends in progress (for tests). */
  SendLimiter sends() {
    return sends;
  }

  /** The connection pool (for tests and benchmarks). */
  ConnectionPool pool() {
    return pool;
  }

  /**
   * Closes the idle connections (with QUIT) and shuts down the event loop group if the client created it.
   * Deliveries still in progress are not waited for.
   */
  @Override
  public void close() {
    pool.close();
    if (ownsGroup) {
      group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  /** Settings of a {@link DaneSmtpClient}; each is checked when set (RFC 5321 §4.5.3 for the limits). */
  public static final class Builder {
    private final DeliveryPlanner planner;
    private MtaSts mtaSts;
    private EventLoopGroup group;
    private int threads = defaultThreads();
    private String ehloName;
    private int mxPort = 25;
    private Duration connectTimeout = SmtpLimits.DEFAULT_CONNECT_TIMEOUT;
    private Duration greetingTimeout = SmtpLimits.DEFAULT_REPLY_TIMEOUT;
    private Duration commandTimeout = SmtpLimits.DEFAULT_REPLY_TIMEOUT;
    private Duration dataInitiationTimeout = SmtpLimits.DEFAULT_DATA_INITIATION_TIMEOUT;
    private Duration dataTerminationTimeout = SmtpLimits.DEFAULT_DATA_TERMINATION_TIMEOUT;
    private Duration handshakeTimeout = DaneSslHandlers.DEFAULT_HANDSHAKE_TIMEOUT;
    private Duration startTlsTimeout = StartTlsUpgrade.DEFAULT_TIMEOUT;
    private Duration connectionPermitTimeout = DEFAULT_QUEUE_TIMEOUT;
    private Duration domainSlotTimeout = DEFAULT_QUEUE_TIMEOUT;
    private int maxReplyLineLength = SmtpLimits.DEFAULT_MAX_REPLY_LINE_LENGTH;
    private int maxReplyLines = SmtpLimits.DEFAULT_MAX_REPLY_LINES;
    private int maxConnectionsPerHost = DEFAULT_MAX_CONNECTIONS_PER_HOST;
    private int maxDeliveriesPerDomain = DEFAULT_MAX_DELIVERIES_PER_DOMAIN;
    private Duration idleConnectionTime = Duration.ofSeconds(2);
    private int maxMessagesPerConnection = 100;
    private Duration connectionReuseTimeLimit = Duration.ofSeconds(300);
    private SslProvider sslProvider;
    private DeliveryListener listener = DeliveryListener.none();
    private boolean opportunisticCleartextRetry = true;
    private boolean tlsFloor;
    private Clock clock = Clock.systemUTC();
    private int maxPendingSends = DEFAULT_MAX_PENDING_SENDS;
    private WhenFull whenFull = WhenFull.FAIL_FAST;
    private Duration pendingSendTimeout = DEFAULT_QUEUE_TIMEOUT;
    private Duration planTimeout = DeliveryEngine.DEFAULT_PLAN_TIMEOUT;

    private boolean honourTlsRequiredNo = true;
    private final java.util.Map<String, RequireTlsPolicy> requireTlsPolicies = new java.util.LinkedHashMap<>();

    /**
     * The REQUIRETLS policy of one recipient domain (RFC 8689 §4.2.1; RTLS-1): {@link RequireTlsPolicy#ENFORCE}
     * for every domain not named; {@link RequireTlsPolicy#OPPORTUNISTIC} for internal hops
     * ({@link DeliveryEngine.Builder#requireTlsPolicy}).
     */
    public Builder requireTlsPolicy(String domain, RequireTlsPolicy policy) {
      Objects.requireNonNull(domain, "domain");
      requireTlsPolicies.put(domain, Objects.requireNonNull(policy, "policy"));
      return this;
    }

    /**
     * Whether a message's {@code TLS-Required: No} is honoured (RFC 8689 §5; RTLS-2,
     * {@link DeliveryEngine.Builder#honourTlsRequiredNo}); default true.
     */
    public Builder honourTlsRequiredNo(boolean honour) {
      this.honourTlsRequiredNo = honour;
      return this;
    }

    private Builder(DeliveryPlanner planner) {
      this.planner = planner;
    }

    /** The user's event loop group (NIO); not shut down by {@link #close()}. */
    public Builder eventLoopGroup(EventLoopGroup group) {
      this.group = Objects.requireNonNull(group, "group");
      return this;
    }

    /**
     * Threads of the client's own event loop group when none is given (1..256; default {@link #defaultThreads()},
     * the number of available processors). TLS handshakes run on these threads: with a handshake per message one
     * thread caps a busy destination at one core (issue #17).
     */
    public Builder threads(int threads) {
      if (threads < 1 || threads > 256) {
        throw new IllegalArgumentException("threads must be 1..256, got " + threads);
      }
      this.threads = threads;
      return this;
    }

    /** The EHLO name (a fully qualified host name of this client; required). */
    public Builder ehloName(String name) {
      this.ehloName = Envelope.checkEhloName(name); // a host name (A-labels) or an address literal
      return this;
    }

    /** The SMTP port of MX hosts (1..65535; default 25); for tests. Also the TLSA port ({@code _port._tcp}). */
    public Builder mxPort(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("mxPort must be 1..65535, got " + port);
      }
      this.mxPort = port;
      return this;
    }

    /** The TCP connect timeout, {@code connectTimeout} (default 30 s). */
    public Builder connectTimeout(Duration t) {
      this.connectTimeout = check("connectTimeout", t);
      return this;
    }

    /**
     * The wait for the greeting, {@code greetingTimeout} (RFC 5321 §4.5.3.2.1: 5 min): an overall deadline for
     * the whole reply, not reset by bytes trickling in.
     */
    public Builder greetingTimeout(Duration t) {
      this.greetingTimeout = check("greetingTimeout", t);
      return this;
    }

    /**
     * The wait for each reply to EHLO, STARTTLS, MAIL, RCPT, RSET, QUIT, {@code commandTimeout} (RFC 5321
     * §4.5.3.2.2/3: 5 min): an overall deadline from writing the command to the reply's last line.
     */
    public Builder commandTimeout(Duration t) {
      this.commandTimeout = check("commandTimeout", t);
      return this;
    }

    /** The wait for the 354 reply to DATA, {@code dataInitiationTimeout} (RFC 5321 §4.5.3.2.4: 2 min). */
    public Builder dataInitiationTimeout(Duration t) {
      this.dataInitiationTimeout = check("dataInitiationTimeout", t);
      return this;
    }

    /**
     * The wait for sending the message and its final reply, {@code dataTerminationTimeout} (RFC 5321
     * §4.5.3.2.5/6: 10 min).
     */
    public Builder dataTerminationTimeout(Duration t) {
      this.dataTerminationTimeout = check("dataTerminationTimeout", t);
      return this;
    }

    /** The TLS handshake timeout, {@code handshakeTimeout} (default 30 s), the trust manager's work included. */
    public Builder handshakeTimeout(Duration t) {
      this.handshakeTimeout = check("handshakeTimeout", t);
      return this;
    }

    /**
     * The deadline of the whole STARTTLS upgrade, {@code startTlsTimeout}: from writing STARTTLS to the end of
     * the TLS handshake (default {@link StartTlsUpgrade#DEFAULT_TIMEOUT}, 300 s, as Postfix's
     * {@code smtp_starttls_timeout}); within it, the reply is bounded by {@link #commandTimeout} and the
     * handshake by {@link #handshakeTimeout}, whichever ends first.
     */
    public Builder startTlsTimeout(Duration t) {
      this.startTlsTimeout = check("startTlsTimeout", t);
      return this;
    }

    /**
     * The longest a delivery attempt waits for a connection permit to a server that already has
     * {@link #maxConnectionsPerHost(int)} connections, {@code connectionPermitTimeout} (default
     * {@link DaneSmtpClient#DEFAULT_QUEUE_TIMEOUT}, 10 min); then that address is given up for this attempt,
     * as if it did not answer, and the next one is tried.
     */
    public Builder connectionPermitTimeout(Duration t) {
      this.connectionPermitTimeout = check("connectionPermitTimeout", t);
      return this;
    }

    /**
     * The longest a message waits for one of the {@link #maxDeliveriesPerDomain(int)} delivery slots of a
     * recipient domain, {@code domainSlotTimeout} (default {@link DaneSmtpClient#DEFAULT_QUEUE_TIMEOUT},
     * 10 min); then its recipients in that domain are deferred, without a connection.
     */
    public Builder domainSlotTimeout(Duration t) {
      this.domainSlotTimeout = check("domainSlotTimeout", t);
      return this;
    }

    /** The longest reply line accepted (512..65536 bytes; default 2048; RFC 5321 §4.5.3.1.5 says 512). */
    public Builder maxReplyLineLength(int n) {
      if (n < 512 || n > 65536) {
        throw new IllegalArgumentException("maxReplyLineLength must be 512..65536, got " + n);
      }
      this.maxReplyLineLength = n;
      return this;
    }

    /** The most lines in one reply (2..10000; default 100). */
    public Builder maxReplyLines(int n) {
      if (n < 2 || n > 10000) {
        throw new IllegalArgumentException("maxReplyLines must be 2..10000, got " + n);
      }
      this.maxReplyLines = n;
      return this;
    }

    /**
     * The most simultaneous connections to one server address and port (1..1000; default
     * {@link DaneSmtpClient#DEFAULT_MAX_CONNECTIONS_PER_HOST}, 20); further
     * sessions wait, without blocking, for one to end (RFC 5321 §4.5.4.1).
     */
    public Builder maxConnectionsPerHost(int n) {
      if (n < 1 || n > 1000) {
        throw new IllegalArgumentException("maxConnectionsPerHost must be 1..1000, got " + n);
      }
      this.maxConnectionsPerHost = n;
      return this;
    }

    /**
     * The most deliveries in progress to one recipient domain (1..10000; default 20, as Postfix's
     * {@code default_destination_concurrency_limit}); further messages to that domain wait, without blocking,
     * for one to end. Counted per message and domain, from planning to the last route tried.
     */
    public Builder maxDeliveriesPerDomain(int n) {
      if (n < 1 || n > 10000) {
        throw new IllegalArgumentException("maxDeliveriesPerDomain must be 1..10000, got " + n);
      }
      this.maxDeliveriesPerDomain = n;
      return this;
    }

    /**
     * How long a connection stays open, idle, for the next message to the same route (TLS-6); default 2 s;
     * {@link Duration#ZERO} turns connection reuse off (every message gets its own connection).
     */
    public Builder idleConnectionTime(Duration t) {
      Objects.requireNonNull(t, "idleConnectionTime");
      this.idleConnectionTime = t.isZero() ? t : check("idleConnectionTime", t);
      return this;
    }

    /** The most messages one connection carries (1..10000; default 100). */
    public Builder maxMessagesPerConnection(int n) {
      if (n < 1 || n > 10000) {
        throw new IllegalArgumentException("maxMessagesPerConnection must be 1..10000, got " + n);
      }
      this.maxMessagesPerConnection = n;
      return this;
    }

    /**
     * The age after which a connection takes no further message (default 300 s, as Postfix's
     * {@code smtp_connection_reuse_time_limit}).
     */
    public Builder connectionReuseTimeLimit(Duration t) {
      this.connectionReuseTimeLimit = check("connectionReuseTimeLimit", t);
      return this;
    }

    /**
     * The TLS engine: {@link SslProvider#JDK}, or {@link SslProvider#OPENSSL} (needs netty-tcnative); default
     * Netty's choice, OpenSSL when netty-tcnative loads (see {@link DaneSslHandlers}).
     *
     * @throws IllegalStateException when an OpenSSL provider is asked for and netty-tcnative is unavailable
     */
    public Builder sslProvider(SslProvider provider) {
      Objects.requireNonNull(provider, "provider");
      if (provider != SslProvider.JDK && !OpenSsl.isAvailable()) {
        throw new IllegalStateException("sslProvider " + provider + ": netty-tcnative is not available ("
            + OpenSsl.unavailabilityCause() + ")");
      }
      this.sslProvider = provider;
      return this;
    }

    /**
     * Hears every step of every delivery (plan, session, attempt, recipient), for logging, metrics and TLS
     * reports; default: none. It is called on event loop and DNS threads: it must be quick and never block.
     * An exception it throws is logged and changes no delivery.
     */
    public Builder listener(DeliveryListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Applies each recipient domain's MTA-STS policy (RFC 8461) per MX host, DANE first (checklist POL-3, STS-2),
     * as {@link DeliveryPlanner#withMtaSts(MtaSts)} plans it; off by default. The {@code MtaSts} (its policy cache,
     * extra trust anchors) is the caller's: the client never closes it. Under {@code enforce} a host without DANE
     * must match the policy's {@code mx} patterns and present a WebPKI-valid certificate for its MX name, or the
     * attempt fails with no message byte sent.
     */
    public Builder mtaSts(MtaSts sts) {
      this.mtaSts = Objects.requireNonNull(sts, "sts");
      return this;
    }

    /**
     * The clock the client reads time from: the age of a connection against {@link #connectionReuseTimeLimit}
     * (default the system clock in UTC; tests drive it). Waits and timeouts run on the event loop's scheduler.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * TLS mandatory on every route, DANE where DNS publishes it and at least encryption elsewhere (checklist
     * TLS-8; default false): a host without DANE that offers no STARTTLS, or whose handshake fails, is then
     * abandoned like a DANE host, and nothing is ever sent in cleartext.
     */
    public Builder tlsFloor(boolean floor) {
      this.tlsFloor = floor;
      return this;
    }

    /**
     * Whether an OPPORTUNISTIC route (no DANE for the host) whose TLS handshake failed is tried once more, at
     * the same address, without STARTTLS (default true, as Postfix at security level {@code may}). Turn it off
     * when the application must never send in cleartext after TLS was attempted. Never with {@link #tlsFloor};
     * DANE and ENCRYPT routes are never retried in cleartext, whatever this says (TLS-1).
     */
    public Builder opportunisticCleartextRetry(boolean retry) {
      this.opportunisticCleartextRetry = retry;
      return this;
    }

    /**
     * The most sends in progress at once, from {@link DaneSmtpClient#send} to its report (1..1,000,000;
     * default {@link DaneSmtpClient#DEFAULT_MAX_PENDING_SENDS}, 10,000): the client's back-pressure, so that a
     * caller faster than the network does not queue messages without a bound. Past it, {@link #whenFull}
     * decides.
     */
    public Builder maxPendingSends(int n) {
      if (n < 1 || n > 1_000_000) {
        throw new IllegalArgumentException("maxPendingSends must be 1..1000000, got " + n);
      }
      this.maxPendingSends = n;
      return this;
    }

    /**
     * What a send does past {@link #maxPendingSends(int)}: {@link WhenFull#FAIL_FAST} (default: its future
     * completes at once with every recipient deferred, the reason naming {@code maxPendingSends}) or
     * {@link WhenFull#WAIT} (its future waits, without blocking the caller, for a send to end, bounded by
     * {@link #pendingSendTimeout(Duration)}).
     */
    public Builder whenFull(WhenFull whenFull) {
      this.whenFull = Objects.requireNonNull(whenFull, "whenFull");
      return this;
    }

    /**
     * Under {@link WhenFull#WAIT}, the longest a send waits for room, {@code pendingSendTimeout} (default
     * {@link DaneSmtpClient#DEFAULT_QUEUE_TIMEOUT}, 10 min); then its recipients are deferred, unsent, with a
     * reason naming the limit.
     */
    public Builder pendingSendTimeout(Duration t) {
      this.pendingSendTimeout = check("pendingSendTimeout", t);
      return this;
    }

    /**
     * The longest wait for one recipient domain's plan (MX, addresses, TLSA lookups), {@code planTimeout}
     * (1 s .. 5 min; default {@link DeliveryEngine#DEFAULT_PLAN_TIMEOUT}, 60 s); then the domain's recipients
     * are deferred without a connection.
     */
    public Builder planTimeout(Duration t) {
      Objects.requireNonNull(t, "planTimeout");
      if (t.compareTo(Duration.ofSeconds(1)) < 0 || t.compareTo(Duration.ofMinutes(5)) > 0) {
        throw new IllegalArgumentException("planTimeout must be between 1 s and 5 min, got " + t);
      }
      this.planTimeout = t;
      return this;
    }

    private static Duration check(String what, Duration t) {
      Objects.requireNonNull(t, what);
      if (t.isNegative() || t.isZero() || t.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException(what + " must be between 0 and 1 hour (exclusive of 0), got " + t);
      }
      return t;
    }

    /**
     * The client.
     *
     * @throws IllegalStateException when no EHLO name was set
     */
    public DaneSmtpClient build() {
      if (ehloName == null) {
        throw new IllegalStateException("ehloName is required: the fully qualified name of this client");
      }
      return new DaneSmtpClient(this);
    }
  }
}
