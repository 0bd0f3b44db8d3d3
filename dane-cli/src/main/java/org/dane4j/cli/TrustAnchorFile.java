package org.dane4j.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.dane4j.dns.DaneResolver;

/**
 * The {@code --trust-anchor FILE} of the network commands: DS or DNSKEY records in master-file text (RFC
 * 1035 §5), as {@code unbound-anchor} or {@code dig DNSKEY . > root.key} writes them. The file is read with a
 * bound ({@link #MAX_BYTES}) and must be ASCII text; anything else is refused with exit 66 and a message
 * that says what the file should hold, never a decoder's "Input length = 1".
 */
final class TrustAnchorFile {
  /** The most bytes a trust anchor file may have: the IANA root anchors are 1 KB, a DNSKEY RRset a few. */
  static final int MAX_BYTES = 1 << 20;

  /** What the file should hold, for messages. */
  static final String EXPECTED = "expected DS or DNSKEY records in master-file text";

  private TrustAnchorFile() {}

  /**
   * Reads {@code file} and hands its text to {@code builder}.
   *
   * @throws CommandException (exit 66) when the file cannot be read, is too large, is not ASCII text, or
   *     the builder refuses its text
   */
  static void apply(DaneResolver.Builder builder, Path file) {
    byte[] bytes = InputFile.read(file, "trust anchor file", MAX_BYTES);
    for (int i = 0; i < bytes.length; i++) {
      int b = bytes[i] & 0xff;
      if (b > '~' || b < ' ' && b != '\n' && b != '\r' && b != '\t') {
        throw new CommandException(ExitCodes.NO_INPUT, "--trust-anchor " + OneLineErrors.echo(file)
            + " is not text (byte 0x" + String.format("%02X", b) + " at offset " + i + "): " + EXPECTED, null);
      }
    }
    String text = new String(bytes, StandardCharsets.US_ASCII);
    try {
      builder.trustAnchors(text);
    } catch (IllegalArgumentException e) {
      throw refused(file, e);
    }
  }

  /** The trust anchors in {@code file} were refused by the resolver ({@code e} says why). */
  static CommandException refused(Path file, IllegalArgumentException e) {
    return new CommandException(ExitCodes.NO_INPUT, "--trust-anchor " + OneLineErrors.echo(file) + ": "
        + e.getMessage() + " (" + EXPECTED + ")", e);
  }
}
