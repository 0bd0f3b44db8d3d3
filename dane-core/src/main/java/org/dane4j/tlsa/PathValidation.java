package org.dane4j.tlsa;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * RFC 5280 path validation from the leaf to a DANE-TA trust anchor at a given instant (RFC 7671 §5.2.2;
 * checklist TA-2), with the JDK's {@link CertPathValidator}: signatures, CA flags, path length, key usage,
 * name constraints and the validity of every certificate below the anchor. Revocation is not checked.
 *
 * <p>When the anchor is a certificate (from the chain, or from a {@code 2 0 x} record), its own constraints
 * apply as OpenSSL applies them (checklist TA-5): it must be a CA (basic constraints cA=true, and
 * keyCertSign when it has a key usage extension), its path length limits the intermediates below it, and
 * its name constraints bind the leaf. {@code new TrustAnchor(cert, null)} alone would drop all three.
 */
final class PathValidation {
  private PathValidation() {}

  /** The outcome: null type when valid. */
  record Outcome(FailureType failureType, String problem) {
    boolean valid() {
      return failureType == null;
    }
  }

  private static final Outcome VALID = new Outcome(null, "valid");

  private static final int KEY_CERT_SIGN = 5;

  /**
   * Validates {@code path} (leaf first, anchor excluded) against the trust anchor certificate {@code ta}
   * at {@code at}, with the anchor's own basic constraints, path length and name constraints (TA-5).
   */
  static Outcome validate(List<X509Certificate> path, X509Certificate ta, Instant at) {
    String subject = ta.getSubjectX500Principal().getName();
    int pathLength = ta.getBasicConstraints();
    if (pathLength < 0) {
      return new Outcome(FailureType.CERTIFICATE_NOT_TRUSTED, "the trust anchor (" + subject
          + ") is not a CA certificate (basic constraints cA=false or absent)");
    }
    boolean[] keyUsage = ta.getKeyUsage();
    if (keyUsage != null && (keyUsage.length <= KEY_CERT_SIGN || !keyUsage[KEY_CERT_SIGN])) {
      return new Outcome(FailureType.CERTIFICATE_NOT_TRUSTED, "the trust anchor (" + subject
          + ") may not sign certificates (key usage without keyCertSign)");
    }
    long intermediates = path.stream().skip(1)
        .filter(c -> !c.getSubjectX500Principal().equals(c.getIssuerX500Principal())).count();
    if (intermediates > pathLength) {
      return new Outcome(FailureType.CERTIFICATE_NOT_TRUSTED, "the trust anchor (" + subject
          + ") allows " + pathLength + " intermediate CA certificate(s) below it (path length constraint), the"
          + " chain has " + intermediates);
    }
    String outside = NameConstraintsCheck.violation(ta, path);
    if (outside != null) {
      return new Outcome(FailureType.CERTIFICATE_NOT_TRUSTED, outside + " (" + subject + ")");
    }
    return validate(path, new TrustAnchor(ta, null), at);
  }

  /** Validates {@code path} (leaf first, anchor excluded) against {@code anchor} at {@code at}. */
  static Outcome validate(List<X509Certificate> path, TrustAnchor anchor, Instant at) {
    try {
      PKIXParameters parameters = new PKIXParameters(Set.of(anchor));
      parameters.setRevocationEnabled(false);
      parameters.setDate(Date.from(at));
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      CertPathValidator.getInstance("PKIX").validate(factory.generateCertPath(path), parameters);
      return VALID;
    } catch (CertPathValidatorException e) {
      return new Outcome(classify(e), describe(e, path));
    } catch (InvalidAlgorithmParameterException e) {
      return new Outcome(FailureType.VALIDATION_FAILURE, "bad trust anchor: " + e.getMessage());
    } catch (GeneralSecurityException e) {
      return new Outcome(FailureType.VALIDATION_FAILURE, "path validation failed: " + e.getMessage());
    }
  }

  private static FailureType classify(CertPathValidatorException e) {
    if (e.getReason() == BasicReason.EXPIRED) {
      return FailureType.CERTIFICATE_EXPIRED;
    }
    if (e.getReason() == BasicReason.NOT_YET_VALID) {
      return FailureType.VALIDATION_FAILURE;
    }
    return FailureType.CERTIFICATE_NOT_TRUSTED;
  }

  private static String describe(CertPathValidatorException e, List<X509Certificate> path) {
    int index = e.getIndex();
    String where = index >= 0 && index < path.size()
        ? " at depth " + index + " (" + path.get(index).getSubjectX500Principal().getName() + ")" : "";
    String what = switch (e.getReason() instanceof BasicReason b ? b : BasicReason.UNSPECIFIED) {
      case EXPIRED -> "certificate expired";
      case NOT_YET_VALID -> "certificate not yet valid";
      case INVALID_SIGNATURE -> "signature does not verify";
      case ALGORITHM_CONSTRAINED -> "algorithm or key size not allowed";
      default -> e.getMessage();
    };
    return what + where;
  }
}
