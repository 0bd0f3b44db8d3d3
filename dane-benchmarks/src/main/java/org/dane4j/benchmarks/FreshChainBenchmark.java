package org.dane4j.benchmarks;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dane4j.tlsa.DaneVerification;
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
 * The cases of {@link VerifyBenchmark} on a chain decoded afresh from its DER in every call, as on a
 * first connection to a server: no certificate object, hence no remembered signature check, is reused.
 * Each score includes decoding the two certificates; {@code parseOnly} measures that decoding alone.
 * The same chain and root as in {@link VerifyBenchmark}; EC P-256 by default ({@code -p keyType=EC,RSA}
 * for both).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FreshChainBenchmark {
  /** The key type of every certificate in the chain: EC P-256 or RSA-2048. */
  @Param({"EC"})
  public String keyType;

  private Fixture f;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    f = new Fixture(keyType);
  }

  @Benchmark
  public List<X509Certificate> parseOnly() throws CertificateException {
    return f.parseChain();
  }

  @Benchmark
  public DaneVerification dane311() throws CertificateException {
    return f.verifier.verify(f.parseChain(), f.daneEeSet, f.referenceNames, f.at);
  }

  @Benchmark
  public DaneVerification dane211() throws CertificateException {
    return f.verifier.verify(f.parseChain(), f.daneTaSet, f.referenceNames, f.at);
  }

  @Benchmark
  public DaneVerification daneNoMatch() throws CertificateException {
    return f.verifier.verify(f.parseChain(), f.noMatchSet, f.referenceNames, f.at);
  }

  @Benchmark
  public X509Certificate[] pkix() throws CertificateException {
    X509Certificate[] chain = f.parseChain().toArray(new X509Certificate[0]);
    f.pkix.checkServerTrusted(chain, f.authType);
    return chain;
  }
}
