package org.dane4j.cli.tlsa;

import java.security.cert.X509Certificate;
import java.util.List;
import org.dane4j.tlsa.TlsaRecord;

/**
 * What {@code tlsa create} writes to stdout, line for line what hash-slinger's {@code tlsa --create} writes:
 * a warning when the file's certificates do not chain, which certificate is used, then the record(s).
 * Lines end in {@code \n} on every platform, so the output can be compared byte for byte.
 */
final class TlsaCreateOutput {
  private TlsaCreateOutput() {}

  static String of(TlsaOwner owner, List<X509Certificate> chain, int index, TlsaRecord record,
      OutputForm form) {
    StringBuilder out = new StringBuilder();
    if (!chained(chain)) {
      out.append("WARN: Certificates don't chain\n");
    }
    String subject = OneLineName.of(chain.get(index).getSubjectX500Principal());
    int usage = record.usage().value();
    if (usage == 1 || usage == 3) {
      out.append("Got a certificate for ").append(owner.host()).append(" with Subject: ").append(subject)
          .append('\n');
    } else {
      out.append("Using certificate with the following Subject:\n\t").append(subject).append("\n\n");
    }
    // hash-slinger 3.1 and 3.2 print the RFC form twice for "both" (its "draft" branch falls through to
    // RFC); we print what its help promises: the generic form, then the RFC form.
    if (form != OutputForm.RFC) {
      out.append(owner).append(" IN TYPE52 ").append(record.toGenericString()).append('\n');
    }
    if (form != OutputForm.GENERIC) {
      out.append(owner).append(" IN TLSA ").append(record).append('\n');
    }
    return out.toString();
  }

  /** hash-slinger's check: each certificate's issuer name is the next one's subject name, as text. */
  private static boolean chained(List<X509Certificate> chain) {
    for (int i = 1; i < chain.size(); i++) {
      String issuer = OneLineName.of(chain.get(i - 1).getIssuerX500Principal());
      if (!issuer.equals(OneLineName.of(chain.get(i).getSubjectX500Principal()))) {
        return false;
      }
    }
    return true;
  }
}
