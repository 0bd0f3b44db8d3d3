package org.dane4j.delivery;

import java.util.Objects;

/**
 * One SMTP reply as a session saw it (RFC 5321 §4.2): its three-digit code and its text, the lines of a
 * multi-line reply joined with {@code " / "}.
 *
 * @param code the reply code, 200..599
 * @param text the reply text without the code
 */
public record SmtpReply(int code, String text) {
  /** Checks the code's range. */
  public SmtpReply {
    if (code < 200 || code > 599) {
      throw new IllegalArgumentException("SMTP reply code out of range 200..599: " + code);
    }
    Objects.requireNonNull(text, "text");
  }

  /** 2xx: the command was accepted. */
  public boolean positive() {
    return code / 100 == 2;
  }

  /** 5xx: a permanent refusal (RFC 5321 §4.2.1). */
  public boolean permanent() {
    return code / 100 == 5;
  }

  @Override
  public String toString() {
    return code + " " + text;
  }
}
