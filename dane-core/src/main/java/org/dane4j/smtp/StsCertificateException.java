package org.dane4j.smtp;

import java.security.cert.CertificateException;
import java.util.Objects;
import org.dane4j.tlsa.FailureType;

/**
 * A server certificate that fails the MTA-STS check of an SMTP session (RFC 8461 §4.2): not WebPKI-valid or not
 * valid for the MX host name, with the RFC 8460 result type a TLS report carries
 * ({@code certificate-host-mismatch}, {@code certificate-expired}, {@code certificate-not-trusted},
 * {@code validation-failure}).
 */
public final class StsCertificateException extends CertificateException {
  private static final long serialVersionUID = 1L;

  private final transient FailureType failureType;

  StsCertificateException(FailureType failureType, String message, Throwable cause) {
    super(message, cause);
    this.failureType = Objects.requireNonNull(failureType, "failureType");
  }

  /** The RFC 8460 result type. */
  public FailureType failureType() {
    return failureType;
  }
}
