package org.dane4j.cli.dnssec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.dane4j.cli.Colors;

/**
 * The DNSSEC lint as text: one line per zone, then each finding with its fix, wrapped at spaces so that no word
 * (a name, a digest, a code) is ever cut; a word longer than the line stands whole on a line of its own.
 */
public final class LintText {
  /** The width text is wrapped at. */
  public static final int WIDTH = 100;

  private LintText() {}

  /** Prints the section. */
  public static void print(PrintWriter out, DnssecLint.Report report, Colors colors) {
    out.println("DNSSEC from the root to the TLSA names (RFC 8624, RFC 9276):");
    for (DnssecLint.Zone z : report.zones()) {
      StringBuilder line = new StringBuilder(z.name()).append(' ').append(z.dnssec());
      if (!z.dnskeys().isEmpty()) {
        line.append("; DNSKEY ").append(String.join(", ", z.dnskeys()));
      }
      if (!z.ds().isEmpty()) {
        line.append("; DS ").append(String.join(", ", z.ds()));
      }
      if (z.denial() != null) {
        line.append("; ").append(z.denial());
      }
      if (z.signaturesExpire() != null) {
        line.append("; signatures until ").append(z.signaturesExpire());
      }
      wrap(line.toString(), WIDTH, "  ", "      ").forEach(out::println);
    }
    if (report.findings().isEmpty()) {
      out.println("  no DNSSEC problem found");
    }
    for (DnssecLint.Finding f : report.findings()) {
      String label = DnssecLint.ERROR.equals(f.severity()) ? colors.red("error:") : colors.yellow("warning:");
      List<String> lines = wrap(f.message() + " [" + f.code() + ", " + f.rfc() + "]", WIDTH
          - (label.length() - f.severity().length() - 1), "  " + label + " ", "    ");
      lines.forEach(out::println);
      wrap("fix: " + f.fix(), WIDTH, "    ", "      ").forEach(out::println);
    }
  }

  /**
   * {@code text} in lines of at most {@code width} characters where its words allow, the first starting with
   * {@code first}, the others with {@code rest}; breaks only at spaces, never inside a word.
   */
  public static List<String> wrap(String text, int width, String first, String rest) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder(first);
    boolean empty = true;
    for (String word : text.strip().split("\\s+")) {
      if (!empty && line.length() + 1 + word.length() > width) {
        lines.add(line.toString());
        line = new StringBuilder(rest);
        empty = true;
      }
      if (!empty) {
        line.append(' ');
      }
      line.append(word);
      empty = false;
    }
    lines.add(line.toString());
    return lines;
  }
}
