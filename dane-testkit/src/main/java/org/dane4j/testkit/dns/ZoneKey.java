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

/** The signing key of one zone: an ECDSA P-256 (algorithm 13) key with flags 257, used as a CSK. */
final class ZoneKey {
  static final long KEY_TTL = 3600;
  private static final int FLAGS_CSK = 257;
  private static final int PROTOCOL = 3;

  private static final int MAX_CACHED_SIGNATURES = 10_000;

  /** Record.equals compares owner, type, class and rdata, not the TTL: hence the TTL here. */
  private record SignatureKey(List<Record> records, long ttl, Instant inception, Instant expiration) {}

  private final KeyPair keyPair;
  private final DNSKEYRecord dnskey;
  private final Map<SignatureKey, RRSIGRecord> signatures = new HashMap<>();

  private ZoneKey(KeyPair keyPair, DNSKEYRecord dnskey) {
    this.keyPair = keyPair;
    this.dnskey = dnskey;
  }

  /** Generates a fresh key for the zone {@code apex} with the JDK's EC key pair generator. */
  static ZoneKey generate(Name apex) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair keyPair = generator.generateKeyPair();
      DNSKEYRecord dnskey = new DNSKEYRecord(apex, DClass.IN, KEY_TTL, FLAGS_CSK, PROTOCOL,
          DNSSEC.Algorithm.ECDSAP256SHA256, keyPair.getPublic());
      return new ZoneKey(keyPair, dnskey);
    } catch (GeneralSecurityException | DNSSEC.DNSSECException e) {
      throw new IllegalStateException("cannot generate a zone key for " + apex, e);
    }
  }

  DNSKEYRecord dnskey() {
    return dnskey;
  }

  /** The SHA-256 DS of this key, as the parent publishes it. */
  DSRecord ds() {
    return new DSRecord(dnskey.getName(), DClass.IN, KEY_TTL, DNSSEC.Digest.SHA256, dnskey);
  }

  /** A DS with this key's tag and algorithm but a digest that matches no key. */
  DSRecord wrongDs() {
    DSRecord good = ds();
    byte[] digest = good.getDigest().clone();
    digest[0] ^= (byte) 0xff;
    return new DSRecord(good.getName(), DClass.IN, KEY_TTL, good.getFootprint(), good.getAlgorithm(),
        good.getDigestID(), digest);
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
