package org.dane4j.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.dane4j.testkit.ClassPathDuplicates;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The class path of this module's tests is a Spring Boot 3.5 application with {@code spring-boot-starter-mail},
 * the actuator and this starter: no class may be on it twice (two copies of {@code jakarta.mail.Session} or
 * Angus's {@code SMTPTransport} make which one loads depend on the class path's order).
 */
class DuplicateClassesTest {
  @Test
  @DisplayName("Dependency alignment: a Spring Boot app with spring-boot-starter-mail and the starter has no class twice")
  void noDuplicateClasses() {
    Map<String, List<String>> duplicates = ClassPathDuplicates.ofTestClassPath();
    Map<String, List<String>> sample = new TreeMap<>();
    duplicates.entrySet().stream().limit(10).forEach(e -> sample.put(e.getKey(), e.getValue()));
    assertThat(duplicates).as("%d classes twice, e.g. %s", duplicates.size(), sample).isEmpty();
    assertThat(System.getProperty("surefire.test.class.path")).contains("angus"); // it saw Jakarta Mail at all
  }
}
