package dev.shoal.ops.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.stream.Collectors;

/**
 * Which garbage collector the bench's own JVM runs, so its output says under what it was measured:
 * this JVM hosts the broker, the gateway and the hollow agents, and with G1 its young pauses (their
 * medium-lived objects copied, 100–500 ms on two cores) took more of a run than the collector did
 * under {@code -XX:+UseParallelGC} (docs/benchmarks.md).
 */
final class BenchJvmCollector {
  private BenchJvmCollector() {}

  /** The collectors' names, as the JVM gives them (both start with "PS " for the parallel collector). */
  static String names() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .map(GarbageCollectorMXBean::getName)
        .collect(Collectors.joining(", "));
  }

  /** A line for the output: the collector, and what to run instead when it is not the measured one. */
  static String line() {
    String names = names();
    return "[scale] this JVM (broker, gateway, hollow nodes) collects with " + names
        + (names.startsWith("PS ") ? "" : "; docs/benchmarks.md measures it with java -XX:+UseParallelGC -jar …");
  }
}
