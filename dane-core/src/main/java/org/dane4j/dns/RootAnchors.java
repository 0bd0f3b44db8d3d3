package org.dane4j.dns;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The IANA root trust anchors shipped as a resource: KSK-2017 (20326) and KSK-2024 (38696) (DNS-3). */
final class RootAnchors {
  private static final String RESOURCE = "root-anchors.txt";

  private RootAnchors() {}

  static String text() {
    try (InputStream in = RootAnchors.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource org/dane4j/dns/" + RESOURCE);
      }
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
