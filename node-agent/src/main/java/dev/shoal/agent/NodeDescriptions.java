package dev.shoal.agent;

import dev.shoal.schemas.NodeDescription;
import dev.shoal.schemas.NodeResources;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/** What the agent says about its machine in heartbeats. */
final class NodeDescriptions {
  static final String ADDRESS = "127.0.0.1";

  private NodeDescriptions() {}

  static NodeDescription describe(NodeAgentConfig config, String hostname, Runtimes runtimes) {
    return new NodeDescription(hostname, ADDRESS, resources(config), List.copyOf(runtimes.drivers()),
        new TreeMap<>(config.engineLabels()),
        System.getProperty("os.name", "unknown").toLowerCase(Locale.ROOT),
        System.getProperty("os.arch", "unknown"),
        runtimes.versions(), runtimes.names());
  }

  static NodeResources resources(NodeAgentConfig config) {
    double cpus = config.cpus() != null ? config.cpus() : Runtime.getRuntime().availableProcessors();
    long memory = config.memoryBytes() != null ? config.memoryBytes() : totalMemory();
    return new NodeResources(cpus, memory);
  }

  /** Physical memory (or the container's limit); falls back to the JVM's max heap without the JDK's extension. */
  static long totalMemory() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getTotalMemorySize();
    }
    return Runtime.getRuntime().maxMemory();
  }
}
