package org.dane4j.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The class path of this module's tests is a Spring Boot application with {@code spring-boot-starter-mail},
 * the actuator and this starter: no class may be on it twice (two copies of {@code jakarta.mail.Session} or
 * Angus's {@code SMTPTransport} make which one loads depend on the class path's order).
 */
class DuplicateClassesTest {
  /** Every class file of the class path, by name, with the jars or folders that hold it. */
  static Map<String, List<String>> classes(String classPath) {
    Map<String, List<String>> where = new TreeMap<>();
    for (String entry : classPath.split(File.pathSeparator)) {
      Path p = Path.of(entry);
      if (Files.isDirectory(p)) {
        try (Stream<Path> files = Files.walk(p)) {
          files.filter(f -> f.toString().endsWith(".class"))
              .forEach(f -> add(where, p.relativize(f).toString().replace(File.separatorChar, '/'), entry));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      } else if (entry.endsWith(".jar") && Files.isRegularFile(p)) {
        try (JarFile jar = new JarFile(p.toFile())) {
          for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
            String name = e.nextElement().getName();
            if (name.endsWith(".class")) {
              add(where, name, p.getFileName().toString());
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    where.values().removeIf(jars -> jars.size() < 2);
    return where;
  }

  private static void add(Map<String, List<String>> where, String name, String from) {
    // each jar has its own module-info and package-info; multi-release variants belong to their jar
    if (name.startsWith("META-INF/") || name.endsWith("module-info.class") || name.endsWith("package-info.class")) {
      return;
    }
    where.computeIfAbsent(name, n -> new ArrayList<>()).add(from);
  }

  @Test
  @DisplayName("Dependency alignment: a Spring Boot app with spring-boot-starter-mail and the starter has no class twice")
  void noDuplicateClasses() {
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Map<String, List<String>> duplicates = classes(classPath);
    Map<String, List<String>> sample = new TreeMap<>();
    duplicates.entrySet().stream().limit(10).forEach(e -> sample.put(e.getKey(), e.getValue()));
    assertThat(duplicates).as("%d classes twice, e.g. %s", duplicates.size(), sample).isEmpty();
    assertThat(classPath).contains("jakarta.mail"); // the scan saw Jakarta Mail at all
  }
}
