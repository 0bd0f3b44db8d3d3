package org.dane4j.tlsrpt;

/** The compact JSON string escaping of this module (RFC 8259 §7): ASCII output, control characters escaped. */
final class Json {
  private Json() {}

  static StringBuilder string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c >= 0x7f) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"');
  }

  static StringBuilder field(StringBuilder out, String name, String value) {
    if (out.charAt(out.length() - 1) != '{') {
      out.append(',');
    }
    string(out, name).append(':');
    return string(out, value);
  }

  static StringBuilder field(StringBuilder out, String name, long value) {
    if (out.charAt(out.length() - 1) != '{') {
      out.append(',');
    }
    return string(out, name).append(':').append(value);
  }

  static StringBuilder array(StringBuilder out, String name, java.util.List<String> values) {
    if (out.charAt(out.length() - 1) != '{') {
      out.append(',');
    }
    string(out, name).append(":[");
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      string(out, values.get(i));
    }
    return out.append(']');
  }
}
