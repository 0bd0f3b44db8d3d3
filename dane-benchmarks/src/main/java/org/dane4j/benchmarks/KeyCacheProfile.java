package org.dane4j.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.dane4j.dns.DaneResolver;

/**
 * A short-lived process's cold plan with and without a warm persistent key cache
 * ({@link DaneResolver.Builder#keyCache}), interleaved in one JVM: each call builds a new resolver (with its own
 * threads, as the CLI does; with the file, building loads it), plans {@link DnsFixture#DOMAIN} and closes the
 * resolver. Reports the median time of build + plan and the questions the server received per call.
 *
 * <pre>{@code java -cp benchmarks.jar org.dane4j.benchmarks.KeyCacheProfile rtt=10 n=20 warmup=20 rounds=3}</pre>
 */
public final class KeyCacheProfile {
  private KeyCacheProfile() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = ProfileArgs.parse(args);
    long rtt = Long.parseLong(opts.getOrDefault("rtt", "0"));
    int n = Integer.parseInt(opts.getOrDefault("n", "20"));
    int warmup = Integer.parseInt(opts.getOrDefault("warmup", "20"));
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "3"));
    Path file = Files.createTempDirectory("dane4j-keycache").resolve("dnssec-keys");
    try (DnsFixture f = new DnsFixture(rtt)) {
      once(f, file); // writes the file (the fixture's clock is fixed: it never expires)
      for (int i = 0; i < warmup; i++) {
        once(f, null);
        once(f, file);
      }
      System.out.printf("rtt=%d ms n=%d warmup=%d, file %d bytes%n", rtt, n, warmup, Files.size(file));
      for (int round = 1; round <= rounds; round++) {
        for (Path p : new Path[] {null, file}) {
          List<Long> times = new ArrayList<>();
          int queries = 0;
          for (int i = 0; i < n; i++) {
            f.server.resetCounters();
            times.add(once(f, p));
            queries += f.server.queryCount();
          }
          Collections.sort(times);
          System.out.printf("round %d %-14s median %7.2f ms  min %7.2f ms  queries/call %.1f  %s%n", round,
              p == null ? "no key cache" : "warm key cache", times.get(n / 2) / 1e6, times.get(0) / 1e6,
              queries / (double) n, f.questions());
        }
      }
    }
  }

  /** Build, plan, close; the nanoseconds of build and plan. */
  private static long once(DnsFixture f, Path keyCache) {
    long start = System.nanoTime();
    DaneResolver.Builder b = f.resolverBuilder();
    if (keyCache != null) {
      b.keyCache(keyCache);
    }
    try (DaneResolver r = b.build()) {
      DnsFixture.checkPlan(DnsFixture.planner(r).plan(DnsFixture.DOMAIN).join());
      return System.nanoTime() - start;
    }
  }
}
