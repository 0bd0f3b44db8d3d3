package org.dane4j.sts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link StsPolicyCache#file(Path)}: the in-memory cache, written through to one text file.
 *
 * <pre>
 * # dane4j MTA-STS policy cache 1
 * example.com 20260601T000000 2026-06-01T12:00:00Z dmVyc2lvbjogU1RTdjEK...
 * </pre>
 */
final class FileStsPolicyCache extends MemoryStsPolicyCache {
  static final String HEADER = "# dane4j MTA-STS policy cache 1";
  private static final Logger LOG = LoggerFactory.getLogger(FileStsPolicyCache.class);

  private final Path file;

  FileStsPolicyCache(Path file, int maxEntries) {
    super(maxEntries);
    this.file = Objects.requireNonNull(file, "file").toAbsolutePath();
    load();
  }

  private void load() {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the MTA-STS policy cache " + file, e);
    }
    if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
      LOG.warn("MTA-STS policy cache {} does not start with \"{}\": ignored, it will be overwritten", file, HEADER);
      return;
    }
    int skipped = 0;
    for (String line : lines.subList(1, lines.size())) {
      if (line.isBlank()) {
        continue;
      }
      try {
        String[] f = line.split(" ");
        if (f.length != 4) {
          throw new IllegalArgumentException("expected 4 fields");
        }
        String text = new String(Base64.getDecoder().decode(f[3]), StandardCharsets.UTF_8);
        store(new CachedStsPolicy(f[0], f[1], StsPolicy.parse(text), Instant.parse(f[2])));
      } catch (RuntimeException e) {
        skipped++;
      }
    }
    if (skipped > 0) {
      LOG.warn("MTA-STS policy cache {}: skipped {} unreadable entries", file, skipped);
    }
  }

  @Override
  void changed() {
    StringBuilder out = new StringBuilder(HEADER).append('\n');
    for (CachedStsPolicy e : new TreeMap<>(snapshot()).values()) {
      out.append(e.domain()).append(' ').append(e.id()).append(' ').append(e.fetchedAt()).append(' ')
          .append(Base64.getEncoder().encodeToString(e.policy().text().getBytes(StandardCharsets.UTF_8)))
          .append('\n');
    }
    Path dir = file.getParent();
    Path temp = null;
    try {
      Files.createDirectories(dir);
      temp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ch.write(StandardCharsets.UTF_8.encode(out.toString()));
        ch.force(true);
      }
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      LOG.warn("cannot write the MTA-STS policy cache {} (kept in memory): {}", file, e.toString());
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // nothing more to do
        }
      }
    }
  }

  @Override
  public String toString() {
    return "FileStsPolicyCache[" + file + "]";
  }

  Map<String, CachedStsPolicy> entries() {
    return snapshot();
  }
}
