package org.dane4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Where the commands keep their DNSSEC key cache ({@link CommonOptions#defaultKeyCache}). */
class KeyCachePlaceTest {
  @Test
  @DisplayName("the key cache's default place: $XDG_CACHE_HOME when absolute (XDG Base Directory), else ~/.cache")
  void xdgCacheHomeElseHomeCache() {
    assertThat(CommonOptions.defaultKeyCache("/var/cache/me", "/home/me"))
        .isEqualTo(Path.of("/var/cache/me/dane4j/dnssec-keys"));
    assertThat(CommonOptions.defaultKeyCache("relative/cache", "/home/me"))
        .isEqualTo(Path.of("/home/me/.cache/dane4j/dnssec-keys"));
    assertThat(CommonOptions.defaultKeyCache("", "/home/me")).isEqualTo(Path.of("/home/me/.cache/dane4j/dnssec-keys"));
    assertThat(CommonOptions.defaultKeyCache(null, "")).isNull();
  }
}
