package org.dane4j.dns;

import java.util.List;
import java.util.stream.Collectors;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * Reads why a response is not secure: the extended DNS error (RFC 8914) and dnsjava's validator reason,
 * a TXT record owned by the root in class {@link ValidatingResolver#VALIDATION_REASON_QCLASS} in the
 * additional section (long reasons span several strings).
 */
final class ValidationReasons {
  private ValidationReasons() {}

  /** The extended DNS error options of the response. */
  static List<ExtendedErrorCodeOption> extendedErrors(Message response) {
    OPTRecord opt = response.getOPT();
    if (opt == null) {
      return List.of();
    }
    return opt.getOptions(EDNSOption.Code.EDNS_EXTENDED_ERROR).stream()
        .filter(ExtendedErrorCodeOption.class::isInstance).map(ExtendedErrorCodeOption.class::cast).toList();
  }

  /** The validator's reason and the EDE texts, joined; null when there is none. */
  static String of(Message response) {
    StringBuilder reason = new StringBuilder();
    for (Record r : response.getSection(Section.ADDITIONAL)) {
      if (r instanceof TXTRecord txt && r.getDClass() == ValidatingResolver.VALIDATION_REASON_QCLASS) {
        reason.append(String.join("", txt.getStrings()));
      }
    }
    String ede = extendedErrors(response).stream()
        .map(e -> "EDE " + e.getErrorCode() + " (" + ExtendedErrorCodeOption.text(e.getErrorCode()) + ")"
            + (e.getText() == null || e.getText().isEmpty() ? "" : ": " + e.getText()))
        .collect(Collectors.joining("; "));
    if (!ede.isEmpty()) {
      reason.append(reason.length() > 0 ? "; " : "").append(ede);
    }
    return reason.length() == 0 ? null : reason.toString();
  }

  /** Whether a record belongs to the query class (the validator's reason TXT does not). */
  static boolean isData(Record r) {
    return r.getDClass() == DClass.IN;
  }
}
