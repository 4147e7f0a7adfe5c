package dev.shoal.ops.bench;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Requests the in-process broker handled, by type, and the time it spent on them (its own
 * {@code kafka.network:type=RequestMetrics} meters in this JVM's MBean server): what the broker's CPU in
 * a benchmark was spent answering.
 */
final class BrokerRequests {
  record Counts(long requests, double totalMs) {}

  private BrokerRequests() {}

  /** Requests and their total time so far, by request type; empty when no broker runs in this JVM. */
  static Map<String, Counts> now() {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    Map<String, Counts> out = new TreeMap<>();
    try {
      for (ObjectName n : server.queryNames(new ObjectName("kafka.network:type=RequestMetrics,name=RequestsPerSec,*"),
          null)) {
        String type = n.getKeyProperty("request");
        long count = ((Number) server.getAttribute(n, "Count")).longValue();
        Counts c = out.getOrDefault(type, new Counts(0, 0));
        out.put(type, new Counts(c.requests() + count, c.totalMs()));
      }
      for (ObjectName n : server.queryNames(new ObjectName("kafka.network:type=RequestMetrics,name=TotalTimeMs,*"),
          null)) {
        String type = n.getKeyProperty("request");
        double sum = ((Number) server.getAttribute(n, "Count")).doubleValue()
            * ((Number) server.getAttribute(n, "Mean")).doubleValue();
        Counts c = out.getOrDefault(type, new Counts(0, 0));
        out.put(type, new Counts(c.requests(), c.totalMs() + sum));
      }
    } catch (javax.management.JMException e) {
      throw new IllegalStateException("could not read the broker's request metrics", e);
    }
    return out;
  }

  /** The requests of the types that took most between two readings, over {@code seconds}. */
  static String between(Map<String, Counts> before, Map<String, Counts> after, double seconds) {
    StringBuilder b = new StringBuilder("[scale] the broker's requests over the run (per second; their total time, which for fetches includes"
        + " waiting for data):");
    after.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), new Counts(e.getValue().requests()
            - before.getOrDefault(e.getKey(), new Counts(0, 0)).requests(), e.getValue().totalMs()
            - before.getOrDefault(e.getKey(), new Counts(0, 0)).totalMs())))
        .filter(e -> e.getValue().requests() > 0)
        .sorted((x, y) -> Long.compare(y.getValue().requests(), x.getValue().requests()))
        .limit(8)
        .forEach(e -> b.append(String.format(Locale.ROOT, "%n    %-24s %9d (%7.0f/s; %8.1f s)", e.getKey(),
            e.getValue().requests(), e.getValue().requests() / seconds, e.getValue().totalMs() / 1000)));
    return b.toString();
  }
}
