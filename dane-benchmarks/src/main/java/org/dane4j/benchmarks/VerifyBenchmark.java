package org.dane4j.benchmarks;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
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
 * DANE verification against the JDK's PKIX trust manager, on the same chain (root CA &rarr; intermediate
 * CA &rarr; leaf with a DNS SAN; the server sends leaf + intermediate) and the same root, in one run.
 *
 * <ul>
 *   <li>{@code dane311}: {@code DaneVerifier.defaults().verify} with a {@code 3 1 1} record of the leaf
 *       (DANE-EE);</li>
 *   <li>{@code dane211}: with a {@code 2 1 1} record of the intermediate (DANE-TA: RFC 5280 path
 *       validation of the leaf under the intermediate, then the name check against the leaf's DNS
 *       name);</li>
 *   <li>{@code daneNoMatch}: with a {@code 3 1 1} record of an unrelated key (the failure path, which
 *       builds the failure report);</li>
 *   <li>{@code pkix}: the baseline, the default {@code TrustManagerFactory}'s {@code X509TrustManager}
 *       over a KeyStore holding only the root, {@code checkServerTrusted(chain, authType)};</li>
 * </ul>
 *
 * <p>{@link TrustManagerBenchmark} runs the three DANE cases through {@code DaneTrustManager}.
 *
 * <p>The same certificate objects are used on every call, as the JDK's TLS client does for a server whose
 * certificates are still in its certificate cache: the JDK then remembers each certificate's last
 * signature check, so repeated calls here measure little public-key cryptography. {@link FreshChainBenchmark}
 * measures the same cases on freshly decoded certificates.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class VerifyBenchmark {
  /** The key type of every certificate in the chain: EC P-256 or RSA-2048. */
  @Param({"EC", "RSA"})
  public String keyType;

  private Fixture f;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    f = new Fixture(keyType);
  }

  @Benchmark
  public DaneVerification dane311() {
    return f.verifier.verify(f.chain, f.daneEeSet, f.referenceNames, f.at);
  }

  @Benchmark
  public DaneVerification dane211() {
    return f.verifier.verify(f.chain, f.daneTaSet, f.referenceNames, f.at);
  }

  @Benchmark
  public DaneVerification daneNoMatch() {
    return f.verifier.verify(f.chain, f.noMatchSet, f.referenceNames, f.at);
  }

  @Benchmark
  public X509Certificate[] pkix() throws CertificateException {
    f.pkix.checkServerTrusted(f.chainArray, f.authType);
    return f.chainArray;
  }
}
