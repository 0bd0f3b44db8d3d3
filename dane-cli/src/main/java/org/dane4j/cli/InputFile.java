package org.dane4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads an input file named on the command line ({@code --certificate}, {@code --next-certificate},
 * {@code --trust-anchor}) with a bound: at most {@code maxBytes}, whatever the file is (a disk image, a log,
 * {@code /dev/zero}; a pipe such as {@code <(openssl ...)} works). Every problem is a {@link CommandException}
 * with exit code 66 ({@link ExitCodes#NO_INPUT}) and a message that names the file (bounded, see
 * {@link OneLineErrors#echo}) and, for a file that is too large, the limit.
 */
public final class InputFile {
  private InputFile() {}

  /**
   * The bytes of {@code file}.
   *
   * @param what what the file should be, for messages: "certificate file"
   * @param maxBytes the most bytes a good file of this kind has
   * @throws CommandException (exit 66) when the file is missing, unreadable, a directory or too large
   */
  public static byte[] read(Path file, String what, int maxBytes) {
    String name = what + " " + OneLineErrors.echo(file);
    if (Files.isDirectory(file)) {
      throw new CommandException(ExitCodes.NO_INPUT, "cannot read " + name + ": it is a directory", null);
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(maxBytes + 1);
    } catch (NoSuchFileException e) {
      throw new CommandException(ExitCodes.NO_INPUT, "cannot read " + name + ": no such file", e);
    } catch (AccessDeniedException e) {
      throw new CommandException(ExitCodes.NO_INPUT, "cannot read " + name + ": permission denied", e);
    } catch (IOException e) {
      throw new CommandException(ExitCodes.NO_INPUT, "cannot read " + name + ": "
          + OneLineErrors.echoWithin(e.toString(), file.toString()), e);
    }
    if (bytes.length > maxBytes) {
      throw new CommandException(ExitCodes.NO_INPUT, "cannot read " + name + ": it is larger than the " + maxBytes
          + " bytes a " + what + " may have", null);
    }
    return bytes;
  }
}
