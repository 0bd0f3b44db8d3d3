package org.dane4j.cli;

/**
 * A command could not do its work for a reason the user can fix (a missing file, a file that holds no
 * certificate). The message is printed as one line on stderr and the command exits with 1; no stack trace.
 */
public final class CommandException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception whose message is the whole explanation. */
  public CommandException(String message) {
    super(message);
  }

  /** An exception whose message is the whole explanation, keeping the cause for debugging. */
  public CommandException(String message, Throwable cause) {
    super(message, cause);
  }
}
