package org.dane4j.cli;

import java.io.PrintWriter;

/**
 * Progress of a long operation, one line per step ("planning example.nl..."), on standard error and only when
 * standard error is a terminal; silent otherwise (pipes, cron, tests).
 */
public final class Progress {
  /** Silent progress. */
  public static final Progress SILENT = new Progress(null);

  private final PrintWriter err;

  private Progress(PrintWriter err) {
    this.err = err;
  }

  /** Progress on {@code err} when {@code terminal}, else {@link #SILENT}. */
  public static Progress of(PrintWriter err, boolean terminal) {
    return terminal && err != null ? new Progress(err) : SILENT;
  }

  /** Progress on {@code err} when standard error is a terminal ({@link Colors#stderrTerminal()}). */
  public static Progress on(PrintWriter err) {
    return of(err, Colors.stderrTerminal());
  }

  /** Prints one step, e.g. {@code step("planning example.nl")} prints "planning example.nl...". */
  public void step(String what) {
    if (err != null) {
      err.println(what + "...");
      err.flush();
    }
  }
}
