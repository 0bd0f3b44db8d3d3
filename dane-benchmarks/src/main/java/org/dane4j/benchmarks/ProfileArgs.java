package org.dane4j.benchmarks;

import java.util.HashMap;
import java.util.Map;

/** The {@code key=value} arguments of the measuring programs ({@link HandshakeProfile}, {@link KeyCacheProfile}). */
final class ProfileArgs {
  private ProfileArgs() {}

  /** The arguments as a map; an argument without {@code =} is refused, naming it. */
  static Map<String, String> parse(String[] args) {
    Map<String, String> opts = new HashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("arguments are key=value, got: " + a);
      }
      opts.put(a.substring(0, eq), a.substring(eq + 1));
    }
    return opts;
  }
}
