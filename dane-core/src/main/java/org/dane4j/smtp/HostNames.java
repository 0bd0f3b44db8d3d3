package org.dane4j.smtp;

import java.net.IDN;
import java.util.Locale;
import java.util.regex.Pattern;

/** Checks of host and domain names at the edges of the planner (RFC 1035 §2.3.4, RFC 5321 §2.3.5). */
final class HostNames {
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");
  private static final Pattern IP_LIKE = Pattern.compile("^[0-9.]+$|:");

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
    if (n.startsWith("[") || IP_LIKE.matcher(n).find()) {
      throw new IllegalArgumentException("an IP literal is not a host name here: \"" + name + "\"");
    }
    if (!n.chars().allMatch(c -> c < 0x80)) {
      try {
        n = IDN.toASCII(n, IDN.ALLOW_UNASSIGNED);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("not a host name: \"" + name + "\": " + e.getMessage(), e);
      }
    }
    n = n.toLowerCase(Locale.ROOT);
    if (n.length() > 253) {
      throw new IllegalArgumentException("host name longer than 253 octets: \"" + name + "\"");
    }
    for (String label : n.split("\\.", -1)) {
      if (label.length() > 63) {
        throw new IllegalArgumentException("label longer than 63 octets in \"" + name + "\"");
      }
      if (!LABEL.matcher(label).matches()) {
        throw new IllegalArgumentException("not a host name: \"" + name + "\" (label \"" + label + "\")");
      }
    }
    return n;
  }

  /** Whether {@code name} is a valid host name (see {@link #check}). */
  static boolean valid(String name) {
    try {
      check(name);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
