package org.dane4j.tlsa;

import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import org.xbill.DNS.TLSARecord;

/**
 * One TLSA record's data (RFC 6698 §2): certificate usage, selector, matching type and certificate
 * association data. Immutable.
 *
 * <p>Create one from its presentation form ({@code 3 1 1 8cb0…}), from the RFC 3597 generic form
 * ({@code \# 35 030101…}), from dnsjava's {@link TLSARecord}, or from a certificate with
 * {@link #of(X509Certificate, CertUsage, Selector, MatchingType)} — the last gives the same bytes as
 * hash-slinger's {@code tlsa --create} and the OpenSSL pipeline
 * {@code openssl x509 -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256}.
 *
 * <p>A record that parses but that SMTP cannot use (usage 0 or 1, an unknown field value, a digest of the
 * wrong length, Full(0) data that is not a certificate or key) is still a valid record: it is
 * {@linkplain #usableForSmtp() unusable}, and an unusable record never causes an exception during
 * verification (RFC 7672 §3.1.3; checklist USE-1..USE-3).
 */
public final class TlsaRecord {
  private static final HexFormat HEX = HexFormat.of();

  private final CertUsage usage;
  private final Selector selector;
  private final MatchingType matchingType;
  private final byte[] data;
  private final String unusableReason;
  /** For usable Full(0) records: the parsed certificate (selector 0) or key (selector 1). */
  private final Object fullAnchor;

  private TlsaRecord(CertUsage usage, Selector selector, MatchingType matchingType, byte[] data) {
    this.usage = Objects.requireNonNull(usage, "usage");
    this.selector = Objects.requireNonNull(selector, "selector");
    this.matchingType = Objects.requireNonNull(matchingType, "matchingType");
    this.data = Objects.requireNonNull(data, "data").clone();
    Object anchor = null;
    String reason = usabilityProblem();
    if (reason == null && matchingType.equals(MatchingType.FULL)) {
      try {
        anchor = selector.equals(Selector.CERT) ? parseCertificate(this.data) : PublicKeys.parse(this.data);
      } catch (IllegalArgumentException e) {
        reason = "Full(0) data is not a valid " + (selector.equals(Selector.CERT)
            ? "certificate" : "SubjectPublicKeyInfo") + ": " + e.getMessage();
      }
    }
    this.unusableReason = reason;
    this.fullAnchor = anchor;
  }

  /** A record from its four fields; the data is copied. */
  public static TlsaRecord of(CertUsage usage, Selector selector, MatchingType matchingType, byte[] data) {
    return new TlsaRecord(usage, selector, matchingType, data);
  }

  /**
   * The record that publishes {@code certificate} with the given parameters: the certificate's DER
   * (selector 0) or SubjectPublicKeyInfo DER (selector 1), as is (matching type 0) or digested.
   *
   * @throws IllegalArgumentException for an unknown selector or matching type, which cannot be computed
   */
  public static TlsaRecord of(X509Certificate certificate, CertUsage usage, Selector selector,
      MatchingType matchingType) {
    Objects.requireNonNull(certificate, "certificate");
    if (!selector.known()) {
      throw new IllegalArgumentException("cannot compute TLSA data for unknown " + selector);
    }
    if (!matchingType.known()) {
      throw new IllegalArgumentException("cannot compute TLSA data for unknown " + matchingType);
    }
    return new TlsaRecord(usage, selector, matchingType,
        associationData(certificate, selector, matchingType));
  }

  /**
   * Parses the presentation form ({@code "3 1 1 8CB0 3A…"}: three decimal fields, then hex that may hold
   * spaces and either case) or the RFC 3597 generic form ({@code "\# 35 0301018cb0…"}).
   *
   * @throws IllegalArgumentException naming what is wrong with the text
   */
  public static TlsaRecord parse(String text) {
    return TlsaText.parse(Objects.requireNonNull(text, "text"));
  }

  /** The record that dnsjava parsed off the wire or from a zone file. */
  public static TlsaRecord from(TLSARecord record) {
    Objects.requireNonNull(record, "record");
    // dnsjava returns its internal array; the constructor copies it.
    return new TlsaRecord(CertUsage.of(record.getCertificateUsage()), Selector.of(record.getSelector()),
        MatchingType.of(record.getMatchingType()), record.getCertificateAssociationData());
  }

  /** The certificate usage. */
  public CertUsage usage() {
    return usage;
  }

  /** The selector. */
  public Selector selector() {
    return selector;
  }

  /** The matching type. */
  public MatchingType matchingType() {
    return matchingType;
  }

  /** A copy of the certificate association data. */
  public byte[] data() {
    return data.clone();
  }

  /** The certificate association data as lower-case hex. */
  public String dataHex() {
    return HEX.formatHex(data);
  }

  /** Whether RFC 7672 lets an SMTP client use this record to authenticate a server (USE-1..USE-3). */
  public boolean usableForSmtp() {
    return unusableReason == null;
  }

  /** Why the record is unusable for SMTP, or empty when it is usable. */
  public Optional<String> unusableReason() {
    return Optional.ofNullable(unusableReason);
  }

  /** The RDATA in the RFC 3597 generic form, e.g. {@code \# 35 030101…}. */
  public String toGenericString() {
    byte[] rdata = new byte[3 + data.length];
    rdata[0] = (byte) usage.value();
    rdata[1] = (byte) selector.value();
    rdata[2] = (byte) matchingType.value();
    System.arraycopy(data, 0, rdata, 3, data.length);
    return "\\# " + rdata.length + " " + HEX.formatHex(rdata);
  }

  /** The presentation form: {@code "3 1 1 <lower-case hex>"}. */
  @Override
  public String toString() {
    return usage.value() + " " + selector.value() + " " + matchingType.value() + " " + dataHex();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TlsaRecord r && usage.equals(r.usage) && selector.equals(r.selector)
        && matchingType.equals(r.matchingType) && Arrays.equals(data, r.data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(usage, selector, matchingType) * 31 + Arrays.hashCode(data);
  }

  /** Whether the association data equals {@code candidate} (constant-time comparison). */
  boolean dataEquals(byte[] candidate) {
    return MessageDigest.isEqual(data, candidate);
  }

  /** The parsed certificate of a usable {@code x 0 0} record, else null. */
  X509Certificate fullCertificate() {
    return fullAnchor instanceof X509Certificate c ? c : null;
  }

  /** The parsed key of a usable {@code x 1 0} record, else null. */
  PublicKey fullKey() {
    return fullAnchor instanceof PublicKey k ? k : null;
  }

  /** The association data {@code certificate} has under this selector and matching type. */
  static byte[] associationData(X509Certificate certificate, Selector selector, MatchingType matchingType) {
    byte[] selected;
    try {
      selected = selector.equals(Selector.CERT) ? certificate.getEncoded() : Der.subjectPublicKeyInfo(certificate);
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("certificate cannot be encoded: " + e.getMessage(), e);
    }
    return digest(selected, matchingType);
  }

  static byte[] digest(byte[] selected, MatchingType matchingType) {
    String algorithm = matchingType.digestAlgorithm();
    if (algorithm == null) {
      return selected;
    }
    try {
      return MessageDigest.getInstance(algorithm).digest(selected);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is missing from this JDK", e);
    }
  }

  private String usabilityProblem() {
    if (!usage.usableForSmtp()) {
      return "usage " + usage + " is not usable for SMTP (RFC 7672 §3.1.3)";
    }
    if (!selector.known()) {
      return "unknown " + selector;
    }
    if (!matchingType.known()) {
      return "unknown " + matchingType;
    }
    int expected = matchingType.digestLength();
    if (expected >= 0 && data.length != expected) {
      return matchingType.acronym() + " data must be " + expected + " bytes, found " + data.length;
    }
    return null;
  }

  private static X509Certificate parseCertificate(byte[] der) {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException | RuntimeException e) {
      throw new IllegalArgumentException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
    }
  }
}
