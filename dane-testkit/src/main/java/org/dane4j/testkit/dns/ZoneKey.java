package org.dane4j.testkit.dns;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;

/**
 * The signing key of one zone, used as a CSK (flags 257): ECDSA P-256 (algorithm 13) by default, or the
 * algorithm of the zone's {@link ZoneSigning}; its DS records carry the digest types the signing asks for.
 */
final class ZoneKey {
  static final long KEY_TTL = 3600;
  private static final int FLAGS_CSK = 257;
  private static final int PROTOCOL = 3;

  private static final int RSA_BITS = 2048;
  private static final int MAX_CACHED_SIGNATURES = 10_000;

  /** Record.equals compares owner, type, class and rdata, not the TTL: hence the TTL here. */
  private record SignatureKey(List<Record> records, long ttl, Instant inception, Instant expiration) {}

  private final KeyPair keyPair;
  private final DNSKEYRecord dnskey;
  private final Map<SignatureKey, RRSIGRecord> signatures = new HashMap<>();

  private final int[] dsDigests;

  private ZoneKey(KeyPair keyPair, DNSKEYRecord dnskey, int[] dsDigests) {
    this.keyPair = keyPair;
    this.dnskey = dnskey;
    this.dsDigests = dsDigests;
  }

  /** Generates a fresh ECDSA P-256 key for the zone {@code apex} with a SHA-256 DS. */
  static ZoneKey generate(Name apex) {
    return generate(apex, ZoneSigning.defaults());
  }

  /** Generates a fresh key of the signing's algorithm for the zone {@code apex} with the JDK's generators. */
  static ZoneKey generate(Name apex, ZoneSigning signing) {
    int algorithm = signing.algorithm();
    try {
      KeyPairGenerator generator;
      if (algorithm == DNSSEC.Algorithm.ECDSAP256SHA256 || algorithm == DNSSEC.Algorithm.ECDSAP384SHA384) {
        generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(
            algorithm == DNSSEC.Algorithm.ECDSAP256SHA256 ? "secp256r1" : "secp384r1"));
      } else {
        generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(RSA_BITS);
      }
      KeyPair keyPair = generator.generateKeyPair();
      DNSKEYRecord dnskey = new DNSKEYRecord(apex, DClass.IN, KEY_TTL, FLAGS_CSK, PROTOCOL, algorithm,
          keyPair.getPublic());
      return new ZoneKey(keyPair, dnskey, signing.dsDigests());
    } catch (GeneralSecurityException | DNSSEC.DNSSECException e) {
      throw new IllegalStateException("cannot generate a zone key for " + apex, e);
    }
  }

  DNSKEYRecord dnskey() {
    return dnskey;
  }

  /** The first DS of this key (SHA-256 by default), as the parent publishes it; SHA-256 for an island. */
  DSRecord ds() {
    List<DSRecord> all = dsRecords();
    return all.isEmpty() ? new DSRecord(dnskey.getName(), DClass.IN, KEY_TTL, DNSSEC.Digest.SHA256, dnskey)
        : all.get(0);
  }

  /** Every DS of this key, one per digest type of the zone's {@link ZoneSigning}, as the parent publishes them. */
  List<DSRecord> dsRecords() {
    List<DSRecord> all = new java.util.ArrayList<>();
    for (int digest : dsDigests) {
      all.add(new DSRecord(dnskey.getName(), DClass.IN, KEY_TTL, digest, dnskey));
    }
    return all;
  }

  /** The DS records with this key's tag and algorithm but digests that match no key. */
  List<DSRecord> wrongDs() {
    List<DSRecord> all = new java.util.ArrayList<>();
    for (DSRecord good : dsRecords()) {
      byte[] digest = good.getDigest().clone();
      digest[0] ^= (byte) 0xff;
      all.add(new DSRecord(good.getName(), DClass.IN, KEY_TTL, good.getFootprint(), good.getAlgorithm(),
          good.getDigestID(), digest));
    }
    return all;
  }

  /**
   * Signs {@code rrset} (its data records; existing signatures are ignored). Signatures are cached by content,
   * TTL and validity, so that re-signing an unchanged zone costs nothing.
   */
  synchronized RRSIGRecord sign(RRset rrset, Instant inception, Instant expiration) {
    List<Record> records = rrset.rrs(false);
    SignatureKey cacheKey = new SignatureKey(records, rrset.getTTL(), inception, expiration);
    RRSIGRecord cached = signatures.get(cacheKey);
    if (cached != null) {
      return cached;
    }
    try {
      RRSIGRecord sig = DNSSEC.sign(new RRset(records), dnskey, keyPair.getPrivate(), inception, expiration);
      if (signatures.size() >= MAX_CACHED_SIGNATURES) {
        signatures.clear();
      }
      signatures.put(cacheKey, sig);
      return sig;
    } catch (DNSSEC.DNSSECException e) {
      throw new IllegalStateException("cannot sign " + rrset.getName() + "/" + rrset.getType(), e);
    }
  }

  /** A copy of {@code sig} with one byte of its signature flipped. */
  static RRSIGRecord corrupt(RRSIGRecord sig) {
    byte[] rdata = sig.rdataToWireCanonical();
    byte[] flipped = Arrays.copyOf(rdata, rdata.length);
    flipped[flipped.length - 1] ^= 0x5a;
    return (RRSIGRecord) Record.newRecord(sig.getName(), sig.getType(), sig.getDClass(), sig.getTTL(), flipped);
  }
}
