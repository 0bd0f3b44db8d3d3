package org.dane4j.benchmarks;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import org.dane4j.tlsa.DaneCertificateException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The three DANE cases of {@link VerifyBenchmark} through
 * {@code DaneTrustManager.checkServerTrusted(X509Certificate[], String)}, as the TLS handshake calls it:
 * {@code tm311} (DANE-EE), {@code tm211} (DANE-TA), {@code tmNoMatch} (throws a
 * {@link DaneCertificateException} carrying the failure report). Same chain, root and settings; compare
 * with {@code VerifyBenchmark.pkix}. EC P-256 by default ({@code -p keyType=EC,RSA} for both).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TrustManagerBenchmark {
  /** The key type of every certificate in the chain: EC P-256 or RSA-2048. */
  @Param({"EC"})
  public String keyType;

  private Fixture f;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    f = new Fixture(keyType);
  }

  @Benchmark
  public X509Certificate[] tm311() throws CertificateException {
    f.daneEeTm.checkServerTrusted(f.chainArray, f.authType);
    return f.chainArray;
  }

  @Benchmark
  public X509Certificate[] tm211() throws CertificateException {
    f.daneTaTm.checkServerTrusted(f.chainArray, f.authType);
    return f.chainArray;
  }

  @Benchmark
  public Object tmNoMatch() throws CertificateException {
    try {
      f.noMatchTm.checkServerTrusted(f.chainArray, f.authType);
    } catch (DaneCertificateException e) {
      return e;
    }
    throw new IllegalStateException("the non-matching record was accepted");
  }
}
