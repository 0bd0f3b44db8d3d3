package org.dane4j.cli;

import java.io.PrintWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Reports a wrong command line or a failed command as one line on stderr, prefixed with the command's
 * name, instead of a usage page or a stack trace. The exit codes are the command's own
 * ({@code exitCodeOnInvalidInput}, {@code exitCodeOnExecutionException}; see {@link ExitCodes}) unless a
 * {@link CommandException} carries one. With {@code --verbose} on the command line the stack trace follows
 * the line.
 *
 * <p>It is also the one place that decides how user input is echoed in a message ({@link #echo}): whatever
 * the user typed or a file held may be huge or hold control characters (a terminal's escape sequences), so
 * every echo is cut to {@value #MAX_ECHO} characters and its control and format characters are written as
 * escapes. Every error line is cut to {@value #MAX_LINE} characters, whatever it holds.
 */
public final class OneLineErrors implements IParameterExceptionHandler, IExecutionExceptionHandler {
  /** The most characters of one piece of user input that a message repeats. */
  public static final int MAX_ECHO = 80;
  /** The most characters of one error line (after the command's name). */
  public static final int MAX_LINE = 1000;

  /** A single-quoted value in picocli's own messages ("Unknown option: '--x'"). */
  private static final Pattern QUOTED = Pattern.compile("'([^'\\n]{" + (MAX_ECHO + 1) + ",})'");
  /** What {@link #echo} appends to input it cut. */
  private static final Pattern CUT = Pattern.compile(".*…\\(\\d+ characters\\)");

  OneLineErrors() {}

  /**
   * {@code input} as a message may repeat it: control and format characters (ESC, CR, LF, NUL, bidi
   * overrides, ...) written as {@code \x1B} or {@code \u202E}, and cut after {@value #MAX_ECHO} characters
   * with an ellipsis and the input's whole length: {@code aaaa…(100000 characters)}.
   */
  public static String echo(Object input) {
    String s = String.valueOf(input);
    int length = s.codePointCount(0, s.length());
    StringBuilder out = new StringBuilder();
    int i = 0;
    for (int n = 0; i < s.length() && n < MAX_ECHO; n++) {
      int c = s.codePointAt(i);
      appendEscaped(out, c);
      i += Character.charCount(c);
    }
    if (i < s.length()) {
      out.append("…(").append(length).append(" characters)");
    }
    return out.toString();
  }

  /**
   * {@code message} (e.g. a library's, which repeats the input in full) with each occurrence of
   * {@code input} replaced by its {@link #echo}.
   */
  public static String echoWithin(String message, String input) {
    String m = String.valueOf(message);
    return input == null || input.isEmpty() ? m : m.replace(input, echo(input));
  }

  /**
   * {@code message} as one bounded line: line breaks and tabs become spaces, other control and format
   * characters escapes, single-quoted values longer than {@value #MAX_ECHO} characters (picocli quotes what
   * the user typed) are cut as {@link #echo} cuts them, and the whole is cut at {@value #MAX_LINE} characters.
   */
  public static String line(String message) {
    Matcher quoted = QUOTED.matcher(String.valueOf(message));
    StringBuilder bounded = new StringBuilder();
    while (quoted.find()) {
      String value = quoted.group(1);
      // an echo already (at most 6 characters per escaped input character, and the length)
      boolean echoed = value.length() <= MAX_ECHO * 6 + 30 && CUT.matcher(value).matches();
      String echo = echoed ? value : echo(value);
      quoted.appendReplacement(bounded, Matcher.quoteReplacement("'" + echo + "'"));
    }
    quoted.appendTail(bounded);
    String s = bounded.toString();
    StringBuilder out = new StringBuilder();
    int i = 0;
    for (int n = 0; i < s.length() && n < MAX_LINE; n++) {
      int c = s.codePointAt(i);
      if (c == '\n' || c == '\r' || c == '\t') {
        out.append(' ');
      } else {
        appendEscaped(out, c);
      }
      i += Character.charCount(c);
    }
    if (i < s.length()) {
      out.append("…(").append(s.codePointCount(0, s.length())).append(" characters)");
    }
    return out.toString();
  }

  /**
   * {@code text} with its control and format characters (ESC, CR, LF, NUL, bidi overrides, ...) written as
   * {@code \x1B} or {@code \u202E}, not cut: for text a server or a file chose (reply text, certificate
   * subjects) that is printed on a terminal.
   */
  public static String printable(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints().forEach(c -> appendEscaped(out, c));
    return out.toString();
  }

  private static void appendEscaped(StringBuilder out, int c) {
    int type = Character.getType(c);
    if (Character.isISOControl(c) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE) {
      out.append(c < 0x100 ? String.format("\\x%02X", c) : String.format("\\u%04X", c));
    } else {
      out.appendCodePoint(c);
    }
  }

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    String message = ex.getMessage();
    if (ex instanceof UnmatchedArgumentException u && !cmd.getSubcommands().isEmpty()
        && cmd.getCommandSpec().positionalParameters().isEmpty() && !u.getUnmatched().isEmpty()
        && !u.getUnmatched().get(0).startsWith("-")) {
      // "Unmatched argument at index 0: 'x'" says little: a command that has subcommands got an unknown one
      message = "unknown command '" + echo(u.getUnmatched().get(0)) + "'; the commands are "
          + String.join(", ", cmd.getSubcommands().keySet());
    }
    print(cmd, line(message) + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
    return cmd.getCommandSpec().exitCodeOnInvalidInput();
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
    int exitCode = cmd.getCommandSpec().exitCodeOnExecutionException();
    if (ex instanceof CommandException c) {
      print(cmd, line(c.getMessage()));
      if (c.exitCode() >= 0) {
        exitCode = c.exitCode();
      }
    } else {
      print(cmd, line("internal error: " + ex));
    }
    if (verbose(cmd)) {
      ex.printStackTrace(cmd.getErr());
      cmd.getErr().flush();
    }
    return exitCode;
  }

  private static boolean verbose(CommandLine cmd) {
    ParseResult result = cmd.getParseResult();
    return result != null && result.hasMatchedOption("--verbose");
  }

  private static void print(CommandLine cmd, String line) {
    PrintWriter err = cmd.getErr();
    err.println(cmd.getCommandSpec().qualifiedName() + ": " + line);
    err.flush();
  }
}
