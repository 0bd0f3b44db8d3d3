package org.dane4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine;

/**
 * The training run of the {@code dane4j} launcher's class-data archive (AppCDS, JDK 13+): runs the short
 * commands in-process, their output discarded, so that {@code java -XX:DumpLoadedClassList=...} lists the
 * classes that start-up needs: {@code --version}, {@code --help}, {@code tlsa create} of a bundled test
 * certificate, and the help of every command. The launcher then dumps the archive with
 * {@code -Xshare:dump} and starts every later run with {@code -XX:SharedArchiveFile}. Not a command of its
 * own; nothing here touches the network or any file but one temporary copy of the certificate.
 */
public final class CdsTraining {
  private CdsTraining() {
  }

  /** Runs the training commands; exits 0 (the launcher ignores the outcome beyond that). */
  public static void main(String[] args) throws IOException {
    Path certificate = Files.createTempFile("dane4j-cds-training", ".pem");
    try {
      try (InputStream pem = CdsTraining.class.getResourceAsStream("cds-training.pem")) {
        Files.write(certificate, pem.readAllBytes());
      }
      String cert = certificate.toString();
      String[][] runs = {
          {"--version"}, {"--help"},
          {"tlsa", "create", "--port", "25", "--selector", "1", "--certificate", cert, "mx.example.com"},
          {"tlsa", "create", "--output", "both", "--certificate", cert, "mx.example.com"},
          {"tlsa", "create", "--help"}, {"tlsa", "verify", "--help"}, {"check", "--help"},
          {"monitor", "--help"}, {"send", "--help"}, {"demo", "--help"},
      };
      for (String[] run : runs) {
        CommandLine cmd = Dane4j.commandLine(Clock.systemUTC(), run);
        cmd.setOut(new PrintWriter(Writer.nullWriter()));
        cmd.setErr(new PrintWriter(Writer.nullWriter()));
        cmd.execute(run);
      }
    } finally {
      Files.deleteIfExists(certificate);
    }
  }
}
