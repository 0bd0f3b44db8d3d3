package org.dane4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassPathDuplicatesTest {
  @TempDir
  Path dir;

  private Path jar(String name, String... entries) throws Exception {
    Path jar = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
      for (String e : entries) {
        j.putNextEntry(new JarEntry(e));
        j.write(new byte[] {(byte) 0xca, (byte) 0xfe});
        j.closeEntry();
      }
    }
    return jar;
  }

  @Test
  @DisplayName("A class in a jar and in a folder is found twice; module-info, package-info and META-INF are not")
  void findsDuplicatesAcrossJarsAndFolders() throws Exception {
    Path api = jar("api.jar", "jakarta/mail/Session.class", "module-info.class", "jakarta/mail/package-info.class",
        "META-INF/versions/11/x/Y.class");
    Path impl = jar("impl.jar", "org/eclipse/angus/mail/smtp/SMTPTransport.class", "module-info.class",
        "jakarta/mail/package-info.class", "META-INF/versions/11/x/Y.class");
    Path classes = Files.createDirectories(dir.resolve("classes/jakarta/mail"));
    Files.write(classes.resolve("Session.class"), new byte[] {1});
    String path = api + File.pathSeparator + impl + File.pathSeparator + dir.resolve("classes");
    assertThat(ClassPathDuplicates.of(path)).containsOnlyKeys("jakarta/mail/Session.class")
        .containsEntry("jakarta/mail/Session.class", java.util.List.of("api.jar", dir.resolve("classes").toString()));
    assertThat(ClassPathDuplicates.of(api + File.pathSeparator + impl)).isEmpty();
  }
}
