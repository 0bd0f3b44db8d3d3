package org.dane4j.benchmarks;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import java.net.Socket;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.X509ExtendedTrustManager;
import org.dane4j.smtp.TlsRecipe;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-connection TLS set-up of the Netty client, before and after issue #17, outside any handshake:
 * {@code perConnectionContext} builds an {@code SslContext} per connection and makes the engine with a peer host
 * (the old {@code DaneSslHandlers.create}); {@code sharedContext} makes the engine from one shared context without
 * a peer host and registers the connection's trust manager by engine (the new one). Both then set SNI and the
 * protocols on the engine, as {@code TlsRecipe.applyTo} does. The {@code openSsl*} variants do the same with
 * netty-tcnative ({@code OPENSSL_REFCNT}, so that each engine, and before the change each context, is freed at
 * once as the {@code SslHandler} does when it leaves the pipeline, instead of by the finalizer); they need
 * netty-tcnative on the class path, which this jar does not hold (so that the default provider of the other
 * benchmarks stays the JDK's):
 *
 * <pre>
 * java -cp benchmarks.jar:netty-tcnative-classes-2.0.84.Final.jar:netty-tcnative-boringssl-static-2.0.84.Final-linux-x86_64.jar \
 *     org.openjdk.jmh.Main SslSetupBenchmark -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 6, time = 1)
public class SslSetupBenchmark {
  private final SecureRandom random = drbg();
  private final Map<SSLEngine, X509ExtendedTrustManager> registry = Collections.synchronizedMap(new WeakHashMap<>());
  private SslContext shared;
  private SslContext openSslShared;

  private static SecureRandom drbg() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Builds the shared context once. */
  @Setup
  public void setUp() throws Exception {
    shared = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).secureRandom(random)
        .trustManager(new NoTrust()).protocols(TlsRecipe.PROTOCOLS).endpointIdentificationAlgorithm(null)
        .sessionCacheSize(1).build();
    if (OpenSsl.isAvailable()) {
      openSslShared = openSslBuilder().sessionCacheSize(1).build();
      ((OpenSslSessionContext) openSslShared.sessionContext()).setSessionCacheEnabled(false);
    }
  }

  private static SslContextBuilder openSslBuilder() {
    if (!OpenSsl.isAvailable()) {
      throw new IllegalStateException("put netty-tcnative on the class path (see the class comment)",
          OpenSsl.unavailabilityCause());
    }
    return SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL_REFCNT).trustManager(new NoTrust())
        .protocols(TlsRecipe.PROTOCOLS).endpointIdentificationAlgorithm(null);
  }

  private static SslHandler params(SslHandler h) {
    SSLEngine e = h.engine();
    SSLParameters p = e.getSSLParameters();
    p.setServerNames(List.of(new SNIHostName("mx.example.test")));
    p.setProtocols(TlsRecipe.PROTOCOLS.toArray(new String[0]));
    p.setEndpointIdentificationAlgorithm(null);
    e.setSSLParameters(p);
    return h;
  }

  /** Before: a context per connection. */
  @Benchmark
  public SslHandler perConnectionContext() throws Exception {
    SslContext c = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).secureRandom(random)
        .trustManager(new NoTrust()).protocols(TlsRecipe.PROTOCOLS).endpointIdentificationAlgorithm(null).build();
    return params(c.newHandler(ByteBufAllocator.DEFAULT, "mx.example.test", 25));
  }

  /** After: one shared context, trust manager registered by engine. */
  @Benchmark
  public SslHandler sharedContext() {
    SslHandler h = params(shared.newHandler(ByteBufAllocator.DEFAULT));
    registry.put(h.engine(), new NoTrust());
    return h;
  }

  /** The shared context's engine alone, without registering a trust manager (to split the cost). */
  @Benchmark
  public SslHandler sharedContextOnly() {
    return params(shared.newHandler(ByteBufAllocator.DEFAULT));
  }

  /** The shared context's engine made with a peer host, as before (to split the cost; never used so). */
  @Benchmark
  public SslHandler sharedContextWithPeer() {
    return params(shared.newHandler(ByteBufAllocator.DEFAULT, "mx.example.test", 25));
  }

  /** Before, OpenSSL: an {@code SSL_CTX} per connection, engine with a peer host; engine and context freed. */
  @Benchmark
  public boolean openSslPerConnectionContext() throws Exception {
    SslContext c = openSslBuilder().build();
    SslHandler h = params(c.newHandler(ByteBufAllocator.DEFAULT, "mx.example.test", 25));
    ReferenceCountUtil.release(c); // the engine holds its own reference, as in the old DaneSslHandlers.create
    return ReferenceCountUtil.release(h.engine()); // frees the SSL* and, with it, the SSL_CTX
  }

  /** After, OpenSSL: the shared context, no peer host, trust manager registered by engine; engine freed. */
  @Benchmark
  public boolean openSslSharedContext() {
    if (openSslShared == null) {
      openSslBuilder(); // throws: no netty-tcnative
    }
    SslHandler h = params(openSslShared.newHandler(ByteBufAllocator.DEFAULT));
    registry.put(h.engine(), new NoTrust());
    return ReferenceCountUtil.release(h.engine());
  }

  /** A trust manager that refuses everything (never called here). */
  static final class NoTrust extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] c, String a, Socket s) {}

    @Override
    public void checkServerTrusted(X509Certificate[] c, String a, Socket s) {}

    @Override
    public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) {}

    @Override
    public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) {}

    @Override
    public void checkClientTrusted(X509Certificate[] c, String a) {}

    @Override
    public void checkServerTrusted(X509Certificate[] c, String a) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
