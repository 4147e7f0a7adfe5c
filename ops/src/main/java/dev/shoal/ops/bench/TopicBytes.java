package dev.shoal.ops.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * Bytes the broker holds per topic (from its log dirs) and the topics' end offsets, to tell what a
 * benchmark wrote to Kafka: how much, and in how many records (a transactional topic's offsets count
 * its commit markers too).
 */
final class TopicBytes {
  /** Bytes and end offsets per topic at one moment. */
  record Reading(Map<String, Long> bytes, Map<String, Long> offsets) {}

  private TopicBytes() {}

  static Reading of(String bootstrap) throws Exception {
    Map<String, Long> out = new TreeMap<>();
    Map<String, Long> offsets = new TreeMap<>();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(n -> n.id()).toList();
      for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(brokers).allDescriptions().get().values()) {
        for (LogDirDescription d : dirs.values()) {
          for (Map.Entry<TopicPartition, ReplicaInfo> e : d.replicaInfos().entrySet()) {
            out.merge(e.getKey().topic(), e.getValue().size(), Long::sum);
          }
        }
      }
      Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
      for (TopicDescription t : admin.describeTopics(admin.listTopics(new ListTopicsOptions().listInternal(true))
          .names().get()).allTopicNames().get().values()) {
        t.partitions().forEach(p -> latest.put(new TopicPartition(t.name(), p.partition()), OffsetSpec.latest()));
      }
      admin.listOffsets(latest).all().get().forEach((tp, o) -> offsets.merge(tp.topic(), o.offset(), Long::sum));
    }
    return new Reading(out, offsets);
  }

  /** Per topic and in all, bytes and records written between two readings divided by the placements made. */
  static String perPlacement(Reading before, Reading after, long placements) {
    StringBuilder b = new StringBuilder("[scale] written to Kafka per placement:");
    b.append(String.format(Locale.ROOT, "%n    %-52s %8s %9s", "", "bytes", "records"));
    long total = 0;
    long records = 0;
    for (Map.Entry<String, Long> e : after.bytes().entrySet()) {
      long d = e.getValue() - before.bytes().getOrDefault(e.getKey(), 0L);
      long r = after.offsets().getOrDefault(e.getKey(), 0L) - before.offsets().getOrDefault(e.getKey(), 0L);
      if (d > 0) {
        total += d;
        records += r;
        b.append(String.format(Locale.ROOT, "%n    %-52s %8.0f %9.3f", e.getKey(), d / (double) placements,
            r / (double) placements));
      }
    }
    b.append(String.format(Locale.ROOT, "%n    %-52s %8.0f %9.3f", "all topics", total / (double) placements,
        records / (double) placements));
    return b.toString();
  }
}
