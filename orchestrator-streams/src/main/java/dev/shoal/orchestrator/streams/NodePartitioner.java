package dev.shoal.orchestrator.streams;

import dev.shoal.schemas.Assignment;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Puts every assignment record of a node (its task records {@code <node>/<task>} and its node
 * record) in the partition Kafka's default partitioner gives the node id, so a node's agent reads
 * one partition and finds its whole set there.
 */
final class NodePartitioner implements StreamPartitioner<String, byte[]> {
  @Override
  public Optional<Set<Integer>> partitions(String topic, String key, byte[] value, int numPartitions) {
    return Optional.of(Set.of(partitionOf(partitionKey(key), numPartitions)));
  }

  /** The key whose default partition an assignment record with {@code key} goes to: its node id. */
  static String partitionKey(String key) {
    return Assignment.nodeOf(key);
  }

  /** As Kafka's default partitioner for a string key. */
  static int partitionOf(String nodeId, int numPartitions) {
    return Utils.toPositive(Utils.murmur2(nodeId.getBytes(StandardCharsets.UTF_8))) % numPartitions;
  }
}
