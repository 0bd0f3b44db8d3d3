package org.dane4j.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.dane4j.cli.Dane4j;
import org.junit.jupiter.api.Test;

/**
 * {@code dane4j tlsa create} against the real hash-slinger {@code tlsa --create} (a Debian package the lab
 * installs), on the lab's own certificates made by openssl (the CA and two server certificates): every usage
 * 2/3 × selector × matching type × output form, record lines compared byte for byte.
 */
class HashSlingerTest {
  private static final String HOST = "mx.ee.sec.test";

  @Test
  void tlsaCreateMatchesHashSlingerOnTheLabCertificates() throws Exception {
    Lab lab = Lab.get();
    Path pki = lab.trustAnchor().getParent().resolve("pki");
    List<Path> certificates;
    try (Stream<Path> files = Files.list(pki)) {
      // The CA and two server certificates: hash-slinger (Python) takes about half a second a run.
      certificates = files.filter(p -> p.toString().endsWith(".pem")).sorted()
          .filter(p -> List.of("ca.pem", "ee.pem", "ta.pem").contains(p.getFileName().toString())).toList();
    }
    assertThat(certificates).as("lab certificates in %s", pki).hasSize(3);
    int compared = 0;
    for (Path pem : certificates) {
      for (String usage : List.of("2", "3")) {
        for (String selector : List.of("0", "1")) {
          for (String mtype : List.of("0", "1", "2")) {
            for (String output : List.of("rfc", "generic")) {
              List<String> args = List.of("--port", "25", "--usage", usage, "--selector", selector, "--mtype", mtype,
                  "--output", output, "--certificate", pem.toString(), HOST);
              assertThat(ours(args)).as("%s %s", pem.getFileName(), args).isEqualTo(hashSlinger(args));
              compared++;
            }
          }
        }
      }
    }
    assertThat(compared).isEqualTo(certificates.size() * 24);
  }

  /** The record lines of hash-slinger's output (it prints an information line before them). */
  private static List<String> hashSlinger(List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("tlsa", "--create"));
    command.addAll(args);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close(); // no prompt can wait for input
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return records(out);
  }

  private static List<String> ours(List<String> args) {
    StringWriter out = new StringWriter();
    picocli.CommandLine cmd = Dane4j.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(new StringWriter(), true));
    // --force: hash-slinger prints a 2 x x of a server certificate (ee.pem, ta.pem), dane4j refuses it without
    // --force because such a record never authenticates (issue #16); the record lines stay the same
    List<String> all = new ArrayList<>(List.of("tlsa", "create", "--force"));
    all.addAll(args);
    assertThat(cmd.execute(all.toArray(new String[0]))).isZero();
    return records(out.toString());
  }

  private static List<String> records(String output) {
    return output.lines().filter(l -> l.startsWith("_25._tcp.")).toList();
  }
}
