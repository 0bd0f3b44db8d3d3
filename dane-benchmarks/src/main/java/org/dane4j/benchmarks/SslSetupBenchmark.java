package org.dane4j.benchmarks;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
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
 * The per-connection TLS set-up of the Netty client with the JDK provider, before and after issue #17, outside
 * any handshake: {@code perConnectionContext} builds an {@code SslContext} per connection and makes the engine
 * with a peer host (the old {@code DaneSslHandlers.create}); {@code sharedContext} makes the engine from one
 * shared context without a peer host and registers the connection's trust manager by engine (the new one).
 * Both then set SNI and the protocols on the engine, as {@code TlsRecipe.applyTo} does.
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
