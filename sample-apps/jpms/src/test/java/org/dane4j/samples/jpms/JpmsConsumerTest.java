package org.dane4j.samples.jpms;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The application runs on the module path, in a JVM of its own: its module and dane4j's three library modules
 * are named, explicit modules (module-info, not automatic names derived from jar names).
 */
class JpmsConsumerTest {
  /** The application's runtime path: this test's class path without the test's own classes and tools. */
  private static String modulePath() {
    List<String> path = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String name = Paths.get(entry).getFileName().toString();
      boolean testOnly = entry.contains("test-classes") || Stream.of("junit", "opentest4j", "apiguardian",
          "assertj", "byte-buddy", "surefire").anyMatch(name::contains);
      if (!testOnly) {
        path.add(entry);
      }
    }
    return String.join(File.pathSeparator, path);
  }

  @Test
  void runsOnTheModulePathWithDane4jsNamedModules() throws Exception {
    Path out = Files.createTempFile("jpms", ".out");
    try {
      Process app = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
          "--module-path", modulePath(), "--module", "org.dane4j.samples.jpms/org.dane4j.samples.jpms.Main")
          .redirectErrorStream(true).redirectOutput(out.toFile()).start();
      boolean ended = app.waitFor(2, TimeUnit.MINUTES); // generous: a loaded machine
      if (!ended) {
        app.destroyForcibly();
      }
      String text = Files.readString(out, StandardCharsets.UTF_8);
      assertThat(ended).as(text).isTrue();
      assertThat(app.exitValue()).as(text).isZero();
      List<String> lines = text.lines().collect(Collectors.toList());
      assertThat(lines).contains("Main in module org.dane4j.samples.jpms",
          "TlsaRecord in module org.dane4j.core",
          "DaneSmtpTransport in module org.dane4j.jakartamail",
          "DaneSmtpClient in module org.dane4j.netty",
          "transport org.dane4j.jakartamail.DaneSmtpTransport",
          "netty client org.dane4j.netty.DaneSmtpClient");
      assertThat(text).doesNotContain("(automatic)").doesNotContain("(unnamed)");
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
