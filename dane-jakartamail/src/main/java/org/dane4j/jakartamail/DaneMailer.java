package org.dane4j.jakartamail;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.dane4j.delivery.DeliveryEngine;
import org.dane4j.delivery.DeliveryListener;
import org.dane4j.delivery.SessionRequest;
import org.dane4j.delivery.SessionResult;
import org.dane4j.dns.DaneResolver;
import org.dane4j.smtp.DaneMode;
import org.dane4j.smtp.DeliveryPlanner;
import org.dane4j.smtp.DeliveryReport;
import org.dane4j.smtp.Envelope;
import org.dane4j.smtp.RequireTls;
import org.dane4j.smtp.RequireTlsPolicy;
import org.dane4j.smtp.MxRoute;
import org.dane4j.smtp.ServerKeyType;
import org.dane4j.smtp.TlsRequirement;
import org.dane4j.smtp.SmtpLimits;
import org.dane4j.sts.MtaSts;

/**
 * Sends a message straight to the recipients' MX hosts with RFC 7672 DANE (direct mode), through the one
 * {@link DeliveryEngine} of dane-core: recipients are grouped by domain, each domain is planned with DNSSEC,
 * its routes and their addresses are tried in order with the route's requirement enforced — the next address
 * or MX host on a DANE failure or a transient error, never a retry of a host in cleartext or unauthenticated
 * when TLS is mandatory (checklist TLS-1). The engine decides; this class only runs SMTP sessions with Angus
 * Mail (the same session code as {@link DaneSmtpTransport}'s relay mode).
 *
 * <pre>{@code
 * try (DaneMailer mailer = DaneMailer.builder().ehloName("app.example.nl").build()) {
 *   DeliveryReport report = mailer.send(message);     // per recipient: delivered / deferred / failed
 *   mailer.sendAsync(other).thenAccept(r -> ...);    // the same, without blocking the caller
 * }
 * }</pre>
 *
 * <p><b>Thread-safe:</b> one mailer serves any number of threads sending at once; share it and close it once.
 * Its sessions run on its own pool of at most {@link Builder#threads} threads (default
 * {@value #DEFAULT_THREADS}): that is the most SMTP sessions it holds open at once, further sessions wait for
 * a thread. {@link #send} blocks the caller until the report is complete; {@link #sendAsync} does not.
 *
 * <p>The envelope is checked before any connection ({@link Envelope}, checklist IN-1): bad recipients are
 * reported failed, the others delivered; a report is returned even when a domain's planning fails.
 *
 * <p>Each reply is bounded as {@link SmtpLimits} says (line length, lines per reply, a deadline per reply;
 * checklist TLS-7): a server that floods or trickles has that attempt end with a reason naming the limit.
 * An application property {@code mail.smtp.starttls.required=true} or {@code mail.smtp.auth=true}
 * ({@link Builder#property}) makes TLS mandatory on every MX host, DANE or not, with no cleartext retry
 * ({@link DeliveryEngine.Builder#tlsFloor}, TLS-8).
 *
 * <p>{@link #sendOrThrow} is the {@code Transport.send}-style entry: it throws a
 * {@link DaneSendFailedException} carrying the same report when any recipient was not delivered.
 */
public final class DaneMailer implements AutoCloseable {
  /** The default of {@link Builder#threads}: the most SMTP sessions one mailer runs at once. */
  public static final int DEFAULT_THREADS = 20;
  /** Angus's own filter when it writes a message: these headers never go on the wire. */
  private static final String[] NOT_SENT = {"Bcc", "Content-Length"};
  private static final AtomicInteger MAILERS = new AtomicInteger();

  private final DaneResolver resolver;
  private final boolean ownsResolver;
  private final ExecutorService executor;
  /**
   * One timer for every session's write deadline ({@code mail.smtp.writetimeout}): without it Angus gives each
   * connection a scheduler thread of its own, started and stopped per message.
   */
  private final ScheduledThreadPoolExecutor writeDeadlines;
  private final AngusSession sessions;
  private final DeliveryEngine engine;
  /** The requirement of every message from {@code mail.smtp.dane.requiretls}; NONE by default. */
  private final RequireTls sessionRequireTls;
  private volatile boolean closed;

  private DaneMailer(Builder b) {
    this.ownsResolver = b.resolver == null;
    this.resolver = b.resolver != null ? b.resolver : DaneResolver.builder().build();
    DeliveryPlanner.Builder plans = DeliveryPlanner.builder(resolver).mode(b.mode).clock(b.clock);
    if (b.mtaSts != null) {
      plans.mtaSts(b.mtaSts);
    }
    DeliveryPlanner planner = plans.build();
    Properties properties = b.properties();
    DaneSettings.AppTls app = DaneSettings.AppTls.of(properties, false);
    int id = MAILERS.incrementAndGet();
    this.writeDeadlines = writeDeadlines(id);
    properties.put("mail.smtp.executor.writetimeout", writeDeadlines); // Angus's hook for a shared scheduler
    this.executor = executor(b.threads, id, writeDeadlines);
    this.sessions = new AngusSession(Session.getInstance(properties), executor);
    RequireTlsSettings rtls;
    try {
      rtls = RequireTlsSettings.of(properties);
    } catch (MessagingException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    this.sessionRequireTls = rtls.sessionRequirement();
    DeliveryEngine.Builder engineBuilder = DeliveryEngine.builder(planner, sessions)
        .mxPort(b.mxPort).planTimeout(b.planTimeout).tlsFloor(app.floor()).cleartextRetry(app.cleartextRetry())
        .listener(b.listener).honourTlsRequiredNo(b.honourTlsRequiredNo != null ? b.honourTlsRequiredNo
            : rtls.honourTlsRequiredNo());
    b.requireTlsPolicies.forEach(engineBuilder::requireTlsPolicy);
    this.engine = engineBuilder.build();
  }

  /** A builder; the EHLO name is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Sends to the message's own recipients (To, Cc, Bcc) from its first From address, as
   * {@link #send(MimeMessage, String, List)}.
   *
   * @throws MessagingException when the message has no From address or no recipient, or cannot be read
   */
  public DeliveryReport send(MimeMessage message) throws MessagingException {
    return sendAsync(message).join();
  }

  /**
   * Sends with an explicit envelope: sender and recipients (the message headers are not consulted).
   *
   * <p>The envelope is checked before any DNS lookup or connection ({@link Envelope}, checklist IN-1): a
   * recipient that cannot be handled (bad syntax, a control character, too long, an address literal) is
   * reported {@code FAILED} with the reason and the others are delivered; a sender that cannot be used fails
   * every recipient the same way and nothing is sent. Once the envelope is checked this method no longer
   * throws: a domain whose planning fails or times out, or whose delivery ends with an unexpected error, has
   * its recipients reported {@code DEFERRED} with the error, so that the report of domains already delivered
   * is never lost (a caller that retries would send duplicates).
   *
   * @param envelopeFrom the envelope sender ({@code ""} for the null reverse-path)
   * @param recipients the envelope recipients, at least one; each is reported once (compared without case)
   * @return one result per recipient, in the order given
   * @throws MessagingException when the message cannot be read, before anything is sent
   * @throws IllegalArgumentException when there is no recipient
   * @throws IllegalStateException when the mailer is closed
   */
  public DeliveryReport send(MimeMessage message, String envelopeFrom, List<String> recipients)
      throws MessagingException {
    return sendAsync(message, envelopeFrom, recipients).join();
  }

  /**
   * As {@link #send(MimeMessage)}, without blocking: the message is read now, on the calling thread; the
   * future completes with the report (never exceptionally) when every recipient has its result.
   *
   * @throws MessagingException when the message has no From address or no recipient, or cannot be read
   */
  public CompletableFuture<DeliveryReport> sendAsync(MimeMessage message) throws MessagingException {
    Address[] from = message.getFrom();
    if (from == null || from.length == 0) {
      throw new MessagingException("the message has no From address to use as envelope sender");
    }
    Address[] to = message.getAllRecipients();
    if (to == null || to.length == 0) {
      throw new MessagingException("the message has no recipients");
    }
    List<String> recipients = new ArrayList<>();
    for (Address a : to) {
      recipients.add(a instanceof InternetAddress ia ? ia.getAddress() : a.toString());
    }
    return sendAsync(message, from[0] instanceof InternetAddress ia ? ia.getAddress() : from[0].toString(),
        recipients);
  }

  /**
   * As {@link #send(MimeMessage, String, List)}, without blocking: the envelope is checked and the message
   * read now, on the calling thread; the future completes with the report, never exceptionally.
   */
  public CompletableFuture<DeliveryReport> sendAsync(MimeMessage message, String envelopeFrom,
      List<String> recipients) throws MessagingException {
    return sendAsync(message, envelopeFrom, recipients, RequireTls.NONE);
  }

  /**
   * As {@link #send(MimeMessage, String, List)}, with a per-message TLS requirement (RFC 8689; checklist
   * RTLS-1, RTLS-2): {@link RequireTls#REQUIRETLS} sends only over DANE-verified or MTA-STS-enforce routes to
   * servers that announce REQUIRETLS, else the recipient fails with {@code 5.7.30}. The message's own
   * {@code Require-TLS-ESMTP: Yes} and {@code TLS-Required: No} headers and
   * {@code mail.smtp.dane.requiretls} count too; the strongest wins.
   */
  public DeliveryReport send(MimeMessage message, String envelopeFrom, List<String> recipients,
      RequireTls requireTls) throws MessagingException {
    return sendAsync(message, envelopeFrom, recipients, requireTls).join();
  }

  /** As {@link #send(MimeMessage, String, List, RequireTls)}, without blocking. */
  public CompletableFuture<DeliveryReport> sendAsync(MimeMessage message, String envelopeFrom,
      List<String> recipients, RequireTls requireTls) throws MessagingException {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(requireTls, "requireTls");
    if (closed) {
      throw new IllegalStateException("this DaneMailer is closed");
    }
    Envelope checked = Envelope.of(envelopeFrom, recipients).withRequireTls(requireTls.and(sessionRequireTls));
    return engine.send(checked, bytes(message));
  }

  /**
   * Probes one address of a planned route with the same session code that sends: greeting, EHLO, STARTTLS
   * and the handshake with the route's trust manager as its requirement says, EHLO again, then QUIT instead
   * of MAIL ({@link SessionRequest#probe}). The future completes with what the session saw (TLS, the DANE
   * verification, where and why it ended), never exceptionally.
   *
   * @param route a route of a {@link org.dane4j.smtp.DeliveryPlan}
   * @param address one of the route's addresses
   * @throws IllegalArgumentException when the route is UNUSABLE: its DNS forbids contacting it (DNS-2)
   * @throws IllegalStateException when the mailer is closed
   */
  public CompletableFuture<SessionResult> probe(MxRoute route, InetAddress address) {
    if (closed) {
      throw new IllegalStateException("this DaneMailer is closed");
    }
    if (route.requirement() == TlsRequirement.UNUSABLE) {
      throw new IllegalArgumentException("route " + route.mxHost() + " is unusable, not contacted: " + route.reason());
    }
    return sessions.run(SessionRequest.probe(route, address));
  }

  /**
   * As {@link #probe(MxRoute, InetAddress)}, but the handshake asks the server for a certificate of one key
   * type only ({@link org.dane4j.smtp.TlsRecipe#restrictedTo}), so that a checker sees every certificate a
   * server holds (an RSA and an ECDSA one, each judged against the TLSA RRset; RFC 7671 §5.1). A server
   * without a certificate of that type fails the handshake: the result says so. Only for probes: mail is
   * always sent with the sender's full recipe.
   *
   * @throws IllegalArgumentException when the route is UNUSABLE, or this JDK cannot ask for {@code keyType}
   *     alone ({@link ServerKeyType#probeable()})
   * @throws IllegalStateException when the mailer is closed
   */
  public CompletableFuture<SessionResult> probe(MxRoute route, InetAddress address, ServerKeyType keyType) {
    if (closed) {
      throw new IllegalStateException("this DaneMailer is closed");
    }
    if (route.requirement() == TlsRequirement.UNUSABLE) {
      throw new IllegalArgumentException("route " + route.mxHost() + " is unusable, not contacted: " + route.reason());
    }
    if (!ServerKeyType.probeable().contains(java.util.Objects.requireNonNull(keyType, "keyType"))) {
      throw new IllegalArgumentException(keyType + " cannot be asked for alone on this JDK; probeable: "
          + ServerKeyType.probeable());
    }
    return sessions.probe(SessionRequest.probe(route, address), keyType);
  }

  /** The mailer's sessions (tests). */
  AngusSession sessions() {
    return sessions;
  }

  /** As {@link #send(MimeMessage)}, but throws when any recipient was not delivered. */
  public DeliveryReport sendOrThrow(MimeMessage message) throws MessagingException {
    DeliveryReport report = send(message);
    if (!report.allDelivered()) {
      throw new DaneSendFailedException(report);
    }
    return report;
  }

  /** The message as Angus would write it: without Bcc (nor Content-Length), CRLF line ends. */
  private static byte[] bytes(MimeMessage message) throws MessagingException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      message.writeTo(out, NOT_SENT);
    } catch (IOException e) {
      throw new MessagingException("cannot read the message: " + e.getMessage(), e);
    }
    return out.toByteArray();
  }

  /**
   * Refuses new sends, lets the session threads end once the sessions already started have ended, and closes
   * the resolver the mailer made (never one given to {@link Builder#resolver}). Close the mailer after the
   * sends whose reports you wait for: a send still planning when its mailer's own resolver closes has those
   * domains deferred with the error (never lost, never thrown).
   */
  @Override
  public void close() {
    closed = true;
    executor.shutdown();
    if (ownsResolver) {
      resolver.close();
    }
  }

  private static ExecutorService executor(int threads, int mailer, ScheduledThreadPoolExecutor writeDeadlines) {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "dane4j-mailer-" + mailer + "-session-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        }) {
      @Override
      protected void terminated() { // closed, and the last session ended: no write is left to time
        writeDeadlines.shutdown();
      }
    };
    pool.allowCoreThreadTimeOut(true); // an idle mailer holds no thread
    return pool;
  }

  private static ScheduledThreadPoolExecutor writeDeadlines(int mailer) {
    ScheduledThreadPoolExecutor timer = new WriteDeadlines(r -> {
      Thread t = new Thread(r, "dane4j-mailer-" + mailer + "-write-deadlines");
      t.setDaemon(true);
      return t;
    });
    timer.setRemoveOnCancelPolicy(true); // each write's deadline is cancelled when the write returns
    timer.setKeepAliveTime(60, TimeUnit.SECONDS);
    timer.allowCoreThreadTimeOut(true);
    return timer;
  }

  /** The write-deadline timer, counting the deadlines set (tests check that Angus uses it). */
  static final class WriteDeadlines extends ScheduledThreadPoolExecutor {
    final java.util.concurrent.atomic.LongAdder scheduled = new java.util.concurrent.atomic.LongAdder();

    WriteDeadlines(java.util.concurrent.ThreadFactory threads) {
      super(1, threads);
    }

    @Override
    protected <V> java.util.concurrent.RunnableScheduledFuture<V> decorateTask(Runnable r,
        java.util.concurrent.RunnableScheduledFuture<V> task) {
      scheduled.increment();
      return task;
    }

    @Override
    protected <V> java.util.concurrent.RunnableScheduledFuture<V> decorateTask(
        java.util.concurrent.Callable<V> c, java.util.concurrent.RunnableScheduledFuture<V> task) {
      scheduled.increment();
      return task;
    }
  }

  /** The write-deadline timer (tests). */
  WriteDeadlines writeDeadlines() {
    return (WriteDeadlines) writeDeadlines;
  }

  /** Settings of a {@link DaneMailer}; each is checked when set. */
  public static final class Builder {
    private DaneResolver resolver;
    private DaneMode mode = DaneMode.DANE;
    private MtaSts mtaSts;
    private Clock clock = Clock.systemUTC();
    private String ehloName;
    private final Properties extra = new Properties();
    private int mxPort = 25;
    private Duration planTimeout = DeliveryEngine.DEFAULT_PLAN_TIMEOUT;
    private int threads = DEFAULT_THREADS;
    private DeliveryListener listener = DeliveryListener.none();
    private Duration connectTimeout = Duration.ofSeconds(30);
    private Duration readTimeout = Duration.ofMinutes(5);
    private Duration replyTimeout = SmtpLimits.DEFAULT_REPLY_TIMEOUT;
    private Duration handshakeTimeout = SmtpLimits.DEFAULT_HANDSHAKE_TIMEOUT;
    private Boolean honourTlsRequiredNo;
    private final java.util.Map<String, RequireTlsPolicy> requireTlsPolicies = new java.util.LinkedHashMap<>();

    private Builder() {}

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
     * {@link DeliveryEngine.Builder#honourTlsRequiredNo}); default true, or the property
     * {@code mail.smtp.dane.honour-tls-required-no}.
     */
    public Builder honourTlsRequiredNo(boolean honour) {
      this.honourTlsRequiredNo = honour;
      return this;
    }

    /** The resolver (shared, not closed by the mailer); by default one from /etc/resolv.conf, closed with it. */
    public Builder resolver(DaneResolver resolver) {
      this.resolver = Objects.requireNonNull(resolver, "resolver");
      return this;
    }

    /** The policy (POL-1); {@code dane} by default. */
    public Builder mode(DaneMode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Applies each recipient domain's MTA-STS policy (RFC 8461) per MX host, DANE first (checklist POL-3, STS-2);
     * off by default. The {@code MtaSts} (its policy cache, extra trust anchors) is the caller's: the mailer never
     * closes it. Under {@code enforce} a host without DANE must match the policy's {@code mx} patterns and present
     * a WebPKI-valid certificate for its MX name, or the attempt fails with no message byte sent.
     */
    public Builder mtaSts(MtaSts sts) {
      this.mtaSts = Objects.requireNonNull(sts, "sts");
      return this;
    }

    /** The clock DANE-TA paths are validated with. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The name sent in EHLO: this sender's own host name (required; never the JVM's guess). */
    public Builder ehloName(String name) {
      this.ehloName = Envelope.checkEhloName(name); // a host name (A-labels) or an address literal
      return this;
    }

    /** The port MX hosts are reached on (25; other values for test networks); TLSA follows the port. */
    public Builder mxPort(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("mxPort must be 1..65535, got " + port);
      }
      this.mxPort = port;
      return this;
    }

    /** Connect timeout (1 s..5 min; default 30 s). */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = checked("connectTimeout", timeout, Duration.ofMinutes(5));
      return this;
    }

    /** Read and write timeout per SMTP step (1 s..10 min; default 5 min, RFC 5321 §4.5.3.2). */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = checked("readTimeout", timeout, Duration.ofMinutes(10));
      return this;
    }

    /**
     * The longest one SMTP reply may take from the moment the mailer waits for it to its last byte, however
     * slowly the server trickles it (1 s..1 h; default {@link SmtpLimits#DEFAULT_REPLY_TIMEOUT}, 5 min; the
     * reply to the end of the message gets at least {@link SmtpLimits#DEFAULT_DATA_TERMINATION_TIMEOUT}).
     * Checklist TLS-7; {@link #readTimeout} still bounds each single read.
     */
    public Builder replyTimeout(Duration timeout) {
      this.replyTimeout = checked("replyTimeout", timeout, Duration.ofHours(1));
      return this;
    }

    /**
     * The longest the TLS handshake after STARTTLS may take in all, however slowly the server answers
     * (1 s..10 min; default {@link SmtpLimits#DEFAULT_HANDSHAKE_TIMEOUT}, 30 s). Checklist TLS-7; a crossed
     * deadline ends the attempt with a reason naming {@code handshakeTimeout}.
     */
    public Builder handshakeTimeout(Duration timeout) {
      this.handshakeTimeout = checked("handshakeTimeout", timeout, Duration.ofMinutes(10));
      return this;
    }

    /** The longest planning of one domain may take (1 s..5 min; default 60 s). */
    public Builder planTimeout(Duration timeout) {
      this.planTimeout = checked("planTimeout", timeout, Duration.ofMinutes(5));
      return this;
    }

    /**
     * The most SMTP sessions the mailer runs at once, each on a thread of its own (1..1000; default
     * {@value DaneMailer#DEFAULT_THREADS}); further sessions wait for a free thread. Threads end when idle.
     */
    public Builder threads(int threads) {
      if (threads < 1 || threads > 1000) {
        throw new IllegalArgumentException("threads must be 1..1000, got " + threads);
      }
      this.threads = threads;
      return this;
    }

    /** Hears every step of every delivery (metrics, TLS reports, logging of your own); default: none. */
    public Builder listener(DeliveryListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** An extra Jakarta Mail session property (e.g. {@code mail.debug}); DANE settings cannot be overridden. */
    public Builder property(String name, String value) {
      extra.setProperty(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** The mailer. */
    public DaneMailer build() {
      if (ehloName == null) {
        throw new IllegalStateException("set ehloName: the EHLO name must be this sender's host name");
      }
      return new DaneMailer(this);
    }

    private Properties properties() {
      Properties p = new Properties();
      p.putAll(extra);
      p.setProperty("mail.smtp.localhost", ehloName);
      p.setProperty("mail.smtp.connectiontimeout", Long.toString(connectTimeout.toMillis()));
      p.setProperty("mail.smtp.timeout", Long.toString(readTimeout.toMillis()));
      p.setProperty("mail.smtp.writetimeout", Long.toString(readTimeout.toMillis()));
      p.setProperty(DaneSettings.REPLY_TIMEOUT, Long.toString(replyTimeout.toSeconds()));
      p.setProperty(DaneSettings.HANDSHAKE_TIMEOUT, Long.toString(handshakeTimeout.toSeconds()));
      p.setProperty("mail.smtp.sendpartial", "true");
      p.setProperty("mail.smtp.quitwait", "false");
      p.remove("mail.smtp.ssl.enable");
      return p;
    }

    private static Duration checked(String name, Duration d, Duration max) {
      Objects.requireNonNull(d, name);
      if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(max) > 0) {
        throw new IllegalArgumentException(name + " must be 1 s.." + max.toMinutes() + " min, got " + d);
      }
      return d;
    }
  }
}
