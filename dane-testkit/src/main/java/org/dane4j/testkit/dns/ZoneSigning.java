package org.dane4j.testkit.dns;

import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;
import org.xbill.DNS.DNSSEC;

/**
 * How a signed zone of a {@link DnsWorld} is signed: the key's algorithm, the digest types of its DS records in
 * the parent, NSEC or NSEC3 (with iterations, salt and opt-out), and how long signatures are valid. The defaults
 * follow current practice (RFC 8624, RFC 9276): ECDSA P-256 (algorithm 13), one SHA-256 DS, NSEC, signatures
 * valid for 30 days. The other settings build the faults a DNSSEC lint must find — a SHA-1 DS, an RSASHA1 key,
 * NSEC3 with extra iterations and a salt, signatures about to expire.
 *
 * <pre>{@code
 * world.zone("old.test.", ZoneSigning.defaults()
 *     .algorithm(DNSSEC.Algorithm.RSASHA1)
 *     .dsDigests(DNSSEC.Digest.SHA1)
 *     .nsec3(10, "aabbccdd")
 *     .signatureLifetime(Duration.ofHours(30)));
 * }</pre>
 *
 * <p>Immutable; each setting returns a new value and is checked when set.
 */
public final class ZoneSigning {
  /** The default signature lifetime: signatures expire 30 days after the world's clock. */
  public static final Duration DEFAULT_SIGNATURE_LIFETIME = Duration.ofDays(30);
  /** The most NSEC3 iterations accepted (RFC 5155 §10.3 allows up to 2500 for the largest keys). */
  public static final int MAX_NSEC3_ITERATIONS = 2500;

  private static final Set<Integer> ALGORITHMS = Set.of(DNSSEC.Algorithm.ECDSAP256SHA256,
      DNSSEC.Algorithm.ECDSAP384SHA384, DNSSEC.Algorithm.RSASHA256, DNSSEC.Algorithm.RSASHA512,
      DNSSEC.Algorithm.RSASHA1, DNSSEC.Algorithm.RSA_NSEC3_SHA1);
  private static final Set<Integer> DIGESTS = Set.of(DNSSEC.Digest.SHA1, DNSSEC.Digest.SHA256,
      DNSSEC.Digest.SHA384);
  private static final ZoneSigning DEFAULTS = new ZoneSigning(DNSSEC.Algorithm.ECDSAP256SHA256,
      new int[] {DNSSEC.Digest.SHA256}, false, 0, new byte[0], false, DEFAULT_SIGNATURE_LIFETIME);

  private final int algorithm;
  private final int[] dsDigests;
  private final boolean nsec3;
  private final int iterations;
  private final byte[] salt;
  private final boolean optOut;
  private final Duration signatureLifetime;

  private ZoneSigning(int algorithm, int[] dsDigests, boolean nsec3, int iterations, byte[] salt, boolean optOut,
      Duration signatureLifetime) {
    this.algorithm = algorithm;
    this.dsDigests = dsDigests;
    this.nsec3 = nsec3;
    this.iterations = iterations;
    this.salt = salt;
    this.optOut = optOut;
    this.signatureLifetime = signatureLifetime;
  }

  /** ECDSA P-256, a SHA-256 DS, NSEC, 30-day signatures. */
  public static ZoneSigning defaults() {
    return DEFAULTS;
  }

  /**
   * The key's DNSSEC algorithm number ({@link DNSSEC.Algorithm}): 13 or 14 (ECDSA), 8 or 10 (RSA/SHA-2), or the
   * deprecated 5 (RSASHA1) and 7 (RSASHA1-NSEC3-SHA1). RSA keys are 2048 bits.
   */
  public ZoneSigning algorithm(int dnssecAlgorithm) {
    if (!ALGORITHMS.contains(dnssecAlgorithm)) {
      throw new IllegalArgumentException("DNSSEC algorithm " + dnssecAlgorithm + " (" + DNSSEC.Algorithm.string(
          dnssecAlgorithm) + ") is not offered; use one of 5, 7, 8, 10, 13, 14");
    }
    return new ZoneSigning(dnssecAlgorithm, dsDigests, nsec3, iterations, salt, optOut, signatureLifetime);
  }

  /** The digest types of the DS records the parent publishes, one DS each: 1 (SHA-1), 2 (SHA-256), 4 (SHA-384). */
  public ZoneSigning dsDigests(int... digestTypes) {
    if (digestTypes.length == 0) {
      throw new IllegalArgumentException("at least one DS digest type is needed (for none use withoutDs(), or"
          + " DnsWorld.unsignedZone for an unsigned zone)");
    }
    for (int d : digestTypes) {
      if (!DIGESTS.contains(d)) {
        throw new IllegalArgumentException("DS digest type " + d + " is not offered; use 1, 2 or 4");
      }
    }
    return new ZoneSigning(algorithm, digestTypes.clone(), nsec3, iterations, salt, optOut, signatureLifetime);
  }

  /**
   * No DS record in the parent at all: the zone is signed but an island of security, which validators treat as
   * unsigned (the parent's NSEC proves the DS absent). Undone by {@link #dsDigests}.
   */
  public ZoneSigning withoutDs() {
    return new ZoneSigning(algorithm, new int[0], nsec3, iterations, salt, optOut, signatureLifetime);
  }

  /**
   * Denial of existence with NSEC3 (RFC 5155, SHA-1 hash) instead of NSEC: {@code iterations} extra hash
   * iterations (RFC 9276 says 0) and a salt in hex ({@code ""} or {@code "-"} for none, as RFC 9276 says).
   */
  public ZoneSigning nsec3(int iterations, String saltHex) {
    if (iterations < 0 || iterations > MAX_NSEC3_ITERATIONS) {
      throw new IllegalArgumentException("NSEC3 iterations must be 0.." + MAX_NSEC3_ITERATIONS + " (MAX_NSEC3_ITERATIONS),"
          + " got " + iterations);
    }
    Objects.requireNonNull(saltHex, "saltHex");
    byte[] bytes;
    try {
      bytes = saltHex.isEmpty() || saltHex.equals("-") ? new byte[0] : HexFormat.of().parseHex(saltHex);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("NSEC3 salt must be hex, got '" + saltHex + "'", e);
    }
    if (bytes.length > 255) {
      throw new IllegalArgumentException("NSEC3 salt must be at most 255 octets, got " + bytes.length);
    }
    return new ZoneSigning(algorithm, dsDigests, true, iterations, bytes, optOut, signatureLifetime);
  }

  /** NSEC3 with the opt-out flag set on every NSEC3 record (RFC 5155 §6); turns NSEC3 on (0 iterations, no salt). */
  public ZoneSigning nsec3OptOut() {
    return new ZoneSigning(algorithm, dsDigests, true, iterations, salt, true, signatureLifetime);
  }

  /**
   * How long signatures stay valid after the world's clock when the zone is signed (1 min..365 days; default
   * {@link #DEFAULT_SIGNATURE_LIFETIME}). The zone is re-signed when the clock moves by a day, or by half the
   * lifetime if that is shorter, so a short lifetime keeps signatures close to expiry.
   */
  public ZoneSigning signatureLifetime(Duration lifetime) {
    if (lifetime.compareTo(Duration.ofMinutes(1)) < 0 || lifetime.compareTo(Duration.ofDays(365)) > 0) {
      throw new IllegalArgumentException("signatureLifetime must be 1 min..365 days, got " + lifetime);
    }
    return new ZoneSigning(algorithm, dsDigests, nsec3, iterations, salt, optOut, lifetime);
  }

  /** The key's algorithm number. */
  public int algorithm() {
    return algorithm;
  }

  /** The DS digest types, in order; empty after {@link #withoutDs()}. */
  public int[] dsDigests() {
    return dsDigests.clone();
  }

  /** Whether denial of existence uses NSEC3. */
  public boolean isNsec3() {
    return nsec3;
  }

  /** The NSEC3 extra iterations (0 unless {@link #nsec3} set them). */
  public int nsec3Iterations() {
    return iterations;
  }

  /** The NSEC3 salt (empty unless {@link #nsec3} set one). */
  public byte[] nsec3Salt() {
    return salt.clone();
  }

  /** Whether NSEC3 records carry the opt-out flag. */
  public boolean isNsec3OptOut() {
    return optOut;
  }

  /** How long signatures are valid after signing. */
  public Duration signatureLifetime() {
    return signatureLifetime;
  }

  @Override
  public String toString() {
    return "algorithm " + algorithm + ", DS digests " + Arrays.toString(dsDigests)
        + (nsec3 ? ", NSEC3 iterations " + iterations + " salt " + (salt.length == 0 ? "-"
            : HexFormat.of().formatHex(salt)) + (optOut ? " opt-out" : "") : ", NSEC")
        + ", signatures " + signatureLifetime;
  }
}
