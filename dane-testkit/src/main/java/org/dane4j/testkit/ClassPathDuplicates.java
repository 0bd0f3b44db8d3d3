package org.dane4j.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Finds classes that are on a class path more than once (two jars with {@code jakarta.mail.Session}, say), for
 * an application's test of its dependency alignment:
 *
 * <pre>{@code
 * assertThat(ClassPathDuplicates.ofTestClassPath()).isEmpty();
 * }</pre>
 *
 * <p>Each jar's {@code module-info}, {@code package-info} and {@code META-INF/} entries (multi-release variants)
 * are its own and are not compared.
 */
public final class ClassPathDuplicates {
  private ClassPathDuplicates() {}

  /**
   * The duplicates of the running tests' class path: Maven Surefire's {@code surefire.test.class.path} (its
   * {@code java.class.path} is only a manifest jar), else {@code java.class.path}.
   */
  public static Map<String, List<String>> ofTestClassPath() {
    return of(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
  }

  /**
   * Every class file (as {@code a/b/C.class}) found in two or more entries of {@code classPath} (jars and
   * folders, separated by {@link File#pathSeparator}), with the jar file names or folders that hold it.
   */
  public static Map<String, List<String>> of(String classPath) {
    Map<String, List<String>> where = new TreeMap<>();
    for (String entry : classPath.split(File.pathSeparator)) {
      if (entry.isEmpty()) {
        continue;
      }
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
    where.values().removeIf(holders -> holders.size() < 2);
    where.replaceAll((name, holders) -> List.copyOf(holders));
    return Collections.unmodifiableMap(where);
  }

  private static void add(Map<String, List<String>> where, String name, String from) {
    if (name.startsWith("META-INF/") || name.endsWith("module-info.class") || name.endsWith("package-info.class")) {
      return;
    }
    where.computeIfAbsent(name, n -> new ArrayList<>()).add(from);
  }
}
