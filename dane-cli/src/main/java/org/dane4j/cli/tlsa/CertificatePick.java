package org.dane4j.cli.tlsa;

import java.security.cert.X509Certificate;
import java.util.List;
import org.dane4j.cli.CommandException;
import org.dane4j.cli.ExitCodes;
import org.dane4j.cli.OneLineErrors;

/**
 * Which certificate of a file a record publishes. Usages 1 and 3 (end entity) take the first. Usages 0 and
 * 2 (trust anchor) take the one at {@code --ca-depth}, else the last: hash-slinger asks "[y/N]" about every
 * certificate of a chain but the last and, when every answer is the default "N", takes the last.
 */
final class CertificatePick {
  private CertificatePick() {}

  /**
   * The index in {@code chain} of the certificate to publish.
   *
   * @param caDepth the index chosen with {@code --ca-depth}, or null
   * @param force whether {@code --force} lets usage 2 publish a certificate that is not a CA
   * @throws CommandException (exit 64: the options do not fit the file) when {@code caDepth} is beyond the
   *     chain, usage 0 picks a non-CA, or usage 2 picks a non-CA without {@code force}
   */
  static int index(List<X509Certificate> chain, int usage, Integer caDepth, boolean force) {
    if (usage == 1 || usage == 3) {
      return 0;
    }
    int index = caDepth == null ? chain.size() - 1 : caDepth;
    if (index >= chain.size()) {
      throw new CommandException(ExitCodes.USAGE, "--ca-depth " + caDepth + " is beyond the file's "
          + chain.size() + (chain.size() == 1 ? " certificate" : " certificates") + " (0 is the first)", null);
    }
    if (usage == 0 && !isCa(chain.get(index))) {
      throw new CommandException(ExitCodes.USAGE, "usage 0 (PKIX-TA) publishes a CA certificate, but certificate "
          + index + " (" + OneLineErrors.echo(OneLineName.of(chain.get(index).getSubjectX500Principal()))
          + ") is not a CA", null);
    }
    if (usage == 2 && !force) {
      notDaneTa(chain, index).ifPresent(why -> {
        throw new CommandException(ExitCodes.USAGE, why + "; use --force to print it anyway", null);
      });
    }
    return index;
  }

  /**
   * Why a DANE-TA ({@code 2 x x}) record of certificate {@code index} would never authenticate, or empty when
   * it is a CA certificate. Senders match DANE-TA only against an issuer above the server's certificate and
   * refuse a trust anchor that is not a CA (RFC 7671 §5.2.2; dane-core's path validation, checklist TA-5),
   * so the record of a leaf is dead weight that looks like a rollover partner.
   */
  static java.util.Optional<String> notDaneTa(List<X509Certificate> chain, int index) {
    X509Certificate c = chain.get(index);
    if (c.getBasicConstraints() >= 0) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of("usage 2 (DANE-TA) publishes the key of a CA, but certificate " + index + " ("
        + OneLineErrors.echo(OneLineName.of(c.getSubjectX500Principal())) + ") is not a CA (basicConstraints"
        + " cA=false or absent): such a record never authenticates, because senders match DANE-TA only"
        + " against an issuer above the certificate of the server and refuse a trust anchor that is not a CA"
        + " (RFC 7671 §5.2.2); publish 3 1 1 of the key of the server, or give a file that holds the issuing CA");
  }

  /** OpenSSL's {@code X509_check_ca}, which hash-slinger applies for usage 0. */
  private static boolean isCa(X509Certificate certificate) {
    boolean[] keyUsage = certificate.getKeyUsage();
    if (keyUsage != null && (keyUsage.length < 6 || !keyUsage[5])) {
      return false; // a key usage without keyCertSign
    }
    if (certificate.getExtensionValue("2.5.29.19") != null) {
      return certificate.getBasicConstraints() >= 0;
    }
    boolean v1Root = certificate.getVersion() == 1
        && certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal());
    return v1Root || keyUsage != null;
  }
}
