package org.dane4j.delivery;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What a {@link DeliveryListener} is told about the send a session belongs to: the destination the plan was
 * made for (the recipient domain, or the relay's name) and whether the message is a TLS report.
 *
 * <p>TLS reporting (RFC 8460 §3) must not record the sessions that deliver TLS reports, or a broken receiver
 * and its reporter would report each other's reports for ever. The marker travels with the message itself: a
 * message whose header section has a {@code TLS-Report-Domain} field (RFC 8460 §5.3, which every TLS report
 * carries) is a report, whichever adapter sends it (Jakarta Mail, Netty, the CLI).
 *
 * @param domain the destination of the plan, lower case, without a trailing dot
 * @param tlsReport whether the message is a TLS report, whose sessions are never recorded
 */
public record SendInfo(String domain, boolean tlsReport) {
  /** How much of a message is searched for the end of its header section: 64 KiB. */
  public static final int MAX_HEADER_SCAN = 64 * 1024;

  private static final byte[] FIELD = "tls-report-domain:".getBytes(StandardCharsets.US_ASCII);

  /** Checks for a null domain. */
  public SendInfo {
    Objects.requireNonNull(domain, "domain");
  }

  /**
   * Whether a message (CRLF or LF line ends) is a TLS report: its header section, up to the first empty line
   * or {@value #MAX_HEADER_SCAN} bytes, has a {@code TLS-Report-Domain} field (any case) at the start of a line.
   */
  public static boolean isTlsReport(byte[] message) {
    Objects.requireNonNull(message, "message");
    int end = Math.min(message.length, MAX_HEADER_SCAN);
    boolean lineStart = true;
    for (int i = 0; i < end; i++) {
      if (lineStart) {
        if (message[i] == '\n' || message[i] == '\r' && i + 1 < end && message[i + 1] == '\n') {
          return false; // the empty line: the body starts
        }
        if (startsWithField(message, i, end)) {
          return true;
        }
      }
      lineStart = message[i] == '\n';
    }
    return false;
  }

  private static boolean startsWithField(byte[] m, int at, int end) {
    if (end - at < FIELD.length) {
      return false;
    }
    for (int k = 0; k < FIELD.length; k++) {
      int c = m[at + k];
      if (c >= 'A' && c <= 'Z') {
        c += 'a' - 'A';
      }
      if (c != FIELD[k]) {
        return false;
      }
    }
    return true;
  }
}
