package org.dane4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * ANSI colours for the human-readable output of every command: green for what works (verified, delivered,
 * OK), yellow for what works without authentication or later (opportunistic, encrypted, deferred, WARNING),
 * red for what fails (failed, CRITICAL). Colours are used only when standard output is a terminal whose
 * {@code TERM} is not {@code dumb}, and neither {@code --no-color} nor the {@code NO_COLOR} environment
 * variable (no-color.org: set and not empty) asks them off; never in {@code --json} output.
 */
public final class Colors {
  /** No colours: every method returns its text unchanged. */
  public static final Colors NONE = new Colors(false);

  private static final String GREEN = "\u001b[32m";
  private static final String YELLOW = "\u001b[33m";
  private static final String RED = "\u001b[31m";
  private static final String RESET = "\u001b[0m";

  private static final Set<String> GOOD = Set.of("verified", "trusted", "delivered", "ok", "yes", "secure",
      "authenticated", "authenticates", "valid");
  private static final Set<String> SO_SO = Set.of("opportunistic", "encrypted", "deferred", "warning", "unknown",
      "insecure");
  private static final Set<String> BAD = Set.of("failed", "failing", "critical", "cleartext", "no", "bogus",
      "unusable", "did", "fails");

  private final boolean on;

  private Colors(boolean on) {
    this.on = on;
  }

  /**
   * The decision, with every input given: colours when stdout is a terminal, {@code term} is not
   * {@code dumb}, {@code --no-color} was not given and {@code noColorEnv} (the value of NO_COLOR, or null)
   * is unset or empty.
   */
  public static boolean decide(boolean noColorOption, String noColorEnv, boolean stdoutTerminal, String term) {
    return !noColorOption && (noColorEnv == null || noColorEnv.isEmpty()) && stdoutTerminal
        && !"dumb".equals(term);
  }

  /** The colours for this process: {@link #decide} with System.console(), TERM and NO_COLOR. */
  public static Colors forStdout(boolean noColorOption) {
    return of(decide(noColorOption, System.getenv("NO_COLOR"), System.console() != null, System.getenv("TERM")));
  }

  /** Colours on or off. */
  public static Colors of(boolean on) {
    return on ? new Colors(true) : NONE;
  }

  /** Whether standard error is a terminal: System.console() exists and, on Linux, fd 2 is a tty. */
  public static boolean stderrTerminal() {
    if (System.console() == null) {
      return false;
    }
    Path fd2 = Path.of("/proc/self/fd/2");
    try {
      if (Files.isSymbolicLink(fd2)) {
        String target = Files.readSymbolicLink(fd2).toString();
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
      }
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return true;
    }
    return true;
  }

  /** Whether colours are on. */
  public boolean on() {
    return on;
  }

  /** {@code text} in green. */
  public String green(String text) {
    return paint(GREEN, text);
  }

  /** {@code text} in yellow. */
  public String yellow(String text) {
    return paint(YELLOW, text);
  }

  /** {@code text} in red. */
  public String red(String text) {
    return paint(RED, text);
  }

  /**
   * {@code text} coloured by its first word: verified/trusted/delivered/OK/yes green,
   * opportunistic/encrypted/deferred/WARNING yellow, failed/failing/CRITICAL/cleartext/NO red; otherwise
   * unchanged.
   */
  public String word(String text) {
    if (!on || text == null || text.isEmpty()) {
      return text;
    }
    String first = text.split("[ (:,]", 2)[0].toLowerCase(Locale.ROOT);
    if (GOOD.contains(first)) {
      return green(text);
    }
    if (SO_SO.contains(first)) {
      return yellow(text);
    }
    if (BAD.contains(first)) {
      return red(text);
    }
    return text;
  }

  private String paint(String colour, String text) {
    return on && text != null && !text.isEmpty() ? colour + text + RESET : text;
  }
}
