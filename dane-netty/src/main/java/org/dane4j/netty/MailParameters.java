package org.dane4j.netty;

import java.util.ArrayList;
import java.util.List;

/**
 * The MAIL FROM parameters for one message, from the server's EHLO reply under TLS: {@code SIZE} (RFC 1870),
 * {@code BODY=8BITMIME} for a message with 8-bit bytes (RFC 6152) and {@code SMTPUTF8} for non-ASCII
 * addresses (RFC 6531) — or, when the server cannot take the message at all, the local permanent reply that
 * Postfix would bounce it with, without sending it.
 *
 * @param parameters the parameters to send, when {@code refusal} is null
 * @param refusal a local {@code 552} or {@code 553} reply: the message must not be sent to this server
 */
record MailParameters(List<String> parameters, String refusal) {

  static MailParameters of(EhloKeywords ehlo, String host, String from, List<String> recipients, byte[] message) {
    List<String> params = new ArrayList<>();
    long limit = ehlo.sizeLimit();
    if (limit >= 0) {
      if (limit > 0 && message.length > limit) {
        return new MailParameters(List.of(), "552 5.3.4 (local) message size " + message.length
            + " exceeds the fixed limit " + limit + " of " + host + " (RFC 1870)");
      }
      params.add("SIZE=" + message.length);
    }
    if (has8Bit(message) && ehlo.offers("8BITMIME")) {
      params.add("BODY=8BITMIME");
    }
    boolean utf8 = (from != null && !ascii(from)) || recipients.stream().anyMatch(r -> !ascii(r));
    if (utf8) {
      if (!ehlo.offers("SMTPUTF8")) {
        return new MailParameters(List.of(), "553 5.6.7 (local) SMTPUTF8 is required for a non-ASCII address, "
            + "but was not offered by " + host + " (RFC 6531)");
      }
      params.add("SMTPUTF8");
    }
    return new MailParameters(List.copyOf(params), null);
  }

  /** These parameters and then {@code extra} (the engine's, e.g. {@code REQUIRETLS}); a refusal stays as it is. */
  MailParameters with(List<String> extra) {
    if (refusal != null || extra.isEmpty()) {
      return this;
    }
    List<String> all = new ArrayList<>(parameters);
    all.addAll(extra);
    return new MailParameters(List.copyOf(all), null);
  }

  private static boolean has8Bit(byte[] message) {
    for (byte b : message) {
      if (b < 0) {
        return true;
      }
    }
    return false;
  }

  private static boolean ascii(String s) {
    return s.chars().allMatch(c -> c < 128);
  }
}
