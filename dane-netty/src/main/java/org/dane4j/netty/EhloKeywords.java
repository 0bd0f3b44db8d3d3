package org.dane4j.netty;

import io.netty.handler.codec.smtp.SmtpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The extensions of one EHLO reply (RFC 5321 §4.1.1.1: the lines after the first, each a keyword and its
 * parameters), parsed once per reply: a reused connection asks for them with every message.
 */
final class EhloKeywords {
  private final Map<String, String> parameters;

  private EhloKeywords(Map<String, String> parameters) {
    this.parameters = parameters;
  }

  /** The keywords (upper case) of {@code ehlo}, each with its parameters (upper case, trimmed; "" for none). */
  static EhloKeywords of(SmtpResponse ehlo) {
    Map<String, String> found = new HashMap<>();
    List<CharSequence> lines = ehlo.details();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i).toString().trim().toUpperCase(Locale.ROOT);
      int space = line.indexOf(' ');
      String keyword = space < 0 ? line : line.substring(0, space);
      found.putIfAbsent(keyword, space < 0 ? "" : line.substring(space + 1).trim());
    }
    return new EhloKeywords(found);
  }

  /** Whether the reply lists {@code keyword} (upper case). */
  boolean offers(String keyword) {
    return parameters.containsKey(keyword);
  }

  /** The advertised SIZE limit (RFC 1870): -1 without the extension, 0 for "no fixed limit" (or an unreadable one). */
  long sizeLimit() {
    String n = parameters.get("SIZE");
    if (n == null) {
      return -1;
    }
    if (n.isEmpty() || n.length() > 18) {
      return 0;
    }
    for (int i = 0; i < n.length(); i++) {
      if (n.charAt(i) < '0' || n.charAt(i) > '9') {
        return 0;
      }
    }
    return Long.parseLong(n);
  }
}
