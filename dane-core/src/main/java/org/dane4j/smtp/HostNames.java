package org.dane4j.smtp;

import java.net.IDN;

/**
 * Checks of host and domain names at the edges of the planner (RFC 1035 §2.3.4, RFC 5321 §2.3.5), in one
 * pass over the characters: planning checks several names per delivery.
 */
final class HostNames {
  private HostNames() {}

  /**
   * The name in lower-case A-label form without a trailing dot.
   *
   * @throws IllegalArgumentException for empty names, IP literals, over-long names or labels, and
   *     characters a host name cannot hold
   */
  static String check(String name) {
    String n = name.strip();
    if (n.endsWith(".")) {
      n = n.substring(0, n.length() - 1);
    }
    if (n.isEmpty()) {
      throw new IllegalArgumentException("empty host or domain name");
    }
    if (n.startsWith("[") || n.indexOf(':') >= 0 || allDigitsAndDots(n)) {
      throw new IllegalArgumentException("an IP literal is not a host name here: \"" + name + "\"");
    }
    if (!isAscii(n)) {
      try {
        n = IDN.toASCII(n, IDN.ALLOW_UNASSIGNED);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("not a host name: \"" + name + "\": " + e.getMessage(), e);
      }
    }
    String problem = problem(n);
    if (problem != null) {
      throw new IllegalArgumentException(problem + " in \"" + name + "\"");
    }
    return lowerAscii(n);
  }

  /** The checked name, or null when {@code name} is not a valid host name. */
  static String normalizedOrNull(String name) {
    try {
      return check(name);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** What is wrong with an ASCII name without trailing dot, or null: LDH labels of 1..63, 253 in all. */
  private static String problem(String n) {
    if (n.length() > 253) {
      return "host name longer than 253 octets";
    }
    int labelStart = 0;
    for (int i = 0; i <= n.length(); i++) {
      char c = i < n.length() ? n.charAt(i) : '.';
      if (c == '.') {
        int length = i - labelStart;
        if (length == 0) {
          return "not a host name (empty label)";
        }
        if (length > 63) {
          return "label longer than 63 octets";
        }
        if (n.charAt(labelStart) == '-' || n.charAt(i - 1) == '-') {
          return "not a host name (label starts or ends with '-')";
        }
        labelStart = i + 1;
      } else if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-')) {
        return "not a host name (character '" + c + "')";
      }
    }
    return null;
  }

  private static boolean allDigitsAndDots(String n) {
    for (int i = 0; i < n.length(); i++) {
      char c = n.charAt(i);
      if (c != '.' && (c < '0' || c > '9')) {
        return false;
      }
    }
    return true;
  }

  private static boolean isAscii(String n) {
    for (int i = 0; i < n.length(); i++) {
      if (n.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  private static String lowerAscii(String n) {
    for (int i = 0; i < n.length(); i++) {
      char c = n.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        char[] chars = n.toCharArray();
        for (int j = i; j < chars.length; j++) {
          if (chars[j] >= 'A' && chars[j] <= 'Z') {
            chars[j] = (char) (chars[j] + ('a' - 'A'));
          }
        }
        return new String(chars);
      }
    }
    return n;
  }
}
