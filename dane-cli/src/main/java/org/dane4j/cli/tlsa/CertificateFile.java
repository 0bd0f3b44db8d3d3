package org.dane4j.cli.tlsa;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.dane4j.cli.CommandException;
import org.dane4j.testkit.Pem;

/** Reads the certificates of a PEM file, in file order; every problem becomes a one-line explanation. */
public final class CertificateFile {
  /** Far above any real chain; bounds what a mistaken path (a disk image, a log) makes us read. */
  private static final long MAX_BYTES = 1 << 20;

  private CertificateFile() {}

  /**
   * The certificates in {@code file}.
   *
   * @throws CommandException when the file cannot be read or holds no certificate
   */
  public static List<X509Certificate> read(Path file) {
    byte[] bytes = bytes(file);
    List<X509Certificate> certificates;
    try {
      certificates = Pem.certificates(new String(bytes, StandardCharsets.ISO_8859_1));
    } catch (IllegalArgumentException e) {
      throw new CommandException(file + ": " + e.getMessage(), e);
    }
    if (certificates.isEmpty()) {
      String hint = bytes.length > 0 && bytes[0] == 0x30
          ? "; it looks like DER: convert it with 'openssl x509 -inform DER -in " + file + "'" : "";
      throw new CommandException(file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)" + hint);
    }
    return certificates;
  }

  private static byte[] bytes(Path file) {
    try {
      if (Files.isDirectory(file)) {
        throw new CommandException(file + " is a directory, not a certificate file");
      }
      if (Files.size(file) > MAX_BYTES) {
        throw new CommandException(file + " is larger than " + MAX_BYTES + " bytes; not a certificate file");
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new CommandException("cannot read " + file + ": no such file", e);
    } catch (IOException e) {
      throw new CommandException("cannot read " + file + ": " + e, e);
    }
  }
}
