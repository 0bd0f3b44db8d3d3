package org.dane4j.tlsrpt;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.dane4j.smtp.ReportJson;

/**
 * The RFC 8460 §4 report of one policy domain for one UTC day, as JSON: {@code organization-name},
 * {@code date-range} (00:00:00Z to 23:59:59Z of the day), {@code contact-info}, {@code report-id}, and one
 * {@code policies} entry per policy with its {@code summary} and {@code failure-details}. {@code policy-domain}
 * is always present; {@code mx-host} is an array (RFC 8460 erratum 6241).
 */
public final class TlsReportJson {
  private TlsReportJson() {}

  /**
   * The report id: {@code <day>T00:00:00Z_<policy domain>@<submitter>} — unique per submitter, day and policy
   * domain, and the same each time the report is built, so a resent report can be recognised.
   */
  public static String reportId(DayAggregate day, ReportSettings settings) {
    return day.day() + "T00:00:00Z_" + day.policyDomain() + "@" + settings.submitter();
  }

  /** The report, compact JSON in UTF-8 text (written by dane-core's one JSON writer, {@link ReportJson}). */
  public static String write(DayAggregate day, ReportSettings settings) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("organization-name", settings.organizationName());
    Map<String, Object> range = new LinkedHashMap<>();
    range.put("start-datetime", day.day() + "T00:00:00Z");
    range.put("end-datetime", day.day() + "T23:59:59Z");
    doc.put("date-range", range);
    doc.put("contact-info", settings.contactInfo());
    doc.put("report-id", reportId(day, settings));
    List<Object> policies = new ArrayList<>();
    for (DayAggregate.PolicyCounts p : day.policies()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("policy", p.policy().fields());
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("total-successful-session-count", p.successful());
      summary.put("total-failure-session-count", p.failed());
      entry.put("summary", summary);
      if (!p.failures().isEmpty()) {
        List<Object> details = new ArrayList<>();
        p.failures().forEach((detail, count) -> details.add(detail.fields(count)));
        entry.put("failure-details", details);
      }
      policies.add(entry);
    }
    doc.put("policies", policies);
    return ReportJson.compactJson(doc);
  }

  /** The report gzipped, as RFC 8460 §5.3 sends it ({@code application/tlsrpt+gzip}). */
  public static byte[] gzip(String json) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(json.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * The file name of the report (RFC 8460 §5.3): {@code receiver!policy-domain!begin!end[!unique].json.gz}
   * with the begin and end as UTC seconds since 1970, e.g. {@code example.net!example.com!1464739200!1464825599.json.gz}.
   * The first part is the submitter's domain ({@link ReportSettings#submitter()}).
   */
  public static String fileName(DayAggregate day, ReportSettings settings) {
    long begin = day.day().toEpochDay() * 86_400L;
    return settings.submitter() + "!" + day.policyDomain() + "!" + begin + "!" + (begin + 86_399L) + ".json.gz";
  }
}
