package dev.shoal.agent;

import dev.shoal.schemas.Assignment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the node's assignment: only the partition of the compacted assignments topic that the node
 * id maps to (as Kafka's default partitioner maps keys), from the beginning, without a consumer
 * group. The partition holds one record per task placed on the node (key {@code <node>/<task>}, a
 * tombstone when it leaves) and the node's own record (key {@code <node>}: a refusal); the reader
 * keeps the node's whole set and hands it on, but only once it has read up to the end offset it saw
 * at start: before that a newer record may still be ahead, and converging to an older set could stop
 * tasks that are still wanted. No record at all is the empty set.
 */
final class AssignmentReader implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(AssignmentReader.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration METADATA_WAIT = Duration.ofSeconds(5);

  private final org.apache.kafka.clients.consumer.Consumer<String, byte[]> consumer;
  private final String topic;
  private final String nodeId;
  private final Deserializer<Assignment> values;
  private final Consumer<NodeSets.AssignedSet> onAssignment;
  private final NodeSets sets;
  private volatile boolean closed;
  private TopicPartition partition;
  private long endAtStart = -1;
  private boolean caughtUp;
  private boolean warned;

  AssignmentReader(org.apache.kafka.clients.consumer.Consumer<String, byte[]> consumer, String topic,
                   String nodeId, Deserializer<Assignment> values, Consumer<NodeSets.AssignedSet> onAssignment) {
    this.sets = new NodeSets(java.util.List.of(nodeId));
    this.consumer = consumer;
    this.topic = topic;
    this.nodeId = nodeId;
    this.values = values;
    this.onAssignment = onAssignment;
  }

  /** The partition Kafka's default partitioner gives the key {@code nodeId}. */
  static int partitionFor(String nodeId, int partitions) {
    return Utils.toPositive(Utils.murmur2(nodeId.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  @Override
  public void run() {
    try {
      while (!closed) {
        try {
          if (partition == null && !locate()) {
            continue;
          }
          readOnce();
          recovered();
        } catch (WakeupException e) {
          // close() woke us; the loop condition decides
        } catch (RuntimeException e) {
          problem(e.toString());
          pause();
        }
      }
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  private boolean locate() {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_WAIT);
    if (infos == null || infos.isEmpty()) {
      problem("topic " + topic + " does not exist (yet)");
      pause();
      return false;
    }
    TopicPartition tp = new TopicPartition(topic, partitionFor(nodeId, infos.size()));
    consumer.assign(List.of(tp));
    consumer.seekToBeginning(List.of(tp));
    // Set together and only once both are known: reading "caught up" against an unknown end
    // offset would hand on an empty set and stop every adopted task.
    endAtStart = consumer.endOffsets(List.of(tp), METADATA_WAIT).get(tp);
    partition = tp;
    LOG.info("node {} reads its assignment from {} (up to offset {} at start)", nodeId, partition, endAtStart);
    return true;
  }

  private void readOnce() {
    ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
    boolean changed = false;
    for (ConsumerRecord<String, byte[]> r : records) {
      try {
        changed |= sets.apply(r.key(), values.deserialize(r.topic(), r.value())) != null;
      } catch (RuntimeException e) {
        LOG.warn("ignoring unreadable assignment at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
      }
    }
    if (!caughtUp && consumer.position(partition) >= endAtStart) {
      caughtUp = true;
      onAssignment.accept(sets.current(nodeId));
    } else if (caughtUp && changed) {
      onAssignment.accept(sets.current(nodeId));
    }
  }

  private void problem(String what) {
    if (!warned) {
      warned = true;
      LOG.warn("cannot read the assignment of node {}: {}; retrying", nodeId, what);
    }
  }

  private void recovered() {
    if (warned) {
      warned = false;
      LOG.info("reading the assignment of node {} again", nodeId);
    }
  }

  private void pause() {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      closed = true;
    }
  }

  /** Makes {@link #run} return soon; the consumer is closed on its thread. */
  void close() {
    closed = true;
    consumer.wakeup();
  }
}
