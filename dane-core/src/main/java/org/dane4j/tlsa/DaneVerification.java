package org.dane4j.tlsa;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The outcome of checking a server's certificate chain against a TLSA RRset (RFC 7672 §3): verified, with
 * the record that matched and the chain depth it matched at, or failed, with an RFC 8460 failure type, a
 * one-line reason and a multi-line report that shows the TLSA RRset beside the presented chain's digests.
 *
 * <p>A failure may still name a matched record and depth: a DANE-TA record can match an issuer whose path
 * then fails validation or whose leaf names another host.
 */
public final class DaneVerification {
  private final boolean verified;
  private final TlsaRecord matchedRecord;
  private final int matchDepth;
  private final FailureType failureType;
  private final Supplier<String> reasonText;
  private volatile String reason;
  private final String report;

  private DaneVerification(boolean verified, TlsaRecord matchedRecord, int matchDepth,
      FailureType failureType, Supplier<String> reason, String report) {
    this.verified = verified;
    this.matchedRecord = matchedRecord;
    this.matchDepth = matchDepth;
    this.failureType = failureType;
    this.reasonText = Objects.requireNonNull(reason, "reason");
    this.report = Objects.requireNonNull(report, "report");
  }

  /** The reason is built only when asked for: successes are the hot path. */
  static DaneVerification success(TlsaRecord record, int depth, Supplier<String> reason) {
    return new DaneVerification(true, record, depth, null, reason, "");
  }

  static DaneVerification failure(FailureType type, String reason, TlsaRecord record, int depth,
      String report) {
    Objects.requireNonNull(reason, "reason");
    return new DaneVerification(false, record, record == null ? -1 : depth,
        Objects.requireNonNull(type, "type"), () -> reason, report);
  }

  /** Whether the chain is authenticated by the TLSA RRset. */
  public boolean verified() {
    return verified;
  }

  /** The TLSA record that matched, if any. */
  public Optional<TlsaRecord> matchedRecord() {
    return Optional.ofNullable(matchedRecord);
  }

  /**
   * The depth of the matched certificate: 0 for the leaf; N for the issuer N steps up the chain as built;
   * for a trust anchor published in full in DNS but not sent by the server, the depth it takes in the
   * chain ({@code 2 0 0}: one above the last certificate sent under it; {@code 2 1 0}: the depth of the
   * certificate its key signed). -1 when nothing matched.
   */
  public int matchDepth() {
    return matchDepth;
  }

  /** The RFC 8460 failure type; empty when verified. */
  public Optional<FailureType> failureType() {
    return Optional.ofNullable(failureType);
  }

  /** One line: what matched, or what failed and why. */
  public String reason() {
    String r = reason;
    if (r == null) {
      r = reasonText.get();
      reason = r;
    }
    return r;
  }

  /**
   * For a failure, the TLSA RRset and each presented certificate with its subject, issuer, validity and
   * {@code 3 1 1} / {@code 3 0 1} (leaf) or {@code 2 1 1} / {@code 2 0 1} (issuers) digests; empty when
   * verified.
   */
  public String report() {
    return report;
  }

  @Override
  public String toString() {
    return verified ? "verified: " + reason() : "failed (" + failureType + "): " + reason();
  }
}
