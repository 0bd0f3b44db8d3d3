package org.dane4j.cli.tlsa;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The cases of a {@code *.transcript} test resource: hash-slinger's real stdout for one {@code tlsa --create}
 * command line per case, recorded by {@code src/test/resources/hash-slinger/capture.sh}.
 */
final class HashSlingerTranscript {
  private static final String HEADER = "$ tlsa --create ";

  /**
   * One recorded run.
   *
   * @param arguments the arguments after {@code tlsa --create}, the certificate's path made absolute
   * @param stdout exactly what hash-slinger printed
   */
  record Case(List<String> arguments, String stdout) {
    @Override
    public String toString() {
      return String.join(" ", arguments);
    }
  }

  private HashSlingerTranscript() {}

  static List<Case> cases(String transcript) {
    String[] lines = resource(transcript).split("\n", -1);
    List<Case> cases = new ArrayList<>();
    List<String> arguments = null;
    StringBuilder stdout = new StringBuilder();
    // The file ends with "\n", so the last element of lines is empty and not a line of output.
    for (int i = 0; i < lines.length - 1; i++) {
      if (lines[i].startsWith(HEADER)) {
        if (arguments != null) {
          cases.add(new Case(arguments, stdout.toString()));
        }
        arguments = withAbsoluteCertificate(lines[i].substring(HEADER.length()).split(" "));
        stdout.setLength(0);
      } else {
        stdout.append(lines[i]).append('\n');
      }
    }
    cases.add(new Case(arguments, stdout.toString()));
    return cases;
  }

  /** The text of a resource in the hash-slinger directory. */
  static String resource(String name) {
    try (InputStream in = HashSlingerTranscript.class.getResourceAsStream("/hash-slinger/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("missing test resource hash-slinger/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The absolute path of a resource in the hash-slinger directory. */
  static String path(String name) {
    URL url = HashSlingerTranscript.class.getResource("/hash-slinger/" + name);
    try {
      return Path.of(url.toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> withAbsoluteCertificate(String[] arguments) {
    List<String> list = new ArrayList<>(Arrays.asList(arguments));
    int i = list.indexOf("--certificate");
    list.set(i + 1, path(list.get(i + 1)));
    return list;
  }
}
