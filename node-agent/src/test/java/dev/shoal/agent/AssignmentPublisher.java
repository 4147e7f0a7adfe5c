package dev.shoal.agent;

import dev.shoal.schemas.Assignment;
import dev.shoal.schemas.Task;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes a node's whole set as the orchestrator does: one record per task under
 * {@code <node>/<task>}, a tombstone for a task that left the set, all in the partition of the node
 * id (where the agent reads).
 */
final class AssignmentPublisher {
  private final Producer<String, Assignment> producer;
  private final String topic;
  private final Map<String, Set<String>> published = new HashMap<>();

  AssignmentPublisher(Producer<String, Assignment> producer, String topic) {
    this.producer = producer;
    this.topic = topic;
  }

  void publish(String nodeId, long sequence, List<Task> tasks) throws Exception {
    int partition = AssignmentReader.partitionFor(nodeId, producer.partitionsFor(topic).size());
    Set<String> now = new TreeSet<>();
    for (Task t : tasks) {
      now.add(t.id());
      producer.send(new ProducerRecord<>(topic, partition, Assignment.key(nodeId, t.id()),
          new Assignment(nodeId, sequence, t, null))).get();
    }
    for (String gone : published.getOrDefault(nodeId, Set.of())) {
      if (!now.contains(gone)) {
        producer.send(new ProducerRecord<>(topic, partition, Assignment.key(nodeId, gone), null)).get();
      }
    }
    published.put(nodeId, now);
  }
}
