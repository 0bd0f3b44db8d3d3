package org.dane4j.benchmarks;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.Ed25519Signer;
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
 * One DNSSEC signature check (RFC 6605 ECDSA P-256 / SHA-256, algorithm 13; RFC 8080 Ed25519, algorithm 15)
 * on a 256-byte signed-data block, the size of a small RRset's signing input: the JDK's SunEC through
 * {@link Signature} (as dnsjava's {@code DNSSEC.verify} does it: a new {@code Signature} per check, the
 * RRSIG's raw {@code r || s} turned into DER first) against BouncyCastle's lightweight API (no JCA, no
 * provider installed: {@link ECDSASigner} over BouncyCastle's P-256 curve, {@link Ed25519Signer}). Public keys
 * are decoded once, as dnsjava caches the decoded key per DNSKEY record. Each setup checks that both
 * implementations accept the signature and reject a corrupted one.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SignatureBenchmark {
  /** {@code P256}: ECDSA P-256 with SHA-256; {@code Ed25519}. */
  @Param({"P256", "Ed25519"})
  public String algorithm;

  byte[] data;
  PublicKey jdkKey;
  /** P-256: the RRSIG's raw 64-byte r || s; Ed25519: the 64-byte signature. */
  byte[] rawSignature;
  ECPublicKeyParameters bcEc;
  Ed25519PublicKeyParameters bcEd;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    data = new byte[256];
    new Random(7).nextBytes(data);
    if (algorithm.equals("P256")) {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair kp = g.generateKeyPair();
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initSign(kp.getPrivate());
      s.update(data);
      rawSignature = derToRaw(s.sign());
      jdkKey = kp.getPublic();
      X9ECParameters x9 = CustomNamedCurves.getByName("P-256");
      ECDomainParameters domain = new ECDomainParameters(x9.getCurve(), x9.getG(), x9.getN(), x9.getH());
      java.security.spec.ECPoint w = ((ECPublicKey) jdkKey).getW();
      bcEc = new ECPublicKeyParameters(x9.getCurve().createPoint(w.getAffineX(), w.getAffineY()), domain);
    } else if (algorithm.equals("Ed25519")) {
      KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(kp.getPrivate());
      s.update(data);
      rawSignature = s.sign();
      jdkKey = kp.getPublic();
      byte[] spki = jdkKey.getEncoded(); // 12-byte SPKI prefix, then the 32-byte key
      bcEd = new Ed25519PublicKeyParameters(Arrays.copyOfRange(spki, spki.length - 32, spki.length), 0);
    } else {
      throw new IllegalArgumentException("algorithm must be P256 or Ed25519, got " + algorithm);
    }
    if (!sunec() || !bouncyCastle()) {
      throw new IllegalStateException("benchmark setup is broken: a valid " + algorithm + " signature fails");
    }
    rawSignature[5] ^= 1;
    if (accepts(true) || accepts(false)) {
      throw new IllegalStateException("benchmark setup is broken: a corrupted " + algorithm + " signature passes");
    }
    rawSignature[5] ^= 1;
  }

  @Benchmark
  public boolean sunec() throws Exception {
    boolean ec = bcEc != null;
    Signature s = Signature.getInstance(ec ? "SHA256withECDSA" : "Ed25519");
    s.initVerify(jdkKey);
    s.update(data);
    return s.verify(ec ? rawToDer(rawSignature) : rawSignature);
  }

  @Benchmark
  public boolean bouncyCastle() throws Exception {
    if (bcEc != null) {
      ECDSASigner signer = new ECDSASigner();
      signer.init(false, bcEc);
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(data);
      return signer.verifySignature(hash, new BigInteger(1, Arrays.copyOfRange(rawSignature, 0, 32)),
          new BigInteger(1, Arrays.copyOfRange(rawSignature, 32, 64)));
    }
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(false, bcEd);
    signer.update(data, 0, data.length);
    return signer.verifySignature(rawSignature);
  }

  /** Whether the implementation accepts the (corrupted) signature; an exception counts as a rejection. */
  private boolean accepts(boolean jdk) {
    try {
      return jdk ? sunec() : bouncyCastle();
    } catch (Exception e) {
      return false;
    }
  }

  static byte[] derToRaw(byte[] der) {
    ASN1Sequence seq = ASN1Sequence.getInstance(der);
    byte[] out = new byte[64];
    put(((ASN1Integer) seq.getObjectAt(0)).getPositiveValue(), out, 0);
    put(((ASN1Integer) seq.getObjectAt(1)).getPositiveValue(), out, 32);
    return out;
  }

  private static void put(BigInteger v, byte[] out, int at) {
    byte[] b = v.toByteArray();
    int n = Math.min(b.length, 32);
    System.arraycopy(b, b.length - n, out, at + 32 - n, n);
  }

  static byte[] rawToDer(byte[] raw) throws java.io.IOException {
    return new org.bouncycastle.asn1.DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {
        new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(raw, 0, 32))),
        new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(raw, 32, 64)))}).getEncoded();
  }
}
