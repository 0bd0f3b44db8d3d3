package org.dane4j.cli;

/**
 * A command could not do its work for a reason the user can fix (a missing file, a file that holds no
 * certificate). The message is printed as one line on stderr and the command exits with its exit code
 * (see {@link ExitCodes}; without one, the command's exit code on execution exceptions, which is 70 for all
 * but {@code monitor}, so a user's mistake should always carry its code); no stack trace unless
 * {@code --verbose}. The message is printed bounded (see {@link OneLineErrors#line}); echo user input in it
 * with {@link OneLineErrors#echo}.
 */
public final class CommandException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The exit code to use, or -1 for the command's default. */
  private final int exitCode;

  /** An exception whose message is the whole explanation. */
  public CommandException(String message) {
    this(message, null);
  }

  /** An exception whose message is the whole explanation, keeping the cause for debugging. */
  public CommandException(String message, Throwable cause) {
    this(-1, message, cause);
  }

  /** An exception with its own exit code (see {@link ExitCodes}). */
  public CommandException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** The exit code to use, or -1 for the command's default. */
  public int exitCode() {
    return exitCode;
  }
}
