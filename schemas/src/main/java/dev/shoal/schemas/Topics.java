package dev.shoal.schemas;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The topic catalogue: every topic Shoal uses, with its key and value types and configs. This is
 * the truth that DESIGN.md's topic table summarises.
 *
 * <p>Input logs that any client may write ({@code specs}, {@code commands}, {@code task-status},
 * {@code heartbeats}) carry raw strings: the orchestrator's intake parses them and turns a bad
 * record into a rejection event instead of a stopped stream. Derived topics carry typed JSON.
 *
 * <p>A prefix lets several clusters (or test classes) share one broker; the default is none.
 */
public final class Topics {
  private static final String MAX_BYTES = "max.message.bytes";
  private static final String OUTPUT_MAX = Integer.toString(1024 * 1024 + 12);

  private final String prefix;

  public final TopicSpec<String, String> specs;
  public final TopicSpec<String, String> commands;
  public final TopicSpec<String, String> taskStatus;
  public final TopicSpec<String, String> heartbeats;
  public final TopicSpec<String, ControlMessage> control;
  public final TopicSpec<String, Service> services;
  public final TopicSpec<String, Task> tasks;
  public final TopicSpec<String, Assignment> assignments;
  public final TopicSpec<String, Node> nodes;
  public final TopicSpec<String, ClusterEvent> events;
  public final TopicSpec<String, ClusterInfo> cluster;

  public Topics(String prefix) {
    this.prefix = prefix == null ? "" : prefix;
    Serde<String> s = Serdes.String();
    // Input logs have one partition: the control log they feed has one, so more would add no
    // throughput, and one partition gives every key one owner and one order whatever partitioner
    // the producer used (kcat's is not Java's).
    specs = topic("shoal.specs", s, s, 1, input(Limits.MAX_SPEC_BYTES, "-1"));
    commands = topic("shoal.commands", s, s, 1, input(Limits.MAX_COMMAND_BYTES, "-1"));
    taskStatus = topic("shoal.task-status", s, s, 1, input(Limits.MAX_STATUS_BYTES, "2592000000"));
    // Broker append time: liveness compares heartbeat times with its own clock, not the agents'.
    Map<String, String> hb = new java.util.TreeMap<>(input(Limits.MAX_HEARTBEAT_BYTES, "3600000"));
    hb.put("message.timestamp.type", "LogAppendTime");
    heartbeats = topic("shoal.heartbeats", s, s, 1, hb);
    // One partition on purpose: one ordered history of every decision input (DESIGN principle 2).
    // Log-append time: a decision's time is the broker's, never a producer's clock.
    Map<String, String> ctl = new java.util.TreeMap<>(input(Limits.MAX_CONTROL_BYTES, "-1"));
    ctl.put("message.timestamp.type", "LogAppendTime");
    control = topic("shoal.control", s, new JsonSerde<>(ControlMessage.class), 1, ctl);
    services = topic("shoal.services", s, new JsonSerde<>(Service.class), 3, compacted());
    tasks = topic("shoal.tasks", s, new JsonSerde<>(Task.class), 3, compacted());
    assignments = topic("shoal.assignments", s, new JsonSerde<>(Assignment.class), 6, compacted());
    nodes = topic("shoal.nodes", s, new JsonSerde<>(Node.class), 3, compacted());
    events = topic("shoal.events", s, new JsonSerde<>(ClusterEvent.class), 3,
        Map.of("cleanup.policy", "delete", "retention.ms", "604800000", MAX_BYTES, OUTPUT_MAX));
    cluster = topic("shoal.cluster", s, new JsonSerde<>(ClusterInfo.class), 1, compacted());
  }

  /**
   * An input log: delete policy with the given retention. The broker's own limit stays at 1 MiB (a
   * producer such as librdkafka batches many small records into one batch, which a tighter topic
   * limit would refuse whole); the intake enforces {@code maxBytes} per record with a rejection event.
   */
  private static Map<String, String> input(int maxBytes, String retentionMs) {
    return Map.of("cleanup.policy", "delete", "retention.ms", retentionMs, MAX_BYTES, OUTPUT_MAX);
  }

  private static Map<String, String> compacted() {
    return Map.of("cleanup.policy", "compact", "min.cleanable.dirty.ratio", "0.1", "segment.ms", "3600000",
        MAX_BYTES, OUTPUT_MAX);
  }

  /** The input logs: the topics any client may write and the orchestrator validates. */
  public List<TopicSpec<?, ?>> inputs() {
    return List.of(specs, commands, taskStatus, heartbeats, control);
  }

  public static Topics defaults() {
    return new Topics("");
  }

  public String prefix() {
    return prefix;
  }

  public List<TopicSpec<?, ?>> all() {
    return List.of(specs, commands, taskStatus, heartbeats, control, services, tasks, assignments, nodes, events,
        cluster);
  }

  private <K, V> TopicSpec<K, V> topic(String name, Serde<K> k, Serde<V> v, int partitions, Map<String, String> cfg) {
    return new TopicSpec<>(prefix + name, k, v, partitions, cfg);
  }
}
