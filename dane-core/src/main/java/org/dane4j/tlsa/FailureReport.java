package org.dane4j.tlsa;

import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

/**
 * The failure report: the TLSA RRset beside each presented certificate and the records that would match
 * it, so that an administrator sees the mismatch at a glance (OkHttp's pinning failure is the model).
 */
final class FailureReport {
  private FailureReport() {}

  static String of(Collection<TlsaRecord> records, List<X509Certificate> chain, SelectedData data) {
    StringBuilder out = new StringBuilder();
    out.append("  TLSA RRset (").append(records.size()).append(records.size() == 1 ? " record" : " records")
        .append("):\n");
    for (TlsaRecord record : records) {
      out.append("    ").append(record);
      record.unusableReason().ifPresent(r -> out.append("   [unusable: ").append(r).append(']'));
      out.append('\n');
    }
    out.append("  presented chain (").append(chain.size()).append(chain.size() == 1 ? " certificate" : " certificates")
        .append("):\n");
    HexFormat hex = HexFormat.of();
    for (int depth = 0; depth < chain.size(); depth++) {
      X509Certificate c = chain.get(depth);
      String usage = depth == 0 ? "3" : "2";
      out.append("    depth ").append(depth).append(": ").append(c.getSubjectX500Principal().getName())
          .append('\n')
          .append("      issuer ").append(c.getIssuerX500Principal().getName())
          .append(", valid ").append(c.getNotBefore().toInstant()).append(" to ")
          .append(c.getNotAfter().toInstant()).append('\n')
          .append("      names ").append(NameMatcher.presentedNames(c)).append('\n');
      try {
        out.append("      ").append(usage).append(" 1 1 ")
            .append(hex.formatHex(data.of(depth, Selector.SPKI, MatchingType.SHA2_256))).append('\n')
            .append("      ").append(usage).append(" 0 1 ")
            .append(hex.formatHex(data.of(depth, Selector.CERT, MatchingType.SHA2_256))).append('\n');
      } catch (IllegalArgumentException e) {
        out.append("      (digests unavailable: ").append(e.getMessage()).append(")\n");
      }
    }
    return out.toString();
  }
}
