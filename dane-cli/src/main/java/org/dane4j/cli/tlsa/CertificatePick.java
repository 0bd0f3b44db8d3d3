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
   * @throws CommandException (exit 64: the options do not fit the file) when {@code caDepth} is beyond the
   *     chain, or usage 0 picks a non-CA
   */
  static int index(List<X509Certificate> chain, int usage, Integer caDepth) {
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
    return index;
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
