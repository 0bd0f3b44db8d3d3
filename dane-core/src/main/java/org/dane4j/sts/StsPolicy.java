package org.dane4j.sts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A parsed MTA-STS policy (RFC 8461 §3.2) with its raw text, kept byte for byte for TLS reports (RFC 8460
 * {@code policy-string}).
 *
 * <pre>{@code
 * StsPolicy p = StsPolicy.parse("version: STSv1\nmode: enforce\nmx: *.mail.example.com\nmax_age: 86400\n");
 * p.matches("a.mail.example.com")   // true: a wildcard is the whole left-most label and matches one label
 * }</pre>
 *
 * <p>The parser is strict about what the policy means and lenient only where the RFC is: lines end with LF or
 * CRLF, whitespace may follow the colon and end a line, field names are case-sensitive ({@code %s} in the
 * ABNF), unknown fields are ignored, blank lines are skipped. {@code version}, {@code mode} and
 * {@code max_age} must appear exactly once; {@code mx} at least once unless the mode is {@code none}. An
 * {@code mx} pattern is an ASCII domain (RFC 5321 {@code Domain}) or {@code *.} followed by one; no trailing
 * dot. {@code max_age} has 1 to 10 digits and is capped at {@link #MAX_AGE_CAP} (RFC 8461 §3.2 and Errata 7282).
 */
public final class StsPolicy {
  /** The longest {@code max_age} honoured: 31557600 s (a year); larger values are capped to it. */
  public static final long MAX_AGE_CAP = 31_557_600L;

  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
  private static final Pattern EXTENSION_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");
  private static final Pattern EXTENSION_VALUE = Pattern.compile("[\\x21-\\x3a\\x3c\\x3e-\\x7e]+");
  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,10}");

  private final StsMode mode;
  private final Duration maxAge;
  private final List<String> mxPatterns;
  private final String text;

  private StsPolicy(StsMode mode, Duration maxAge, List<String> mxPatterns, String text) {
    this.mode = mode;
    this.maxAge = maxAge;
    this.mxPatterns = List.copyOf(mxPatterns);
    this.text = text;
  }

  /**
   * Parses a policy body.
   *
   * @throws IllegalArgumentException naming the line and the RFC 8461 §3.2 rule the text breaks
   */
  public static StsPolicy parse(String text) {
    Objects.requireNonNull(text, "text");
    String version = null;
    StsMode mode = null;
    Long maxAge = null;
    List<String> mx = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      if (line.isEmpty()) {
        continue;
      }
      int n = i + 1;
      if (line.indexOf('\r') >= 0) {
        throw invalid(n, "a bare CR inside a line (lines end with LF or CRLF)");
      }
      int colon = line.indexOf(':');
      if (colon < 0) {
        throw invalid(n, "not a \"name: value\" field");
      }
      String name = line.substring(0, colon);
      String value = stripWsp(line.substring(colon + 1));
      switch (name) {
        case "version" -> {
          if (version != null) {
            throw invalid(n, "version given twice");
          }
          if (!value.equals("STSv1")) {
            throw invalid(n, "version must be STSv1, not \"" + printable(value) + "\"");
          }
          version = value;
        }
        case "mode" -> {
          if (mode != null) {
            throw invalid(n, "mode given twice");
          }
          mode = switch (value) {
            case "enforce" -> StsMode.ENFORCE;
            case "testing" -> StsMode.TESTING;
            case "none" -> StsMode.NONE;
            default -> throw invalid(n, "mode must be enforce, testing or none, not \"" + printable(value) + "\"");
          };
        }
        case "max_age" -> {
          if (maxAge != null) {
            throw invalid(n, "max_age given twice");
          }
          if (!DIGITS.matcher(value).matches()) {
            throw invalid(n, "max_age must be 1 to 10 digits, not \"" + printable(value) + "\"");
          }
          maxAge = Math.min(Long.parseLong(value), MAX_AGE_CAP);
        }
        case "mx" -> mx.add(mxPattern(n, value));
        default -> {
          if (!EXTENSION_NAME.matcher(name).matches() || !EXTENSION_VALUE.matcher(value).matches()) {
            throw invalid(n, "not a valid extension field \"" + printable(line) + "\"");
          }
        }
      }
    }
    if (version == null) {
      throw invalid(0, "no version field (required: version: STSv1)");
    }
    if (mode == null) {
      throw invalid(0, "no mode field (required)");
    }
    if (maxAge == null) {
      throw invalid(0, "no max_age field (required)");
    }
    if (mx.isEmpty() && mode != StsMode.NONE) {
      throw invalid(0, "no mx field (at least one is required unless mode is none)");
    }
    return new StsPolicy(mode, Duration.ofSeconds(maxAge), mx, text);
  }

  private static String mxPattern(int line, String value) {
    String domain = value.startsWith("*.") ? value.substring(2) : value;
    String[] labels = domain.split("\\.", -1);
    boolean ok = domain.length() <= 253 && labels.length >= 1;
    for (String label : labels) {
      ok &= LABEL.matcher(label).matches();
    }
    if (!ok) {
      throw invalid(line, "mx must be a domain name or *. followed by one (a wildcard only as the whole"
          + " left-most label, ASCII, no trailing dot), not \"" + printable(value) + "\"");
    }
    return value.toLowerCase(Locale.ROOT);
  }

  private static String stripWsp(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) {
      start++;
    }
    while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
      end--;
    }
    return s.substring(start, end);
  }

  private static IllegalArgumentException invalid(int line, String what) {
    return new IllegalArgumentException("invalid MTA-STS policy (RFC 8461 §3.2)"
        + (line > 0 ? " at line " + line : "") + ": " + what);
  }

  static String printable(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints().limit(100).forEach(c -> {
      if (c >= 0x20 && c < 0x7f) {
        b.append((char) c);
      } else {
        b.append(String.format("\\u%04x", c));
      }
    });
    return s.length() > 100 ? b + "…" : b.toString();
  }

  /** The mode. */
  public StsMode mode() {
    return mode;
  }

  /** How long the policy may be cached, already capped at {@link #MAX_AGE_CAP}. */
  public Duration maxAge() {
    return maxAge;
  }

  /** The {@code mx} patterns in the order given, lower-cased, e.g. {@code mx.example.com}, {@code *.example.net}. */
  public List<String> mxPatterns() {
    return mxPatterns;
  }

  /** The policy body exactly as fetched, for TLS reports. */
  public String text() {
    return text;
  }

  /**
   * Whether the MX host name matches one of the patterns (RFC 8461 §4.1): case-insensitive, a trailing dot
   * ignored, a {@code *.} pattern matching exactly one left-most label ({@code *.example.com} matches
   * {@code mx.example.com} but neither {@code example.com} nor {@code a.b.example.com}).
   */
  public boolean matches(String mxHost) {
    Objects.requireNonNull(mxHost, "mxHost");
    String host = mxHost.endsWith(".") ? mxHost.substring(0, mxHost.length() - 1) : mxHost;
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return false;   // an A-label host only: U-labels and look-alike letters match nothing
      }
    }
    host = host.toLowerCase(Locale.ROOT);
    for (String pattern : mxPatterns) {
      if (pattern.startsWith("*.")) {
        int dot = host.indexOf('.');
        if (dot > 0 && host.substring(dot + 1).equals(pattern.substring(2))) {
          return true;
        }
      } else if (host.equals(pattern)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StsPolicy p && p.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return "StsPolicy[mode " + mode.text() + ", mx " + mxPatterns + ", max_age " + maxAge.toSeconds() + "]";
  }
}
