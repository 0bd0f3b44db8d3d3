package org.dane4j.tlsa;

import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Decides whether a server's certificate chain is authenticated by a TLSA RRset, the way RFC 7672 §3 asks
 * of an SMTP client. Pure: no I/O, no clock of its own, no shared mutable state; one instance can be used
 * by any number of threads.
 *
 * <ul>
 *   <li>Only DANE-TA(2) and DANE-EE(3) records with known selector and matching type and well-formed data
 *       count (RFC 7672 §3.1.3); the others are skipped, never fatal. With several usable records, one
 *       match is enough (RFC 7671 §5).</li>
 *   <li>Digest agility (RFC 7671 §9): for each usage and selector, only the strongest digest present is
 *       used (SHA2-512 over SHA2-256); Full(0) records always count.</li>
 *   <li>DANE-EE(3) matches the leaf only, with no name and no date check (RFC 7672 §3.1.1).</li>
 *   <li>DANE-TA(2) matches an issuer at depth ≥ 1, or a trust anchor published in full in DNS
 *       ({@code 2 0 0}, {@code 2 1 0}); the path from the leaf to it is then validated per RFC 5280 at the
 *       given instant, and the leaf must carry one of the reference names (RFC 7672 §3.1.2, §3.2.3).</li>
 * </ul>
 *
 * <pre>{@code
 * DaneVerification v = DaneVerifier.defaults().verify(chain, tlsaRecords,
 *     List.of("mx.example.com", "example.com"), clock.instant());
 * }</pre>
 *
 * <p><b>Limits:</b> at most {@value #DEFAULT_MAX_CHAIN_LENGTH} certificates in a chain and
 * {@value #DEFAULT_MAX_TLSA_RECORDS} TLSA records by default; beyond them verification fails with the
 * limit named, it does not silently consider a part.
 */
public final class DaneVerifier {
  /** Default bound on the number of certificates a server may present. */
  public static final int DEFAULT_MAX_CHAIN_LENGTH = 16;
  /** Default bound on the number of TLSA records considered. */
  public static final int DEFAULT_MAX_TLSA_RECORDS = 64;

  private static final DaneVerifier DEFAULTS = builder().build();

  private final int maxChainLength;
  private final int maxTlsaRecords;
  private final Set<MatchingType> disabledMatchingTypes;

  private DaneVerifier(Builder builder) {
    this.maxChainLength = builder.maxChainLength;
    this.maxTlsaRecords = builder.maxTlsaRecords;
    this.disabledMatchingTypes = Set.copyOf(builder.disabledMatchingTypes);
  }

  /** A verifier with the default limits and every known digest enabled. */
  public static DaneVerifier defaults() {
    return DEFAULTS;
  }

  /** A builder for a verifier with other limits or digests disabled. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Checks {@code chain} (leaf first, as the server sent it) against {@code records}.
   *
   * @param chain the presented certificates; null or empty is a failure, not an exception
   * @param records the TLSA RRset of the TLSA base domain
   * @param referenceNames the names a DANE-TA authenticated leaf may carry: the TLSA base domain first,
   *     then the other RFC 7672 §3.2.2 reference identifiers
   * @param at the time at which DANE-TA paths are validated
   * @return the verification, never null
   */
  public DaneVerification verify(List<X509Certificate> chain, Collection<TlsaRecord> records,
      Collection<String> referenceNames, Instant at) {
    Objects.requireNonNull(records, "records");
    Objects.requireNonNull(referenceNames, "referenceNames");
    Objects.requireNonNull(at, "at");
    if (chain == null || chain.isEmpty()) {
      return DaneVerification.failure(FailureType.VALIDATION_FAILURE,
          "the server presented no certificate", null, -1, "");
    }
    if (chain.size() > maxChainLength) {
      return DaneVerification.failure(FailureType.VALIDATION_FAILURE, "the server presented "
          + chain.size() + " certificates, more than the limit of " + maxChainLength
          + " (maxChainLength)", null, -1, "");
    }
    if (records.size() > maxTlsaRecords) {
      return DaneVerification.failure(FailureType.TLSA_INVALID, "the TLSA RRset has " + records.size()
          + " records, more than the limit of " + maxTlsaRecords + " (maxTlsaRecords)", null, -1, "");
    }
    List<TlsaRecord> usable = new ArrayList<>(records.size());
    for (TlsaRecord r : records) {
      if (r.usableForSmtp() && !disabledMatchingTypes.contains(r.matchingType())) {
        usable.add(r);
      }
    }
    if (usable.isEmpty()) {
      return failure(FailureType.TLSA_INVALID, "no usable TLSA record in the RRset (RFC 7672 §3.1.3)",
          null, -1, records, chain);
    }
    if (usable.size() > 1) {
      usable = DigestAgility.strongest(usable);
    }
    // DANE-EE first, on the leaf alone: the common case needs no issuer ordering (RFC 7672 §3.1.1).
    X509Certificate leaf = chain.get(0);
    boolean anyAnchor = false;
    for (TlsaRecord record : usable) {
      if (record.usage().equals(CertUsage.DANE_EE)) {
        if (record.dataEquals(TlsaRecord.associationData(leaf, record.selector(), record.matchingType()))) {
          return DaneVerification.success(record, 0, () -> "DANE-EE record " + record + " matches the leaf "
              + leaf.getSubjectX500Principal().getName()
              + " (names and dates are not checked for DANE-EE, RFC 7672 §3.1.1)");
        }
      } else {
        anyAnchor = true;
      }
    }
    if (!anyAnchor) {
      return failure(FailureType.CERTIFICATE_NOT_TRUSTED, "no TLSA record matches the presented chain",
          null, -1, records, chain);
    }
    return new Attempt(chain, usable, records, referenceNames, at).run();
  }

  /** One verification's working state. */
  private static final class Attempt {
    private final List<X509Certificate> presented;
    private final List<X509Certificate> path;
    private final SelectedData data;
    private final List<TlsaRecord> usable;
    private final Collection<TlsaRecord> rrset;
    private final Collection<String> referenceNames;
    private final Instant at;
    private DaneVerification bestFailure;
    private int bestRank;

    Attempt(List<X509Certificate> chain, List<TlsaRecord> usable, Collection<TlsaRecord> rrset,
        Collection<String> referenceNames, Instant at) {
      this.presented = chain;
      this.path = IssuerOrder.path(chain);
      this.data = new SelectedData(path);
      this.usable = usable;
      this.rrset = rrset;
      this.referenceNames = referenceNames;
      this.at = at;
    }

    DaneVerification run() {
      List<TlsaRecord> anchors = usable.stream().filter(r -> r.usage().equals(CertUsage.DANE_TA)).toList();
      for (int depth = 1; depth < path.size(); depth++) {
        for (TlsaRecord record : anchors) {
          if (data.matches(depth, record)) {
            DaneVerification v = checkAnchored(record, depth, path.subList(0, depth), path.get(depth), null);
            if (v.verified()) {
              return v;
            }
            break; // another record matching the same certificate gives the same answer
          }
        }
      }
      for (TlsaRecord record : anchors) {
        DaneVerification v = checkAnchorFromDns(record);
        if (v != null && v.verified()) {
          return v;
        }
      }
      return bestFailure != null ? bestFailure
          : failure(FailureType.CERTIFICATE_NOT_TRUSTED, "no TLSA record matches the presented chain"
              + (anchors.isEmpty() ? "" : " (a DANE-TA record must match an issuer, not the leaf)"),
              null, -1, rrset, presented);
    }

    /** A {@code 2 0 0} or {@code 2 1 0} trust anchor that the server did not send (RFC 7671 §5.2.2). */
    private DaneVerification checkAnchorFromDns(TlsaRecord record) {
      X509Certificate certificate = record.fullCertificate();
      if (certificate != null) {
        if (certificate.equals(path.get(0))) {
          return null; // a TA record that only matches the leaf does not authenticate it (TA-1)
        }
        for (int k = 1; k <= path.size(); k++) {
          if (path.get(k - 1).getIssuerX500Principal().equals(certificate.getSubjectX500Principal())) {
            DaneVerification v = checkAnchored(record, k, path.subList(0, k), certificate, null);
            if (v.verified()) {
              return v;
            }
          }
        }
        return null;
      }
      if (record.fullKey() != null) {
        for (int k = 1; k <= path.size(); k++) {
          X509Certificate signed = path.get(k - 1);
          DaneVerification v = checkAnchored(record, k - 1, path.subList(0, k), null,
              new TrustAnchor(signed.getIssuerX500Principal(), record.fullKey(), null));
          if (v.verified()) {
            return v;
          }
        }
      }
      return null;
    }

    /**
     * Path validation to a matched anchor, then the name check (RFC 7672 §3.1.2; TA-2, TA-3, TA-5): to the
     * anchor certificate {@code ta} with its own constraints, or else to the bare key {@code keyAnchor}.
     */
    private DaneVerification checkAnchored(TlsaRecord record, int depth, List<X509Certificate> below,
        X509Certificate ta, TrustAnchor keyAnchor) {
      PathValidation.Outcome outcome = ta != null ? PathValidation.validate(below, ta, at)
          : PathValidation.validate(below, keyAnchor, at);
      if (!outcome.valid()) {
        return remember(failure(outcome.failureType(), "DANE-TA record " + record + " matches at depth "
            + depth + " but the path from the leaf does not validate: " + outcome.problem(),
            record, depth, rrset, presented), 1);
      }
      String name = NameMatcher.firstMatch(path.get(0), referenceNames);
      if (name == null) {
        return remember(failure(FailureType.CERTIFICATE_HOST_MISMATCH, "DANE-TA record " + record
            + " matches at depth " + depth + " but the leaf's names "
            + NameMatcher.presentedNames(path.get(0)) + " match none of the reference names "
            + referenceNames, record, depth, rrset, presented), 2);
      }
      return DaneVerification.success(record, depth, () -> "DANE-TA record " + record + " matches at depth "
          + depth + ", the path validates and the leaf names " + name);
    }

    /** Keeps the most telling failure: a name mismatch after a good path beats a path failure. */
    private DaneVerification remember(DaneVerification failure, int rank) {
      if (bestFailure == null || rank > bestRank) {
        bestFailure = failure;
        bestRank = rank;
      }
      return failure;
    }

    private String subject(int index) {
      return path.get(index).getSubjectX500Principal().getName();
    }
  }

  private static DaneVerification failure(FailureType type, String reason, TlsaRecord record, int depth,
      Collection<TlsaRecord> rrset, List<X509Certificate> presented) {
    return DaneVerification.failure(type, reason, record, depth,
        FailureReport.of(rrset, presented, new SelectedData(presented)));
  }

  /** Settings of a {@link DaneVerifier}; each is checked when set. */
  public static final class Builder {
    private int maxChainLength = DEFAULT_MAX_CHAIN_LENGTH;
    private int maxTlsaRecords = DEFAULT_MAX_TLSA_RECORDS;
    private final Set<MatchingType> disabledMatchingTypes = new HashSet<>();

    private Builder() {}

    /** The most certificates a server may present (1..64; default 16). */
    public Builder maxChainLength(int max) {
      if (max < 1 || max > 64) {
        throw new IllegalArgumentException("maxChainLength must be 1..64, got " + max);
      }
      this.maxChainLength = max;
      return this;
    }

    /** The most TLSA records considered (1..1024; default 64). */
    public Builder maxTlsaRecords(int max) {
      if (max < 1 || max > 1024) {
        throw new IllegalArgumentException("maxTlsaRecords must be 1..1024, got " + max);
      }
      this.maxTlsaRecords = max;
      return this;
    }

    /**
     * Treats records of this digest as unusable (RFC 7671 §9, checklist USE-2), e.g. when local policy
     * no longer trusts it. Full(0) cannot be disabled.
     */
    public Builder disableMatchingType(MatchingType matchingType) {
      if (!matchingType.known() || matchingType.equals(MatchingType.FULL)) {
        throw new IllegalArgumentException("only SHA2-256(1) or SHA2-512(2) can be disabled, got " + matchingType);
      }
      disabledMatchingTypes.add(matchingType);
      return this;
    }

    /** The verifier. */
    public DaneVerifier build() {
      return new DaneVerifier(this);
    }
  }
}
