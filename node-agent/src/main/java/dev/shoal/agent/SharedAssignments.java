package dev.shoal.agent;

import dev.shoal.schemas.Assignment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer reading the assignments of many nodes in this JVM, for hollow nodes: every
 * partition of the topic, folded into each subscribed node's set ({@link NodeSets}), handed to the
 * node's agent once the reader has caught up with what the topic held at start, then on every change
 * — what each agent's own {@link AssignmentReader} does for one node. Subscribe before {@link #start}.
 */
public final class SharedAssignments implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SharedAssignments.class);

  private final KafkaConsumer<String, byte[]> consumer;
  private final String topic;
  private final Deserializer<Assignment> values;
  private final Map<String, Consumer<NodeSets.AssignedSet>> listeners = new ConcurrentHashMap<>();
  private final NodeSets sets = new NodeSets(List.of());
  private final Thread thread;
  private volatile boolean closed;

  public SharedAssignments(Map<String, Object> consumerProperties, String topic, Deserializer<Assignment> values) {
    Map<String, Object> p = new HashMap<>(consumerProperties);
    p.put("enable.auto.commit", "false");
    p.put("isolation.level", "read_committed");
    p.put("max.partition.fetch.bytes", 8 << 20);
    // A decision places a service's replicas over many nodes, so a poll of Kafka's default 500
    // records gives each of a thousand nodes one task, and each node converges over its whole set
    // once per task: passes that grow with the square of the node's tasks. Polls as large as a
    // fetch hand each node its tasks in a few sets, as a node's own reader gets them.
    p.put("max.poll.records", 50_000);
    this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    this.topic = topic;
    this.values = values;
    this.thread = new Thread(this::run, "shoal-shared-assignments");
    this.thread.setDaemon(true);
  }

  synchronized void subscribe(String nodeId, Consumer<NodeSets.AssignedSet> listener) {
    listeners.put(nodeId, listener);
    sets.follow(nodeId);
  }

  public void start() {
    thread.start();
  }

  private void run() {
    try {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
      List<TopicPartition> parts = new ArrayList<>();
      infos.forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> ends = consumer.endOffsets(parts);
      boolean caughtUp = false;
      while (!closed) {
        Set<String> changed = new HashSet<>();
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          try {
            String node;
            synchronized (this) {
              node = sets.apply(r.key(), values.deserialize(r.topic(), r.value()));
            }
            if (node != null) {
              changed.add(node);
            }
          } catch (RuntimeException e) {
            LOG.warn("ignoring unreadable assignment at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
          }
        }
        if (!caughtUp && ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
          caughtUp = true;
          changed = listeners.keySet();
        }
        if (caughtUp) {
          for (String node : changed) {
            NodeSets.AssignedSet set;
            synchronized (this) {
              set = sets.current(node);
            }
            listeners.get(node).accept(set);
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  @Override
  public void close() {
    closed = true;
    consumer.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
