package org.dane4j.cli.tlsa;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.dane4j.cli.CommandException;
import org.dane4j.cli.ExitCodes;
import org.dane4j.cli.InputFile;
import org.dane4j.cli.OneLineErrors;
import org.dane4j.testkit.Pem;

/**
 * Reads the certificates of a PEM file, in file order; every problem becomes a one-line explanation and exit
 * code 66 ({@link ExitCodes#NO_INPUT}).
 */
public final class CertificateFile {
  /** Far above any real chain; bounds what a mistaken path (a disk image, a log, /dev/zero) makes us read. */
  static final int MAX_BYTES = 1 << 20;

  private CertificateFile() {}

  /**
   * The certificates in {@code file}.
   *
   * @throws CommandException (exit 66) when the file cannot be read, is larger than {@link #MAX_BYTES}, or
   *     holds no certificate
   */
  public static List<X509Certificate> read(Path file) {
    byte[] bytes = InputFile.read(file, "certificate file", MAX_BYTES);
    String name = OneLineErrors.echo(file);
    List<X509Certificate> certificates;
    try {
      certificates = Pem.certificates(new String(bytes, StandardCharsets.ISO_8859_1));
    } catch (IllegalArgumentException e) {
      throw new CommandException(ExitCodes.NO_INPUT, name + ": " + e.getMessage(), e);
    }
    if (certificates.isEmpty()) {
      String hint = bytes.length > 0 && bytes[0] == 0x30
          ? "; it looks like DER: convert it with 'openssl x509 -inform DER -in " + name + "'" : "";
      throw new CommandException(ExitCodes.NO_INPUT, name + " holds no PEM certificate"
          + " (-----BEGIN CERTIFICATE-----)" + hint, null);
    }
    return certificates;
  }
}
