package org.dane4j.cli.dnssec;

import java.util.Map;
import org.xbill.DNS.DNSSEC;

/**
 * The RFC 8624 §3.1 and §3.3 tables as a DNSSEC lint judges a zone by them: the requirement for signing with a
 * DNSKEY algorithm and for creating a DS digest type. Only what is worse than "MAY" is listed; an algorithm or
 * digest not listed (unassigned, private) is reported by number, not judged.
 */
final class Rfc8624 {
  /** The requirement level of one algorithm or digest type for zone operators. */
  enum Level {
    /** MUST NOT be used: many validators treat the zone as unsigned, or cannot validate it at all. */
    MUST_NOT,
    /** NOT RECOMMENDED: still validated, but on its way out; move to a current algorithm. */
    NOT_RECOMMENDED,
    /** MUST, RECOMMENDED or MAY: nothing to say. */
    FINE
  }

  /** RFC 8624 §3.1, column "DNSSEC Signing". */
  private static final Map<Integer, Level> SIGNING = Map.of(
      DNSSEC.Algorithm.RSAMD5, Level.MUST_NOT,
      DNSSEC.Algorithm.DSA, Level.MUST_NOT,
      DNSSEC.Algorithm.RSASHA1, Level.NOT_RECOMMENDED,
      DNSSEC.Algorithm.DSA_NSEC3_SHA1, Level.MUST_NOT,
      DNSSEC.Algorithm.RSA_NSEC3_SHA1, Level.NOT_RECOMMENDED,
      DNSSEC.Algorithm.RSASHA512, Level.NOT_RECOMMENDED,
      DNSSEC.Algorithm.ECC_GOST, Level.MUST_NOT);

  /** RFC 8624 §3.3, column "DNSSEC Delegation": the digest types a parent may publish. */
  private static final Map<Integer, Level> DS = Map.of(
      0, Level.MUST_NOT, // NULL (CDS only)
      DNSSEC.Digest.SHA1, Level.MUST_NOT,
      DNSSEC.Digest.GOST3411, Level.MUST_NOT);

  private Rfc8624() {}

  static Level signing(int algorithm) {
    return SIGNING.getOrDefault(algorithm, Level.FINE);
  }

  static Level dsDigest(int digestType) {
    return DS.getOrDefault(digestType, Level.FINE);
  }

  /** {@code 8 (RSASHA256)}. */
  static String algorithm(int algorithm) {
    String name = DNSSEC.Algorithm.string(algorithm);
    return algorithm + (name == null || name.equals(Integer.toString(algorithm)) ? "" : " (" + name + ")");
  }

  /** {@code 2 (SHA-256)}. */
  static String digest(int digestType) {
    String name = switch (digestType) {
      case 0 -> "NULL";
      case DNSSEC.Digest.SHA1 -> "SHA-1";
      case DNSSEC.Digest.SHA256 -> "SHA-256";
      case DNSSEC.Digest.GOST3411 -> "GOST R 34.11-94";
      case DNSSEC.Digest.SHA384 -> "SHA-384";
      default -> null;
    };
    return digestType + (name == null ? "" : " (" + name + ")");
  }
}
