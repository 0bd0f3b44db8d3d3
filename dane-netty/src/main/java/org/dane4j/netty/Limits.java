package org.dane4j.netty;

import java.time.Duration;

/** How a crossed limit is written in a failure reason: its setting's name and its value (checklist TLS-7). */
final class Limits {
  private Limits() {}

  /** A duration as people read it: {@code 300 ms}, {@code 5 s}, {@code 90.5 s}. */
  static String describe(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + " ms";
    }
    return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
  }

  /** {@code name (value)}, e.g. {@code startTlsTimeout (300 s)} for a reason. */
  static String named(String name, Duration d) {
    return name + " (" + describe(d) + ")";
  }
}
