package org.dane4j.tlsrpt;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One kind of failure in a report (RFC 8460 §4.4 {@code failure-details}): sessions with equal details are
 * counted together. Absent values are empty strings (never null), so that a detail is a stable key.
 *
 * @param resultType the RFC 8460 §4.3 result type, e.g. {@code certificate-not-trusted}
 * @param sendingMtaIp the sending MTA's address, or ""
 * @param receivingMxHostname the receiving MX host name, or ""
 * @param receivingMxHelo the receiving MX's HELO/EHLO name, or ""
 * @param receivingIp the receiving MX's address, or ""
 * @param additionalInformation a URI with more information, or ""
 * @param failureReasonCode a short, low-cardinality code chosen by the sender, or ""
 */
public record FailureDetail(String resultType, String sendingMtaIp, String receivingMxHostname,
    String receivingMxHelo, String receivingIp, String additionalInformation, String failureReasonCode) {
  /** Checks for nulls. */
  public FailureDetail {
    Objects.requireNonNull(resultType, "resultType");
    if (resultType.isEmpty()) {
      throw new IllegalArgumentException("empty result type");
    }
    Objects.requireNonNull(sendingMtaIp, "sendingMtaIp");
    Objects.requireNonNull(receivingMxHostname, "receivingMxHostname");
    Objects.requireNonNull(receivingMxHelo, "receivingMxHelo");
    Objects.requireNonNull(receivingIp, "receivingIp");
    Objects.requireNonNull(additionalInformation, "additionalInformation");
    Objects.requireNonNull(failureReasonCode, "failureReasonCode");
  }

  /** A detail with only a result type, a receiving host and address. */
  public static FailureDetail of(String resultType, String receivingMxHostname, String receivingIp) {
    return new FailureDetail(resultType, "", receivingMxHostname, "", receivingIp, "", "");
  }

  /** The failure-details entry without its count, compact JSON; empty values are left out. */
  /** The failure-details entry for {@code count} sessions (RFC 8460 §4.4), fields in the RFC's order. */
  Map<String, Object> fields(long count) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("result-type", resultType);
    optional(m, "sending-mta-ip", sendingMtaIp);
    optional(m, "receiving-mx-hostname", receivingMxHostname);
    optional(m, "receiving-mx-helo", receivingMxHelo);
    optional(m, "receiving-ip", receivingIp);
    m.put("failed-session-count", count);
    optional(m, "additional-information", additionalInformation);
    optional(m, "failure-reason-code", failureReasonCode);
    return m;
  }

  private static void optional(Map<String, Object> m, String name, String value) {
    if (!value.isEmpty()) {
      m.put(name, value);
    }
  }

  /** A stable key of this detail in a store: the SHA-256 of its fields. */
  public String id() {
    return ReportPolicy.sha256(String.join("\n", resultType, sendingMtaIp, receivingMxHostname, receivingMxHelo,
        receivingIp, additionalInformation, failureReasonCode));
  }
}
