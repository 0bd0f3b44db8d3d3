package org.dane4j.sts;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache contract on {@link StsPolicyCache#file(Path)}: {@link #reopen()} reads the file anew, as after a
 * restart. (Two processes writing one file are not supported: the file cache is one sender's.)
 */
class FileStsPolicyCacheContractTest extends StsPolicyCacheContract {
  @TempDir
  Path dir;
  private StsPolicyCache cache;

  @Override
  StsPolicyCache open() {
    cache = StsPolicyCache.file(dir.resolve("mta-sts.cache"));
    return cache;
  }

  @Override
  StsPolicyCache reopen() {
    return new Reopened(dir.resolve("mta-sts.cache"), cache);
  }

  /** A fresh read of the file for every call, writes through the first cache (the file's one writer). */
  private record Reopened(Path file, StsPolicyCache writer) implements StsPolicyCache {
    @Override
    public java.util.Optional<CachedStsPolicy> get(String domain) {
      return StsPolicyCache.file(file).get(domain);
    }

    @Override
    public void put(CachedStsPolicy entry) {
      writer.put(entry);
    }

    @Override
    public void remove(String domain) {
      writer.remove(domain);
    }
  }
}
