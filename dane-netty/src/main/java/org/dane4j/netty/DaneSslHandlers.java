package org.dane4j.netty;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedTrustManager;
import org.dane4j.smtp.MxRoute;
import org.dane4j.smtp.RouteTrustManager;
import org.dane4j.smtp.SmtpLimits;
import org.dane4j.smtp.TlsRecipe;
import org.dane4j.smtp.TlsRequirement;
import org.dane4j.tlsa.DaneTrustManager;
import org.dane4j.tlsa.DaneVerification;

/**
 * Netty {@link SslHandler}s for a planned {@link MxRoute} (RFC 7672 §2.2, §8.1; checklist TLS-2, TLS-4,
 * TLS-5).
 *
 * <pre>{@code
 * DaneSslHandlers.RouteTls tls = DaneSslHandlers.forRoute(route, channel.alloc());
 * channel.pipeline().addFirst("ssl", tls.handler());   // after the 220 reply to STARTTLS
 * tls.handler().handshakeFuture().addListener(f -> tls.verification()...);
 * }</pre>
 *
 * <p>Each handler is in client mode with {@code startTls = false} and follows the route's {@link TlsRecipe}
 * ({@link MxRoute#tlsRecipe()}, the recipe every adapter shares):
 * <ul>
 *   <li>the route's own trust manager ({@link TlsRecipe#trustManager()}: DANE for DANE routes,
 *       unauthenticated for ENCRYPT and OPPORTUNISTIC), wrapped so the verification is recorded and any
 *       protocol older than TLS 1.2 is refused inside the handshake;</li>
 *   <li>protocols TLSv1.3 and TLSv1.2 only ({@link TlsRecipe#PROTOCOLS});</li>
 *   <li>{@code endpointIdentificationAlgorithm(null)}: Netty 4.2 sets HTTPS host-name checking by default
 *       for clients. With our own trust manager neither engine acts on it today (a DANE-EE server whose
 *       certificate names nothing we look for passes either way, TcnativeTest), but anything that honoured it
 *       would reject valid DANE-EE servers; the DANE trust manager does the name checks RFC 7672 asks for
 *       (DANE-TA only);</li>
 *   <li>SNI = {@link MxRoute#tlsaBaseDomain()} (TLSA-4), none for an address literal;</li>
 *   <li>no TLS session is ever resumed from another connection: every handshake runs the trust manager (a
 *       resumed session would skip it; TLS-6). With the JDK provider all handlers share one context whose
 *       engines are made without a peer host (the JDK looks sessions up by host and port) and whose trust
 *       manager dispatches to the connection's own; with OpenSSL each handler gets a new {@code SslContext}.</li>
 * </ul>
 *
 * <p><b>TLS provider.</b> Every property above holds, and is tested, with both Netty providers: the JDK's
 * {@code SSLEngine} and netty-tcnative's OpenSSL/BoringSSL engine (whose verify callback passes the engine to
 * the trust manager, so the TLS 1.2 floor still sees the handshake session's protocol). The methods without a
 * provider use Netty's own default, {@link SslContext#defaultClientProvider()}: {@link SslProvider#OPENSSL}
 * when netty-tcnative is on the class path and loads ({@link OpenSsl#isAvailable()}), else
 * {@link SslProvider#JDK}, decided once when this class initialises (normally on the thread that builds a
 * {@link DaneSmtpClient}, not an event loop: loading the native library reads files). Pass a provider to choose; {@link SslProvider#OPENSSL_REFCNT} works too, its engine
 * being released by the {@link SslHandler} when it leaves the pipeline (release the engine yourself if you
 * never add the handler); {@link SslProvider#OPENSSL} contexts free their native memory when garbage-collected.
 * The JDK provider gets its randomness from a DRBG seeded once, so that building a context on an event loop
 * does no file I/O there.
 *
 * <p>Security caveats: a handler from a DANE route is only as good as the plan it came from — plan with
 * DNSSEC validation and connect only to {@link MxRoute#addresses()}. For ENCRYPT and OPPORTUNISTIC routes
 * the handler encrypts but does not authenticate the server: a successful handshake there proves nothing
 * about the peer. Insert the handler only after the server's {@code 220} reply to STARTTLS, with no
 * buffered plaintext left ({@link StartTlsUpgrade} does this), and never send mail over a channel whose
 * handshake failed. Use a new handler per connection; do not share one between channels.
 */
public final class DaneSslHandlers {
  /** The default TLS handshake timeout ({@link SmtpLimits#DEFAULT_HANDSHAKE_TIMEOUT}, 30 s). */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = SmtpLimits.DEFAULT_HANDSHAKE_TIMEOUT;

  /**
   * The JDK provider's randomness. Without it each JDK context (one per connection, built on the event loop
   * when the 220 to STARTTLS arrives) makes a new NativePRNG in {@code SSLContext.init}, which reads
   * /dev/urandom with blocking file I/O on the event loop (found by BlockHoundTest). This DRBG (NIST SP 800-90A)
   * is seeded once, when this class initialises — normally on the thread that builds a
   * {@link DaneSmtpClient}, whose builder reads {@link #DEFAULT_HANDSHAKE_TIMEOUT} — and then needs no I/O.
   */
  private static final SecureRandom JDK_RANDOM = seededDrbg();

  /**
   * Netty's default client provider, resolved when this class initialises, with one throwaway context built:
   * the first OpenSSL use loads netty-tcnative's native library and initialises Netty classes that read files
   * and /dev/urandom, which must not happen on an event loop (found by BlockHoundTest).
   */
  private static final SslProvider DEFAULT_PROVIDER = warmedUpDefaultProvider();

  /**
   * The shared JDK context, built when this class initialises (not on an event loop: building a JDK context
   * looks up providers and may read files).
   */
  private static final SharedJdkContext JDK_SHARED = SharedJdkContext.INSTANCE;

  private DaneSslHandlers() {}

  /** The provider used when none is given: Netty's default, resolved when this class initialised. */
  public static SslProvider defaultProvider() {
    return DEFAULT_PROVIDER;
  }

  private static SslProvider warmedUpDefaultProvider() {
    SslProvider provider = SslContext.defaultClientProvider();
    if (provider != SslProvider.JDK) {
      try {
        ReferenceCountUtil.release(SslContextBuilder.forClient().sslProvider(provider).build());
      } catch (SSLException | RuntimeException e) {
        // not fatal: the first handler then does this work wherever it is built, and fails there if it must
      }
    }
    return provider;
  }

  private static SecureRandom seededDrbg() {
    try {
      SecureRandom random = SecureRandom.getInstance("DRBG");
      random.nextBytes(new byte[16]); // instantiates and seeds it now, not on an event loop
      return random;
    } catch (NoSuchAlgorithmException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** A handler and its recorded verification, for one connection on one route. */
  public static final class RouteTls {
    private final MxRoute route;
    private final SslHandler handler;
    private final X509ExtendedTrustManager trustManager;

    RouteTls(MxRoute route, SslHandler handler, X509ExtendedTrustManager trustManager) {
      this.route = route;
      this.handler = handler;
      this.trustManager = trustManager;
    }

    /** The route the handler is for. */
    public MxRoute route() {
      return route;
    }

    /** The client-mode SSL handler; add it to the front of the pipeline. */
    public SslHandler handler() {
      return handler;
    }

    /** The DANE verification of the server's chain, once the trust manager ran (DANE routes only). */
    public Optional<DaneVerification> verification() {
      if (trustManager instanceof RouteTrustManager r) {
        return r.verification();
      }
      return trustManager instanceof DaneTrustManager d ? d.lastVerification() : Optional.empty();
    }

    /** The chain the server presented, leaf first, once the route's trust manager ran; else empty. */
    java.util.List<java.security.cert.X509Certificate> presentedChain() {
      return trustManager instanceof RouteTrustManager r ? r.presentedChain() : java.util.List.of();
    }

    /** What an MTA-STS route's certificate check refused (report-only under {@code testing}), if anything. */
    java.util.Optional<org.dane4j.smtp.StsCertificateException> stsFailure() {
      return trustManager instanceof RouteTrustManager r ? r.stsFailure() : java.util.Optional.empty();
    }

    /** Whether the server was authenticated by DANE during the handshake. */
    public boolean authenticated() {
      if (trustManager instanceof RouteTrustManager r) {
        return r.authenticated();
      }
      return verification().map(DaneVerification::verified).orElse(false);
    }
  }

  /**
   * A handler for the route with the default handshake timeout, SNI = TLSA base domain, port of the route and
   * Netty's default provider (OpenSSL if available, else JDK).
   */
  public static RouteTls forRoute(MxRoute route, ByteBufAllocator alloc) {
    return forRoute(route, alloc, route.port(), DEFAULT_HANDSHAKE_TIMEOUT);
  }

  /**
   * A handler for the route with Netty's default provider (OpenSSL if available, else JDK).
   *
   * @param peerPort the server's port (used only by the OpenSSL provider, as its session cache key; JDK engines get no peer host)
   * @throws IllegalArgumentException for an UNUSABLE route, which must not be connected to
   * @throws IllegalStateException if the SSL context cannot be built
   */
  public static RouteTls forRoute(MxRoute route, ByteBufAllocator alloc, int peerPort, Duration handshakeTimeout) {
    return forRoute(route, alloc, peerPort, handshakeTimeout, DEFAULT_PROVIDER);
  }

  /**
   * A handler for the route with the given TLS provider.
   *
   * @param peerPort the server's port (used only by the OpenSSL provider, as its session cache key; JDK engines get no peer host)
   * @param provider {@link SslProvider#JDK}, or an OpenSSL provider (needs netty-tcnative)
   * @throws IllegalArgumentException for an UNUSABLE route, which must not be connected to
   * @throws IllegalStateException if the SSL context cannot be built, or OpenSSL is asked for and unavailable
   */
  public static RouteTls forRoute(MxRoute route, ByteBufAllocator alloc, int peerPort, Duration handshakeTimeout,
      SslProvider provider) {
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(alloc, "alloc");
    Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
    Objects.requireNonNull(provider, "provider");
    if (route.requirement() == TlsRequirement.UNUSABLE) {
      throw new IllegalArgumentException("route " + route.mxHost() + " is unusable: " + route.reason());
    }
    if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
      throw new IllegalArgumentException("handshakeTimeout must be positive, got " + handshakeTimeout);
    }
    TlsRecipe recipe = route.tlsRecipe(); // TLS-4, TLS-5: SNI, protocols, parameters, trust manager, from core
    RouteTls tls = create(route, recipe.trustManager(), alloc, recipe.sniName().orElse(null), peerPort,
        handshakeTimeout, provider);
    SSLEngine engine = tls.handler().engine();
    engine.setSSLParameters(recipe.applyTo(engine.getSSLParameters()));
    return tls;
  }

  /**
   * The handler for a trust manager: the route's {@link RouteTrustManager} (TLS 1.2 floor, DANE or
   * unauthenticated, recorded), or a bare {@link DaneTrustManager} in tests.
   */
  static RouteTls create(MxRoute route, X509ExtendedTrustManager trust, ByteBufAllocator alloc, String sni,
      int peerPort, Duration handshakeTimeout) {
    return create(route, trust, alloc, sni, peerPort, handshakeTimeout, DEFAULT_PROVIDER);
  }

  /** As {@link #create(MxRoute, X509ExtendedTrustManager, ByteBufAllocator, String, int, Duration)}, one provider. */
  static RouteTls create(MxRoute route, X509ExtendedTrustManager trust, ByteBufAllocator alloc, String sni,
      int peerPort, Duration handshakeTimeout, SslProvider provider) {
    if (provider != SslProvider.JDK && !OpenSsl.isAvailable()) {
      throw new IllegalStateException("TLS provider " + provider + " asked for but netty-tcnative is not available",
          OpenSsl.unavailabilityCause());
    }
    X509ExtendedTrustManager tm = trust;
    SslHandler handler;
    if (provider == SslProvider.JDK) {
      handler = JDK_SHARED.newHandler(alloc, tm, sni);
    } else {
      SslContext context;
      try {
        context = SslContextBuilder.forClient()
            .sslProvider(provider)
            .trustManager(tm)
            .protocols(TlsRecipe.PROTOCOLS)
            .endpointIdentificationAlgorithm(null) // Netty's client default is HTTPS; the recipe has none (TLS-4)
            .build();
      } catch (SSLException e) {
        throw new IllegalStateException("cannot build the TLS context for " + (sni == null ? "an address literal"
            : sni) + ": " + e, e);
      }
      try {
        handler = context.newHandler(alloc, sni, peerPort);
      } finally {
        ReferenceCountUtil.release(context); // OPENSSL_REFCNT: the engine holds its own reference; others: no-op
      }
    }
    handler.setHandshakeTimeoutMillis(handshakeTimeout.toMillis());
    return new RouteTls(route, handler, tm);
  }

  /**
   * The one JDK {@link SslContext} every JDK connection shares (issue #17: building an {@code SSLContext} per
   * connection cost a few per cent of the client's CPU per handshake). Sharing it must change nothing a
   * per-connection context guaranteed:
   * <ul>
   *   <li><b>No resumption (TLS-6).</b> Engines are created without a peer host and port, so the JDK's client
   *       never looks a session up to resume (its client cache is keyed by host and port) and every handshake
   *       runs the connection's trust manager; SNI comes from the engine's {@code SSLParameters} instead
   *       (the recipe's, or {@link #sniParameters}). The session cache holds at most one session, so
   *       nothing accumulates in it.</li>
   *   <li><b>The connection's own trust manager.</b> The context's trust manager looks up the one registered
   *       for the {@link SSLEngine} that is handshaking (the JDK passes the engine to
   *       {@link X509ExtendedTrustManager#checkServerTrusted(X509Certificate[], String, SSLEngine)}); an engine
   *       with none registered, or a call without an engine, is refused. Registrations are held weakly by
   *       engine, so they go with the connection.</li>
   * </ul>
   */
  static final class SharedJdkContext {
    static final SharedJdkContext INSTANCE = new SharedJdkContext();

    private final Map<SSLEngine, X509ExtendedTrustManager> trust = Collections.synchronizedMap(new WeakHashMap<>());
    private final SslContext context;

    private SharedJdkContext() {
      try {
        context = SslContextBuilder.forClient()
            .sslProvider(SslProvider.JDK)
            .secureRandom(JDK_RANDOM)
            .trustManager(new PerEngineTrust(trust))
            .protocols(TlsRecipe.PROTOCOLS)
            .endpointIdentificationAlgorithm(null) // Netty's client default is HTTPS; the recipe has none (TLS-4)
            .sessionCacheSize(1)
            .build();
      } catch (SSLException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    SslHandler newHandler(ByteBufAllocator alloc, X509ExtendedTrustManager tm, String sni) {
      SslHandler handler = context.newHandler(alloc); // no peer host: never a resumption lookup (TLS-6)
      SSLEngine engine = handler.engine();
      engine.setSSLParameters(sniParameters(engine.getSSLParameters(), sni));
      trust.put(engine, tm);
      return handler;
    }

    /** The number of engines with a registered trust manager that are not yet collected (tests). */
    int registered() {
      synchronized (trust) {
        return trust.size();
      }
    }
  }

  /** The parameters with SNI = {@code sni} (none for null). */
  static javax.net.ssl.SSLParameters sniParameters(javax.net.ssl.SSLParameters p, String sni) {
    p.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
    return p;
  }

  /** The shared context's trust manager: the registered one of the handshaking engine, or a refusal. */
  private static final class PerEngineTrust extends X509ExtendedTrustManager {
    private final Map<SSLEngine, X509ExtendedTrustManager> trust;

    PerEngineTrust(Map<SSLEngine, X509ExtendedTrustManager> trust) {
      this.trust = trust;
    }

    private X509ExtendedTrustManager of(SSLEngine engine) throws CertificateException {
      X509ExtendedTrustManager tm = engine == null ? null : trust.get(engine);
      if (tm == null) {
        throw new CertificateException("no trust manager registered for this TLS engine; refusing");
      }
      return tm;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      of(engine).checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("the shared JDK context serves SSLEngines only; refusing");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("no TLS engine given; refusing");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("client mode only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("client mode only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("client mode only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
