package org.dane4j.tlsa;

import java.security.cert.CertificateException;
import java.util.Objects;

/**
 * Thrown by {@link DaneTrustManager} inside the TLS handshake when the server's chain does not satisfy the
 * TLSA RRset, so the handshake fails before any application byte is exchanged (RFC 7672 §2.2). Carries the
 * whole {@link DaneVerification}.
 */
public final class DaneCertificateException extends CertificateException {
  private final transient DaneVerification verification;

  /** An exception for this failed verification. */
  public DaneCertificateException(DaneVerification verification) {
    super(message(verification));
    this.verification = verification;
  }

  private static String message(DaneVerification verification) {
    Objects.requireNonNull(verification, "verification");
    String report = verification.report();
    return "DANE " + verification + (report.isEmpty() ? "" : "\n" + report);
  }

  /** The failed verification. */
  public DaneVerification verification() {
    return verification;
  }
}
