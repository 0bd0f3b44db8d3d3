package org.dane4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The runnable jar as shipped (target/dane4j.jar, built by the shade plugin): no JUnit in it, and {@code demo},
 * which runs the testkit's DNS world and SMTP servers, still works from it in a fresh JVM (issue #15).
 *
 * <p>Runs in the phase integration-test (after packaging; see dane-cli/pom.xml), which sets the system
 * property {@code dane4j.shadedJar}; run in the test phase (e.g. {@code -Dtest=ShadedJarTest}) it is skipped.
 */
class ShadedJarTest {
  private static Path jar() {
    String jar = System.getProperty("dane4j.shadedJar");
    assumeTrue(jar != null, "dane4j.shadedJar is set by the integration-test execution, after the shade plugin");
    Path path = Paths.get(jar);
    assertThat(path).isRegularFile();
    return path;
  }

  @Test
  @DisplayName("the runnable jar carries neither JUnit nor the testkit's JUnit extensions")
  void noJunitInTheRunnableJar() throws IOException {
    List<String> entries;
    try (ZipFile zip = new ZipFile(jar().toFile())) {
      entries = zip.stream().map(ZipEntry::getName).collect(Collectors.toList());
    }
    // what the demo does need is there
    assertThat(entries).contains("org/dane4j/testkit/MailWorld.class", "org/dane4j/testkit/dns/DnsWorld.class",
        "org/dane4j/testkit/smtp/SmtpTestServer.class", "org/dane4j/testkit/CertificateMinter.class",
        "org/dane4j/cli/demo/DemoCommand.class");
    List<String> junit = entries.stream()
        .filter(name -> name.startsWith("org/junit/") || name.startsWith("org/opentest4j/")
            || name.startsWith("org/apiguardian/") || name.contains("WorldExtension")
            || name.startsWith("META-INF/maven/org.junit"))
        .collect(Collectors.toList());
    assertThat(junit).as("JUnit entries in %s", jar()).isEmpty();
  }

  @Test
  @DisplayName("dane4j demo runs from the runnable jar in its own JVM, with no JUnit on its class path")
  void demoRunsFromTheJar() throws Exception {
    Path jar = jar();
    Path out = Files.createTempFile("dane4j-demo", ".out");
    try {
      Process demo = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
          "-jar", jar.toString(), "demo")
          .redirectErrorStream(true).redirectOutput(out.toFile()).start();
      // generous: a demo takes seconds, on a loaded machine more
      boolean ended = demo.waitFor(5, TimeUnit.MINUTES);
      if (!ended) {
        demo.destroyForcibly();
      }
      String text = Files.readString(out, StandardCharsets.UTF_8);
      assertThat(ended).as("demo ended within 5 minutes; output so far:%n%s", text).isTrue();
      assertThat(demo.exitValue()).as(text).isZero();
      assertThat(text).contains("9 of 9 scenarios ended as expected.").doesNotContain("NoClassDefFoundError");
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
