package org.dane4j.cli.tlsa;

import java.security.cert.X509Certificate;
import java.util.Arrays;
import org.dane4j.cli.OneLineErrors;
import org.dane4j.tlsa.CertUsage;
import org.dane4j.tlsa.MatchingType;
import org.dane4j.tlsa.Selector;
import org.dane4j.tlsa.TlsaRecord;

/**
 * What {@code tlsa create --smtp} writes to stdout: the pair of records the NCSC factsheet FS-2017-01 asks
 * mail servers to publish (RFC 7672 §3.1, RFC 7671 §8), in zone-file form, each after a {@code ;} comment
 * that says what it is: {@code 3 1 1} of the server's own key and {@code 2 1 1} of the issuing CA's key, so
 * that one still matches while the other is being changed. With the certificate now in service, also the
 * {@code 3 1 1} of its key, to keep until the new certificate is deployed and the old record's TTL has passed.
 * Lines end in {@code \n} on every platform, as {@link TlsaCreateOutput}'s.
 */
final class SmtpPairOutput {
  private SmtpPairOutput() {}

  /**
   * The records.
   *
   * @param owner the owner name ({@code _25._tcp.HOST.})
   * @param leaf the server's certificate
   * @param ca the certificate of the issuing CA (or, with {@code --ca-depth}, of the CA chosen)
   * @param current the certificate now in service ({@code --current}), or null
   * @param form rfc, generic or both
   */
  static String of(TlsaOwner owner, X509Certificate leaf, X509Certificate ca, X509Certificate current,
      OutputForm form) {
    StringBuilder out = new StringBuilder();
    out.append("; DANE for SMTP (RFC 7672), as NCSC FS-2017-01 asks: publish both records\n");
    TlsaRecord ee = ee311(leaf);
    out.append("; 3 1 1: the server's key, ").append(subject(leaf)).append('\n');
    record(out, owner, ee, form);
    out.append("; 2 1 1: the issuing CA's key, ").append(subject(ca)).append('\n');
    record(out, owner, TlsaRecord.of(ca, CertUsage.DANE_TA, Selector.SPKI, MatchingType.SHA2_256), form);
    if (current != null) {
      TlsaRecord old = ee311(current);
      if (Arrays.equals(old.data(), ee.data())) {
        out.append("; rollover: the certificate in service (").append(subject(current))
            .append(") has the same key: its 3 1 1 is the one above, nothing more to keep\n");
      } else {
        out.append("; rollover: keep this 3 1 1 of the key in service (").append(subject(current))
            .append(")\n; until the new certificate is deployed and one TTL of the TLSA RRset has passed,"
                + " then remove it\n");
        record(out, owner, old, form);
      }
    }
    return out.toString();
  }

  private static TlsaRecord ee311(X509Certificate c) {
    return TlsaRecord.of(c, CertUsage.DANE_EE, Selector.SPKI, MatchingType.SHA2_256);
  }

  private static void record(StringBuilder out, TlsaOwner owner, TlsaRecord record, OutputForm form) {
    if (form != OutputForm.RFC) {
      out.append(owner).append(" IN TYPE52 ").append(record.toGenericString()).append('\n');
    }
    if (form != OutputForm.GENERIC) {
      out.append(owner).append(" IN TLSA ").append(record).append('\n');
    }
  }

  /** "Subject: /CN=...", control characters escaped: a comment must stay on its line. */
  private static String subject(X509Certificate c) {
    return "Subject: " + OneLineErrors.printable(OneLineName.of(c.getSubjectX500Principal()));
  }
}
