package org.dane4j.benchmarks;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;
import java.lang.management.BufferPoolMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.management.ObjectName;

/**
 * The memory of this JVM after full garbage collections: the live heap from a class histogram (the
 * {@code GC.class_histogram} diagnostic command, which collects first and counts reachable objects only),
 * the heap used by the {@code MemoryMXBean} for comparison, and the memory outside the heap that Netty
 * buffers may hold: what {@link ByteBufAllocator#DEFAULT} reports as used (direct and heap), the JDK's
 * {@code direct} buffer pool and Netty's own direct-memory counter. The histogram is kept in a file, not in
 * the heap, so that an earlier snapshot adds nothing to a later one.
 */
final class MemorySnapshot {
  private static final Pattern ROW = Pattern.compile("\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*");
  private static final Pattern TOTAL = Pattern.compile("Total\\s+(\\d+)\\s+(\\d+)\\s*");

  final long heapLive;
  final long heapUsedMx;
  final long allocDirect;
  final long allocHeap;
  final long jdkDirect;
  final long nettyDirect;
  private final Path histogram;

  private MemorySnapshot(long heapLive, long heapUsedMx, Path histogram) {
    this.heapLive = heapLive;
    this.heapUsedMx = heapUsedMx;
    this.histogram = histogram;
    ByteBufAllocator a = ByteBufAllocator.DEFAULT;
    this.allocDirect = a instanceof ByteBufAllocatorMetricProvider p ? p.metric().usedDirectMemory() : -1;
    this.allocHeap = a instanceof ByteBufAllocatorMetricProvider p ? p.metric().usedHeapMemory() : -1;
    this.jdkDirect = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
        .filter(b -> b.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    this.nettyDirect = PlatformDependent.usedDirectMemory();
  }

  static String allocatorName() {
    return ByteBufAllocator.DEFAULT.getClass().getSimpleName();
  }

  /** Collects garbage (and lets cleaners free direct buffers), then measures; the histogram goes to a file. */
  static MemorySnapshot take() throws Exception {
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(100);
    }
    String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
        new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
        new Object[] {new String[0]}, new String[] {String[].class.getName()});
    long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    Matcher m = TOTAL.matcher(histogram.substring(histogram.lastIndexOf("Total")).strip());
    if (!m.matches()) {
      throw new IllegalStateException("no Total line in the class histogram");
    }
    Path file = Files.createTempFile("dane4j-histogram-", ".txt");
    file.toFile().deleteOnExit();
    Files.writeString(file, histogram, StandardCharsets.UTF_8);
    return new MemorySnapshot(Long.parseLong(m.group(2)), used, file);
  }

  /** Class name &rarr; {instances, bytes}. */
  private static Map<String, long[]> byClass(Path file) throws IOException {
    Map<String, long[]> byClass = new HashMap<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      Matcher m = ROW.matcher(line);
      if (m.matches()) {
        long[] v = byClass.computeIfAbsent(m.group(3), k -> new long[2]);
        v[0] += Long.parseLong(m.group(1));
        v[1] += Long.parseLong(m.group(2));
      }
    }
    return byClass;
  }

  /**
   * Memory outside the Java heap: the larger of the JDK's direct buffer pool and Netty's counter. They are
   * not added up: Netty 4.2 on JDK 17 allocates its direct chunks through the JDK and counts them too, so
   * both see the same bytes (when Netty allocates without a cleaner, only its counter sees them).
   */
  long offHeap() {
    return Math.max(jdkDirect, nettyDirect);
  }

  /** The growth from {@code base} divided by {@code n}. */
  String perDelivery(MemorySnapshot base, int n) {
    return String.format("heap %d B (MXBean %d B), JDK direct %d B, Netty counter %d B, allocator direct %d B "
        + "heap %d B", (heapLive - base.heapLive) / n, (heapUsedMx - base.heapUsedMx) / n,
        (jdkDirect - base.jdkDirect) / n, (nettyDirect - base.nettyDirect) / n,
        (allocDirect - base.allocDirect) / n, (allocHeap - base.allocHeap) / n);
  }

  /** The {@code top} classes whose live bytes grew most from {@code base}: bytes and objects per delivery. */
  String topGrowth(MemorySnapshot base, int n, int top) throws IOException {
    Map<String, long[]> before = byClass(base.histogram);
    return byClass(histogram).entrySet().stream().map(e -> {
      long[] was = before.getOrDefault(e.getKey(), new long[2]);
      return Map.entry(e.getKey(), new long[] {e.getValue()[0] - was[0], e.getValue()[1] - was[1]});
    }).sorted(Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[1]).reversed()).limit(top)
        .map(e -> String.format("%s %d B (%.1f objects)", e.getKey(), e.getValue()[1] / n,
            e.getValue()[0] / (double) n))
        .collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return String.format("heap %d B (MXBean %d B), JDK direct %d B, Netty counter %d B, allocator direct %d B "
        + "heap %d B", heapLive, heapUsedMx, jdkDirect, nettyDirect, allocDirect, allocHeap);
  }
}
