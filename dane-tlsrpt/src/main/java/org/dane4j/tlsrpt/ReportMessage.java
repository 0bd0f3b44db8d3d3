package org.dane4j.tlsrpt;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The mail form of a report (RFC 8460 §5.3): a {@code multipart/report; report-type="tlsrpt"} message
 * (RFC 6522) with a short text part and the gzipped JSON as an {@code application/tlsrpt+gzip} attachment named
 * {@link TlsReportJson#fileName}, the header fields {@code TLS-Report-Domain}, {@code TLS-Report-Submitter}
 * and {@code TLS-Required: No}, and the subject {@code Report Domain: … Submitter: … Report-ID: <…>}.
 * Written as RFC 5322 bytes (CRLF, 7-bit) by this class, so the module needs no mail library; DKIM signing is
 * the {@link TlsReportSender.Builder#signer signer} hook's job.
 */
public final class ReportMessage {
  private static final DateTimeFormatter DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

  private ReportMessage() {}

  /**
   * The message bytes.
   *
   * @param from the From address (the submitter's reporting mailbox)
   * @param to the rua mailbox
   * @param unique random or unique text for the Message-ID and the MIME boundary (hex digits are safe)
   */
  public static byte[] build(DayAggregate day, ReportSettings settings, String from, String to, byte[] gzip,
      Instant date, String unique) {
    Objects.requireNonNull(gzip, "gzip");
    for (String s : new String[] {from, to, unique}) {
      if (Objects.requireNonNull(s).chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
        throw new IllegalArgumentException("not a header-safe value: " + s);
      }
    }
    String id = TlsReportJson.reportId(day, settings);
    String boundary = "tlsrpt-" + unique;
    StringBuilder m = new StringBuilder(gzip.length * 4 / 3 + 1024);
    header(m, "From", from);
    header(m, "To", to);
    header(m, "Date", DATE.format(date));
    header(m, "Subject", "Report Domain: " + day.policyDomain() + " Submitter: " + settings.submitter()
        + " Report-ID: <" + id + ">");
    header(m, "Message-ID", "<" + unique + "." + day.day() + "@" + settings.submitter() + ">");
    header(m, "MIME-Version", "1.0");
    header(m, "TLS-Report-Domain", day.policyDomain());
    header(m, "TLS-Report-Submitter", settings.submitter());
    header(m, "TLS-Required", "No");
    header(m, "Content-Type", "multipart/report; report-type=\"tlsrpt\";\r\n\tboundary=\"" + boundary + "\"");
    m.append("\r\n");
    m.append("This is a multipart message in MIME format.\r\n\r\n--").append(boundary).append("\r\n");
    m.append("Content-Type: text/plain; charset=us-ascii\r\n\r\n");
    m.append("This is an aggregate TLS report (RFC 8460) from ").append(settings.submitter()).append(" for ")
        .append(day.policyDomain()).append(", ").append(day.day()).append(" UTC.\r\n\r\n");
    m.append("--").append(boundary).append("\r\n");
    m.append("Content-Type: application/tlsrpt+gzip\r\n");
    m.append("Content-Transfer-Encoding: base64\r\n");
    m.append("Content-Disposition: attachment;\r\n\tfilename=\"").append(TlsReportJson.fileName(day, settings))
        .append("\"\r\n\r\n");
    String b64 = Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(gzip);
    m.append(b64).append("\r\n\r\n--").append(boundary).append("--\r\n");
    return m.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static void header(StringBuilder m, String name, String value) {
    m.append(name).append(": ").append(value).append("\r\n");
  }

  static String unique(java.util.random.RandomGenerator random) {
    byte[] b = new byte[12];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
