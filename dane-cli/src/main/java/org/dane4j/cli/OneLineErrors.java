package org.dane4j.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Reports a wrong command line or a failed command as one line on stderr, prefixed with the command's
 * name, instead of a usage page or a stack trace. The exit codes are the command's own
 * ({@code exitCodeOnInvalidInput}, {@code exitCodeOnExecutionException}) unless a {@link CommandException}
 * carries one. With {@code --verbose} on the command line the stack trace follows the line.
 */
final class OneLineErrors implements IParameterExceptionHandler, IExecutionExceptionHandler {
  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    print(cmd, ex.getMessage() + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
    return cmd.getCommandSpec().exitCodeOnInvalidInput();
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
    int exitCode = cmd.getCommandSpec().exitCodeOnExecutionException();
    if (ex instanceof CommandException c) {
      print(cmd, c.getMessage());
      if (c.exitCode() >= 0) {
        exitCode = c.exitCode();
      }
    } else {
      print(cmd, "internal error: " + ex);
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

  private static void print(CommandLine cmd, String message) {
    PrintWriter err = cmd.getErr();
    err.println(cmd.getCommandSpec().qualifiedName() + ": " + String.valueOf(message).replace('\n', ' '));
    err.flush();
  }
}
