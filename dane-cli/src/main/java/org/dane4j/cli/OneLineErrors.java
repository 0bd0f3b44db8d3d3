package org.dane4j.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Reports a wrong command line (exit 2) or a failed command (exit 1) as one line on stderr, prefixed with
 * the command's name, instead of a usage page or a stack trace.
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
    if (ex instanceof CommandException) {
      print(cmd, ex.getMessage());
    } else {
      print(cmd, "internal error: " + ex);
    }
    return cmd.getCommandSpec().exitCodeOnExecutionException();
  }

  private static void print(CommandLine cmd, String message) {
    PrintWriter err = cmd.getErr();
    err.println(cmd.getCommandSpec().qualifiedName() + ": " + message.replace('\n', ' '));
    err.flush();
  }
}
