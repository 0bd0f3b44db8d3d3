package org.dane4j.tlsa;

/**
 * Why a DANE delivery attempt failed, named after the result types of SMTP TLS Reporting
 * (RFC 8460 §4.3), so that TLS-RPT reports can be produced from these values without translation.
 */
public enum FailureType {
  /** The server did not offer STARTTLS, or refused it (RFC 8460 §4.3.1). */
  STARTTLS_NOT_SUPPORTED("starttls-not-supported"),
  /** The certificate does not name any of the reference identifiers (RFC 8460 §4.3.1). */
  CERTIFICATE_HOST_MISMATCH("certificate-host-mismatch"),
  /** A certificate on the validated path has expired (RFC 8460 §4.3.1). */
  CERTIFICATE_EXPIRED("certificate-expired"),
  /** The chain does not lead to a trust anchor: no TLSA record matched it (RFC 8460 §4.3.1). */
  CERTIFICATE_NOT_TRUSTED("certificate-not-trusted"),
  /** A general failure not covered by another type, e.g. no certificate at all (RFC 8460 §4.3.1). */
  VALIDATION_FAILURE("validation-failure"),
  /** The TLSA RRset has no usable record, or is too large to consider (RFC 8460 §4.3.2.1). */
  TLSA_INVALID("tlsa-invalid"),
  /** DNSSEC validation of a record needed for the decision failed (RFC 8460 §4.3.2.1). */
  DNSSEC_INVALID("dnssec-invalid"),
  /** DANE was required (e.g. a {@code dane-only} policy) but the destination publishes none (RFC 8460 §4.3.2.1). */
  DANE_REQUIRED("dane-required");

  private final String resultType;

  FailureType(String resultType) {
    this.resultType = resultType;
  }

  /** The RFC 8460 result-type string, e.g. {@code certificate-host-mismatch}. */
  public String resultType() {
    return resultType;
  }

  @Override
  public String toString() {
    return resultType;
  }
}
