package org.dane4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Issue #16: every {@code --help} text of every command fits an 80-column terminal. */
class HelpWidthTest {
  @Test
  @DisplayName("#16: no --help line is wider than 80 columns")
  void everyHelpLineFitsEightyColumns() {
    List<String> tooWide = new ArrayList<>();
    collect(Dane4j.commandLine(java.time.Clock.systemUTC()), tooWide);
    assertThat(tooWide).isEmpty();
  }

  @Test
  @DisplayName("#16: no --help line breaks inside a name, path or address (picocli wraps at '.' and '-')")
  void noLineBreaksInsideAName() {
    List<String> broken = new ArrayList<>();
    collectBreaks(Dane4j.commandLine(java.time.Clock.systemUTC()), broken);
    assertThat(broken).isEmpty();
  }

  private static void collect(CommandLine cmd, List<String> tooWide) {
    String name = cmd.getCommandSpec().qualifiedName();
    for (String line : cmd.getUsageMessage(CommandLine.Help.Ansi.OFF).split("\\R")) {
      if (line.codePointCount(0, line.length()) > 80) {
        tooWide.add(name + " (" + line.length() + "): " + line);
      }
    }
    for (Map.Entry<String, CommandLine> sub : cmd.getSubcommands().entrySet()) {
      collect(sub.getValue(), tooWide);
    }
  }

  /** A line ending in "word." or "word-" whose next line goes on with a lower-case letter, digit or ']'. */
  private static void collectBreaks(CommandLine cmd, List<String> broken) {
    String[] lines = cmd.getUsageMessage(CommandLine.Help.Ansi.OFF).split("\\R");
    for (int i = 0; i + 1 < lines.length; i++) {
      String next = lines[i + 1].strip();
      // not the next entry of a list ("name   description", less indented, or an option)
      boolean continued = indent(lines[i + 1]) >= indent(lines[i]) && !next.matches("\\S+ {2,}\\S.*");
      if (continued && lines[i].matches(".*[A-Za-z0-9][.-]") && next.matches("[a-z0-9\\]].*")) {
        broken.add(cmd.getCommandSpec().qualifiedName() + ": '" + lines[i].strip() + "' / '" + next + "'");
      }
    }
    cmd.getSubcommands().values().forEach(sub -> collectBreaks(sub, broken));
  }

  private static int indent(String line) {
    return line.length() - line.stripLeading().length();
  }
}
