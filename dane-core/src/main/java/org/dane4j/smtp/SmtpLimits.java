package org.dane4j.smtp;

import java.time.Duration;
import java.util.Objects;

/**
 * The bounds an SMTP client puts on what a server sends and on how long it waits (checklist TLS-7), with the
 * named defaults every dane4j adapter and the CLI use: RFC 5321 §4.5.3.1.5 (reply lines; 512 bytes is the
 * minimum a client must accept) and §4.5.3.2 (timeouts). A server that crosses one of them ends that attempt
 * with an error that names the limit; {@link SmtpReplyGuard} enforces them on a socket's input.
 *
 * @param maxReplyLineLength the longest reply line accepted, in bytes without the CRLF (512..65536)
 * @param maxReplyLines the most lines in one reply (2..10000)
 * @param replyTimeout the longest one reply may take from the moment the client waits for it to its last
 *     byte, however the server trickles it (an overall deadline per reply, not per read; 1 s..1 h)
 */
public record SmtpLimits(int maxReplyLineLength, int maxReplyLines, Duration replyTimeout) {
  /** Default {@code maxReplyLineLength}: 2048 bytes (four times RFC 5321's minimum). */
  public static final int DEFAULT_MAX_REPLY_LINE_LENGTH = 2048;
  /** Default {@code maxReplyLines}: 100 lines. */
  public static final int DEFAULT_MAX_REPLY_LINES = 100;
  /** Default {@code replyTimeout}: 5 min, RFC 5321 §4.5.3.2.1–3 (greeting, MAIL, RCPT). */
  public static final Duration DEFAULT_REPLY_TIMEOUT = Duration.ofMinutes(5);
  /** Default wait for the 354 reply to DATA: 2 min, RFC 5321 §4.5.3.2.4. */
  public static final Duration DEFAULT_DATA_INITIATION_TIMEOUT = Duration.ofMinutes(2);
  /** Default wait for the reply to the end of the message: 10 min, RFC 5321 §4.5.3.2.6. */
  public static final Duration DEFAULT_DATA_TERMINATION_TIMEOUT = Duration.ofMinutes(10);
  /** Default TCP connect timeout: 30 s. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
  /** Default deadline for the whole TLS handshake after STARTTLS: 30 s. */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(30);
  /** The defaults: 2048-byte lines, 100 lines per reply, 5 min per reply. */
  public static final SmtpLimits DEFAULTS =
      new SmtpLimits(DEFAULT_MAX_REPLY_LINE_LENGTH, DEFAULT_MAX_REPLY_LINES, DEFAULT_REPLY_TIMEOUT);

  /** Checks each value; the message names the limit. */
  public SmtpLimits {
    if (maxReplyLineLength < 512 || maxReplyLineLength > 65536) {
      throw new IllegalArgumentException("maxReplyLineLength must be 512..65536, got " + maxReplyLineLength);
    }
    if (maxReplyLines < 2 || maxReplyLines > 10000) {
      throw new IllegalArgumentException("maxReplyLines must be 2..10000, got " + maxReplyLines);
    }
    Objects.requireNonNull(replyTimeout, "replyTimeout");
    if (replyTimeout.compareTo(Duration.ofSeconds(1)) < 0 || replyTimeout.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("replyTimeout must be 1 s..1 h, got " + replyTimeout);
    }
  }

  /** These limits with another {@code replyTimeout}. */
  public SmtpLimits withReplyTimeout(Duration timeout) {
    return new SmtpLimits(maxReplyLineLength, maxReplyLines, timeout);
  }
}
