package org.dane4j.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * One in-process run of the {@code dane4j} command, with its stdout and stderr captured. Every run asserts
 * that the captured output holds no ANSI escape: captured output is not a terminal, so there are no colours.
 *
 * @param exitCode what {@code main} would exit with
 * @param out what the command wrote to stdout
 * @param err what the command wrote to stderr
 */
public record CliRun(int exitCode, String out, String err) {
  /** Runs {@code dane4j args...}. */
  public static CliRun of(String... args) {
    return at(java.time.Clock.systemUTC(), args);
  }

  /** As {@link #of}, with the command line reading time from {@code clock}. */
  public static CliRun at(java.time.Clock clock, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = Dane4j.commandLine(clock);
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exitCode = cmd.execute(args);
    CliRun run = new CliRun(exitCode, out.toString(), err.toString());
    if (run.out().indexOf('\u001b') >= 0 || run.err().indexOf('\u001b') >= 0) {
      // captured output is never a terminal: colours (and progress escapes) must stay off
      throw new AssertionError("ANSI escape in the captured output of dane4j " + String.join(" ", args) + ":\n"
          + run.out() + run.err());
    }
    return run;
  }
}
