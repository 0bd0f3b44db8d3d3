package org.dane4j.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * One in-process run of the {@code dane4j} command, with its stdout and stderr captured.
 *
 * @param exitCode what {@code main} would exit with
 * @param out what the command wrote to stdout
 * @param err what the command wrote to stderr
 */
public record CliRun(int exitCode, String out, String err) {
  /** Runs {@code dane4j args...}. */
  public static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = Dane4j.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exitCode = cmd.execute(args);
    return new CliRun(exitCode, out.toString(), err.toString());
  }
}
