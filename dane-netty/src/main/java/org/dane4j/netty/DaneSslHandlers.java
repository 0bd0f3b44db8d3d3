package org.dane4j.netty;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslSessionContext;
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
 *       resumed session would skip it; TLS-6). With every provider all handlers share one context per provider
 *       ({@code SharedContext}) whose engines are made without a peer host (both providers' client session
 *       caches look sessions up by host and port; OpenSSL's is also switched off) and whose trust manager
 *       dispatches to the connection's own.</li>
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
 * never add the handler); {@link SslProvider#OPENSSL} engines free their native memory when garbage-collected.
 * The one shared context per OpenSSL provider is never released: it lives as long as this class.
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
   * The JDK provider's randomness. Without it a JDK context (once one per connection, built on the event loop
   * when the 220 to STARTTLS arrived) makes a new NativePRNG in {@code SSLContext.init}, which reads
   * /dev/urandom with blocking file I/O on the event loop (found by BlockHoundTest). This DRBG (NIST SP 800-90A)
   * is seeded once, when this class initialises — normally on the thread that builds a
   * {@link DaneSmtpClient}, whose builder reads {@link #DEFAULT_HANDSHAKE_TIMEOUT} — and then needs no I/O.
   */
  private static final SecureRandom JDK_RANDOM = seededDrbg();

  /** Netty's default client provider, resolved when this class initialises. */
  private static final SslProvider DEFAULT_PROVIDER = SslContext.defaultClientProvider();

  /**
   * The shared contexts ({@code SharedContext}), built when this class initialises (not on an event loop:
   * building a JDK context looks up providers and may read files; the first OpenSSL context loads
   * netty-tcnative's native library and initialises Netty classes that read files and /dev/urandom, found by
   * BlockHoundTest).
   */
  private static final SharedContext JDK_SHARED = new SharedContext(SslProvider.JDK);
  private static final SharedContext OPENSSL_SHARED = new SharedContext(SslProvider.OPENSSL);
  private static final SharedContext OPENSSL_REFCNT_SHARED = new SharedContext(SslProvider.OPENSSL_REFCNT);

  private DaneSslHandlers() {}

  /** The provider used when none is given: Netty's default, resolved when this class initialised. */
  public static SslProvider defaultProvider() {
    return DEFAULT_PROVIDER;
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
   * @param peerPort the server's port; not used (no engine gets a peer host, so that no session is ever
   *     looked up for resumption, TLS-6), kept for compatibility
   * @throws IllegalArgumentException for an UNUSABLE route, which must not be connected to
   * @throws IllegalStateException if the provider's shared TLS context could not be built
   */
  public static RouteTls forRoute(MxRoute route, ByteBufAllocator alloc, int peerPort, Duration handshakeTimeout) {
    return forRoute(route, alloc, peerPort, handshakeTimeout, DEFAULT_PROVIDER);
  }

  /**
   * A handler for the route with the given TLS provider.
   *
   * @param peerPort the server's port; not used (no engine gets a peer host, so that no session is ever
   *     looked up for resumption, TLS-6), kept for compatibility
   * @param provider {@link SslProvider#JDK}, or an OpenSSL provider (needs netty-tcnative)
   * @throws IllegalArgumentException for an UNUSABLE route, which must not be connected to
   * @throws IllegalStateException if the provider's shared TLS context could not be built, or OpenSSL is asked
   *     for and netty-tcnative is unavailable
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
    SslHandler handler = SharedContext.of(provider).newHandler(alloc, trust, sni);
    handler.setHandshakeTimeoutMillis(handshakeTimeout.toMillis());
    return new RouteTls(route, handler, trust);
  }

  /**
   * One {@link SslContext} per TLS provider, shared by every connection of that provider in the JVM (issue #17:
   * building a context per connection cost a few per cent of the client's CPU per handshake with the JDK, and
   * an OpenSSL {@code SSL_CTX} per connection more). Sharing it must change nothing a per-connection context
   * guaranteed, and the rules are the same for every provider:
   * <ul>
   *   <li><b>No resumption (TLS-6).</b> Engines are created without a peer host and port. Both client session
   *       caches are keyed by host and port (the JDK's, and netty-tcnative's {@code OpenSslClientSessionCache}),
   *       so no session is ever looked up to resume, and none is stored under a key, and every handshake runs
   *       the connection's trust manager. Besides, the cache holds at most one session and, for OpenSSL, is
   *       switched off ({@link OpenSslSessionContext#setSessionCacheEnabled}{@code (false)}:
   *       {@code SSL_SESS_CACHE_OFF}, so a TLS 1.3 ticket is not even handed to Java). Netty leaves
   *       {@code SSL_OP_NO_TICKET} set for clients unless the JVM-wide
   *       {@code jdk.tls.client.enableSessionTicketExtension} is true; either way a ticket is never used. SNI
   *       comes from the engine's {@code SSLParameters} (the recipe's, or {@link #sniParameters}), which both
   *       providers honour.</li>
   *   <li><b>The connection's own trust manager.</b> The context's trust manager looks up the one registered
   *       for the {@link SSLEngine} that is handshaking: both providers pass to
   *       {@link X509ExtendedTrustManager#checkServerTrusted(X509Certificate[], String, SSLEngine)} the very
   *       engine the {@link SslHandler} holds (the JDK's, or netty-tcnative's {@code ReferenceCountedOpenSslEngine}
   *       found by its native {@code SSL*}). An engine with none registered, or a call without an engine, is
   *       refused. Registrations are held weakly by engine, so they go with the connection.</li>
   *   <li><b>Native memory.</b> The shared contexts live as long as this class and are never released: one
   *       {@code SSL_CTX} per OpenSSL provider per class loader, whatever the number of clients (a
   *       {@link DaneSmtpClient} does not own it, so closing one frees nothing another uses). Each
   *       {@link SslProvider#OPENSSL_REFCNT} engine holds its own reference to the context and releases it with
   *       its {@code SSL*} when the {@link SslHandler} leaves the pipeline (or when the caller releases an engine
   *       never added); {@link SslProvider#OPENSSL} engines free theirs when garbage-collected.</li>
   * </ul>
   * For the OpenSSL providers the context is built when this class initialises if netty-tcnative is available
   * (never on an event loop: the first OpenSSL use loads the native library and reads files); if it is not,
   * or the build fails, asking for that provider fails with {@link IllegalStateException}.
   */
  static final class SharedContext {
    private final SslProvider provider;
    private final Map<SSLEngine, X509ExtendedTrustManager> trust = Collections.synchronizedMap(new WeakHashMap<>());
    private final SslContext context;
    private final RuntimeException failure;

    private SharedContext(SslProvider provider) {
      this.provider = provider;
      SslContext built = null;
      RuntimeException failed = null;
      try {
        if (provider != SslProvider.JDK && !OpenSsl.isAvailable()) {
          throw new IllegalStateException("TLS provider " + provider + " asked for but netty-tcnative is not "
              + "available", OpenSsl.unavailabilityCause());
        }
        built = build(provider, trust);
      } catch (SSLException | RuntimeException | LinkageError e) {
        if (provider == SslProvider.JDK) {
          throw new ExceptionInInitializerError(e);
        }
        failed = e instanceof IllegalStateException ise ? ise
            : new IllegalStateException("cannot build the shared " + provider + " TLS context: " + e, e);
      }
      this.context = built;
      this.failure = failed;
    }

    private static SslContext build(SslProvider provider, Map<SSLEngine, X509ExtendedTrustManager> trust)
        throws SSLException {
      SslContextBuilder builder = SslContextBuilder.forClient()
          .sslProvider(provider)
          .trustManager(new PerEngineTrust(trust))
          .protocols(TlsRecipe.PROTOCOLS)
          .endpointIdentificationAlgorithm(null) // Netty's client default is HTTPS; the recipe has none (TLS-4)
          .sessionCacheSize(1);
      if (provider == SslProvider.JDK) {
        builder.secureRandom(JDK_RANDOM);
      }
      SslContext context = builder.build();
      if (provider != SslProvider.JDK) {
        OpenSslSessions.disableCache(context);
      }
      return context;
    }

    /** Kept apart so that the JDK path never loads a class that needs netty-tcnative's. */
    private static final class OpenSslSessions {
      static void disableCache(SslContext context) {
        // SSL_SESS_CACHE_OFF: no session stored or looked up, a TLS 1.3 ticket not even handed to Java (TLS-6)
        ((OpenSslSessionContext) context.sessionContext()).setSessionCacheEnabled(false);
      }
    }

    /** The provider's shared context, or an {@link IllegalStateException} saying why there is none. */
    static SharedContext of(SslProvider provider) {
      SharedContext shared = switch (provider) {
        case JDK -> JDK_SHARED;
        case OPENSSL -> OPENSSL_SHARED;
        case OPENSSL_REFCNT -> OPENSSL_REFCNT_SHARED;
      };
      if (shared.failure != null) {
        throw new IllegalStateException(shared.failure.getMessage(), shared.failure);
      }
      return shared;
    }

    /**
     * A handler whose engine has no peer host (never a resumption lookup, TLS-6), SNI = {@code sni} (none for
     * null) and {@code tm} registered as its trust manager.
     */
    SslHandler newHandler(ByteBufAllocator alloc, X509ExtendedTrustManager tm, String sni) {
      SslHandler handler = context.newHandler(alloc);
      SSLEngine engine = handler.engine();
      try {
        engine.setSSLParameters(sniParameters(engine.getSSLParameters(), sni));
      } catch (RuntimeException e) {
        ReferenceCountUtil.release(engine); // OPENSSL_REFCNT: never reaches a pipeline; others: no-op
        throw e;
      }
      trust.put(engine, tm);
      return handler;
    }

    /** The shared context itself (tests: an engine made from it directly has no registered trust manager). */
    SslContext context() {
      return context;
    }

    /** The number of engines with a registered trust manager that are not yet collected (tests). */
    int registered() {
      synchronized (trust) {
        return trust.size();
      }
    }

    @Override
    public String toString() {
      return "SharedContext[" + provider + "]";
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
      throw new CertificateException("the shared TLS context serves SSLEngines only; refusing");
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
