package org.dane4j.tlsrpt;

import java.util.Objects;

/**
 * Who sends the reports (RFC 8460 §4.4): the {@code organization-name}, the {@code contact-info} and the
 * submitter's domain (which makes the {@code report-id} unique, and goes into {@code TLS-Report-Submitter}).
 * Reports identify the provider that sent the mail, not a sender domain (sys4/tlsrpt-reporter#42).
 *
 * @param organizationName e.g. {@code Example Inc.}
 * @param contactInfo an e-mail address or URI to reach the report's sender, e.g. {@code mailto:tlsrpt@example.net}
 * @param submitter the submitting domain, e.g. {@code example.net}
 */
public record ReportSettings(String organizationName, String contactInfo, String submitter) {
  /** Checks that no value is empty. */
  public ReportSettings {
    for (String[] v : new String[][] {{"organizationName", organizationName}, {"contactInfo", contactInfo},
        {"submitter", submitter}}) {
      if (Objects.requireNonNull(v[1], v[0]).isBlank()) {
        throw new IllegalArgumentException(v[0] + " must not be empty");
      }
    }
    submitter = ReportPolicy.domain(submitter);
  }

  /** The settings. */
  public static ReportSettings of(String organizationName, String contactInfo, String submitter) {
    return new ReportSettings(organizationName, contactInfo, submitter);
  }
}
