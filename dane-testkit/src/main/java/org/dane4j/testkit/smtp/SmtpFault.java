package org.dane4j.testkit.smtp;

/**
 * A misbehaviour an {@link SmtpTestServer} can be told to show, at build time with
 * {@link SmtpTestServer.Builder#fault(SmtpFault)} or at run time with {@link SmtpTestServer#setFaults}. Several
 * faults may be combined; a change at run time applies from the next command of every open connection. Each
 * time a fault changes what the server does, the connection records it ({@link SmtpConnection#faultsFired()},
 * {@link SmtpTestServer#firedCount(SmtpFault)}).
 *
 * <p>Rejections of single commands (4xx/5xx to MAIL, RCPT, DATA, end of data, ...) are not faults: script them
 * with {@link SmtpTestServer.Builder#replyTo(String, String)}.
 */
public enum SmtpFault {
  /** STARTTLS is not advertised in the EHLO reply, and the STARTTLS command is answered with 502. */
  NO_STARTTLS,
  /** STARTTLS is advertised, but the command is answered with {@code 454 4.7.0 TLS not available}. */
  REFUSE_STARTTLS,
  /**
   * After {@code 220 2.0.0 Ready to start TLS} the server reads what the client sends (recorded as
   * {@linkplain SmtpConnection#handshakeBytes() handshake bytes}), answers with a fatal TLS
   * {@code handshake_failure} alert and closes the connection, so the client's handshake fails.
   */
  HANDSHAKE_FAIL,
  /**
   * The 220 reply to STARTTLS is followed, in the same write (and so the same TCP segment), by an injected
   * plaintext reply ({@link SmtpTestServer.Builder#injection(String)}, by default
   * {@code 250-injected\r\n250 OK\r\n}) before the server starts its TLS handshake: the CVE-2011-0411 pattern.
   * A correct client discards those bytes and handshakes; the server then carries on normally.
   */
  INJECT_AFTER_STARTTLS,
  /** Every reply, the greeting included, is delayed by {@link SmtpTestServer.Builder#replyDelay}. */
  SLOW_REPLIES,
  /** The connection is accepted but no greeting is ever sent (commands are read and recorded, never answered). */
  NO_GREETING,
  /** The greeting is sent, then nothing more: commands are read and recorded, never answered. */
  NEVER_REPLY_AFTER_GREETING,
  /**
   * Before TLS, the EHLO reply is followed, in the same write (and so the same TCP segment), by
   * {@code 220 2.0.0 Ready to start TLS} — a reply to a STARTTLS the client has not sent yet. The server then
   * takes STARTTLS as answered: when the client sends it, no further reply comes and the server waits for the
   * TLS handshake. A client that takes the early 220 as its reply skips its injection guard (checklist TLS-3).
   */
  PIPELINED_STARTTLS_REPLY,
  /**
   * The first multi-line reply (normally the EHLO reply) is cut after its first line; then the server goes
   * silent, reading and recording commands without answering: the client waits for the rest of a reply.
   */
  STALL_MID_REPLY,
  /**
   * Every reply, the greeting included, is written one byte at a time, with
   * {@link SmtpTestServer.Builder#trickle(java.time.Duration)} (200 ms by default) between bytes: a slowloris
   * server that keeps a per-read timeout from firing. With {@link #ENDLESS_REPLY} or {@link #ENDLESS_LINE} the
   * reply never ends.
   */
  TRICKLE_REPLIES,
  /**
   * After {@code 220 2.0.0 Ready to start TLS} the server reads and records what the client sends (its
   * ClientHello) but never answers, until the client closes or the idle timeout passes: the client's handshake
   * stalls.
   */
  STALL_HANDSHAKE,
  /**
   * In the DATA phase, the server closes the connection as soon as it has received the first line of the
   * message (or the end-of-data line, for an empty message), without replying. The message is not stored.
   */
  DROP_MID_DATA,
  /**
   * Every reply, the greeting included, becomes an endless multi-line reply with the reply's code
   * ({@code 250-flood ffff...}, 64 bytes a line), written 64 KiB at a time (into a 1 MiB socket send buffer)
   * until the client goes away or {@link SmtpTestServer#MAX_FLOOD} bytes were written (then the server closes).
   * What was offered is counted in {@link SmtpConnection#bytesSent()}. A client without a bound on reply lines
   * buffers all of it.
   */
  ENDLESS_REPLY,
  /**
   * Every reply, the greeting included, becomes one endless line ({@code 250 xxxx...} without CRLF), written as
   * {@link #ENDLESS_REPLY} is. A client without a bound on the line length buffers all of it.
   */
  ENDLESS_LINE
}
