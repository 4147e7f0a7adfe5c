package dev.shoal.ops.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.common.TopicPartition;

/** Bytes the broker holds per topic (from its log dirs), to tell what a benchmark wrote to Kafka. */
final class TopicBytes {
  private TopicBytes() {}

  static Map<String, Long> of(String bootstrap) throws Exception {
    Map<String, Long> out = new TreeMap<>();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(n -> n.id()).toList();
      for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(brokers).allDescriptions().get().values()) {
        for (LogDirDescription d : dirs.values()) {
          for (Map.Entry<TopicPartition, ReplicaInfo> e : d.replicaInfos().entrySet()) {
            out.merge(e.getKey().topic(), e.getValue().size(), Long::sum);
          }
        }
      }
    }
    return out;
  }

  /** Per topic and in all, bytes written between two readings divided by the placements made. */
  static String perPlacement(Map<String, Long> before, Map<String, Long> after, long placements) {
    StringBuilder b = new StringBuilder("[scale] bytes written to Kafka per placement:");
    long total = 0;
    for (Map.Entry<String, Long> e : after.entrySet()) {
      long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
      if (d > 0) {
        total += d;
        b.append(String.format(Locale.ROOT, "%n    %-52s %8.0f", e.getKey(), d / (double) placements));
      }
    }
    b.append(String.format(Locale.ROOT, "%n    %-52s %8.0f", "all topics", total / (double) placements));
    return b.toString();
  }
}
