package org.dane4j.smtp;

import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.Objects;
import javax.net.ssl.X509ExtendedTrustManager;
import org.dane4j.tlsa.FailureType;
import org.dane4j.tlsa.NameMatcher;

/**
 * The MTA-STS certificate check of one SMTP session (RFC 8461 §4.2; checklist STS-2), the one place it lives:
 * the chain must validate by PKIX against the WebPKI trust ({@link org.dane4j.sts.MtaSts#webPkiTrustManager()}:
 * the JDK's default trust store plus the extra anchors) and the leaf must be valid for the MX host name (RFC 6125
 * DNS-ID, the same matcher as the DANE-TA name check). The TLS stack's own endpoint identification stays off
 * ({@link TlsRecipe}), so the name is checked here, explicitly, against the MX host name and nothing else.
 */
final class StsCertificateCheck {
  private final X509ExtendedTrustManager pkix;
  private final String mxHost;

  StsCertificateCheck(X509ExtendedTrustManager pkix, String mxHost) {
    this.pkix = Objects.requireNonNull(pkix, "pkix");
    this.mxHost = Objects.requireNonNull(mxHost, "mxHost");
  }

  String mxHost() {
    return mxHost;
  }

  /** Passes or throws with the RFC 8460 type: not-trusted, expired, host-mismatch, validation-failure. */
  void check(X509Certificate[] chain, String authType) throws StsCertificateException {
    if (chain == null || chain.length == 0) {
      throw new StsCertificateException(FailureType.VALIDATION_FAILURE,
          "MTA-STS: the server presented no certificate", null);
    }
    try {
      pkix.checkServerTrusted(chain.clone(), authType == null || authType.isEmpty() ? "UNKNOWN" : authType);
    } catch (CertificateException | RuntimeException e) {
      FailureType type = expired(e, chain) ? FailureType.CERTIFICATE_EXPIRED : FailureType.CERTIFICATE_NOT_TRUSTED;
      throw new StsCertificateException(type, "MTA-STS: the certificate of " + mxHost + " is not WebPKI-valid ("
          + type.resultType() + "): " + e.getMessage() + " (RFC 8461 §4.2)", e);
    }
    if (!NameMatcher.matches(chain[0], mxHost)) {
      throw new StsCertificateException(FailureType.CERTIFICATE_HOST_MISMATCH, "MTA-STS: the certificate is not"
          + " valid for the MX host name " + mxHost + " (subject " + chain[0].getSubjectX500Principal().getName()
          + "; RFC 8461 §4.2)", null);
    }
  }

  /** An expired (or not yet valid) certificate in the chain, said by the validator or seen in the chain. */
  private static boolean expired(Throwable e, X509Certificate[] chain) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException) {
        return true;
      }
      if (t instanceof CertPathValidatorException v
          && (v.getReason() == CertPathValidatorException.BasicReason.EXPIRED
          || v.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID)) {
        return true;
      }
    }
    try {
      chain[0].checkValidity(); // the PKIX validator's own time: the system clock
      return false;
    } catch (CertificateException x) {
      return true;
    }
  }
}
