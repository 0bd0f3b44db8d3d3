package org.dane4j.sts;

/**
 * Why a policy could not be had, as the RFC 8460 (TLS-RPT) result type a report would carry (§4.3.2.2).
 */
public enum StsFailure {
  /** The policy could not be fetched: no address, connection, TLS other than certificate, HTTP status,
   * redirect, size or deadline. */
  POLICY_FETCH_ERROR("sts-policy-fetch-error"),
  /** A policy was fetched but is not valid: syntax, content type, character encoding. */
  POLICY_INVALID("sts-policy-invalid"),
  /** The policy host's certificate failed WebPKI validation (untrusted, expired, wrong name). */
  WEBPKI_INVALID("sts-webpki-invalid");

  private final String resultType;

  StsFailure(String resultType) {
    this.resultType = resultType;
  }

  /** The RFC 8460 result type, e.g. {@code sts-policy-fetch-error}. */
  public String resultType() {
    return resultType;
  }
}
