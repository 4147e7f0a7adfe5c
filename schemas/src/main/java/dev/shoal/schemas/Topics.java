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

  /** Partitions of {@code shoal.logs}: a read scans one partition, so more of them means less to scan. */
  public static final int LOG_PARTITIONS = 12;
  /** How long {@code shoal.logs} keeps lines. */
  public static final java.time.Duration LOG_RETENTION = java.time.Duration.ofDays(3);
  /** How many bytes each partition of {@code shoal.logs} keeps at most (the oldest segments go first). */
  public static final long LOG_RETENTION_BYTES = 256L * 1024 * 1024;

  private final String prefix;

  public final TopicSpec<String, String> specs;
  public final TopicSpec<String, String> commands;
  public final TopicSpec<String, String> taskStatus;
  public final TopicSpec<String, String> heartbeats;
  public final TopicSpec<String, ControlMessage> control;
  public final TopicSpec<String, String> liveness;
  public final TopicSpec<String, String> timers;
  public final TopicSpec<String, Service> services;
  public final TopicSpec<String, Task> tasks;
  public final TopicSpec<String, Assignment> assignments;
  public final TopicSpec<String, Node> nodes;
  public final TopicSpec<String, ClusterEvent> events;
  public final TopicSpec<String, ClusterInfo> cluster;
  public final TopicSpec<String, LogBatch> logs;

  public Topics(String prefix) {
    this.prefix = prefix == null ? "" : prefix;
    Serde<String> s = Serdes.String();
    // Input logs have one partition: the decision task reads them all (one owner and one order for
    // every key, whatever partitioner the producer used: kcat's is not Java's), and the control log
    // it writes has one. Their records carry the broker's append time: decision time is broker
    // time, never a producer's clock.
    specs = topic("shoal.specs", s, s, 1, input(Limits.MAX_SPEC_BYTES, "-1"));
    commands = topic("shoal.commands", s, s, 1, input(Limits.MAX_COMMAND_BYTES, "-1"));
    taskStatus = topic("shoal.task-status", s, s, 1, input(Limits.MAX_STATUS_BATCH_BYTES, "2592000000"));
    // Liveness compares heartbeat times with its own clock, not the agents'.
    heartbeats = topic("shoal.heartbeats", s, s, 1, input(Limits.MAX_HEARTBEAT_BYTES, "3600000"));
    // Written by the orchestrator itself (node up and down from liveness; due timers) and read back,
    // validated like any input, so that these decisions too are made at broker time.
    liveness = topic("shoal.liveness", s, s, 1, input(Limits.MAX_CONTROL_BYTES, "604800000"));
    timers = topic("shoal.timers", s, s, 1, input(Limits.MAX_CONTROL_BYTES, "604800000"));
    // The control log: every input as decided, in decision order, with its decision time as the
    // record time (DESIGN principle 2): written by the decision task in the same transaction as
    // the state it changed; replaying it reproduces every decision. One partition on purpose.
    control = topic("shoal.control", s, new JsonSerde<>(ControlMessage.class), 1,
        Map.of("cleanup.policy", "delete", "retention.ms", "-1", MAX_BYTES, OUTPUT_MAX));
    services = topic("shoal.services", s, JsonSerde.ownRecords(Service.class), 3, compacted());
    tasks = topic("shoal.tasks", s, JsonSerde.ownRecords(Task.class), 3, compacted());
    assignments = topic("shoal.assignments", s, JsonSerde.ownRecords(Assignment.class), 6, compacted());
    nodes = topic("shoal.nodes", s, JsonSerde.ownRecords(Node.class), 3, compacted());
    // Append time: an event's record time says when it was published (its body says when it was decided).
    events = topic("shoal.events", s, JsonSerde.ownRecords(ClusterEvent.class), 3, Map.of("cleanup.policy", "delete",
        "retention.ms", "604800000", MAX_BYTES, OUTPUT_MAX, "message.timestamp.type", "LogAppendTime"));
    cluster = topic("shoal.cluster", s, JsonSerde.ownRecords(ClusterInfo.class), 1, compacted());
    // Tasks' output, keyed by task id. Bounded by time and by size per partition (retention.bytes
    // counts per partition; small segments let it delete in small steps). Append time, so a reader
    // finds a task's lines from its creation time with offsetsForTimes. Only agents write it (Java
    // producers, one record per batch), so the broker's limit can sit close above the agents' own.
    logs = topic("shoal.logs", s, new JsonSerde<>(LogBatch.class), LOG_PARTITIONS, Map.of("cleanup.policy", "delete",
        "retention.ms", Long.toString(LOG_RETENTION.toMillis()), "retention.bytes", Long.toString(LOG_RETENTION_BYTES),
        "segment.bytes", Integer.toString(32 * 1024 * 1024), "segment.ms", "3600000",
        MAX_BYTES, Integer.toString(2 * LogBatch.MAX_BYTES), "message.timestamp.type", "LogAppendTime"));
  }

  /**
   * An input log: delete policy with the given retention. The broker's own limit stays at 1 MiB (a
   * producer such as librdkafka batches many small records into one batch, which a tighter topic
   * limit would refuse whole); the intake enforces {@code maxBytes} per record with a rejection event.
   */
  private static Map<String, String> input(int maxBytes, String retentionMs) {
    return Map.of("cleanup.policy", "delete", "retention.ms", retentionMs, MAX_BYTES, OUTPUT_MAX,
        "message.timestamp.type", "LogAppendTime");
  }

  private static Map<String, String> compacted() {
    return Map.of("cleanup.policy", "compact", "min.cleanable.dirty.ratio", "0.1", "segment.ms", "3600000",
        MAX_BYTES, OUTPUT_MAX);
  }

  /** The input logs: the topics the orchestrator reads and validates (any client with access may write them). */
  public List<TopicSpec<?, ?>> inputs() {
    return List.of(specs, commands, taskStatus, heartbeats, liveness, timers);
  }

  public static Topics defaults() {
    return new Topics("");
  }

  public String prefix() {
    return prefix;
  }

  public List<TopicSpec<?, ?>> all() {
    return List.of(specs, commands, taskStatus, heartbeats, liveness, timers, control, services, tasks, assignments,
        nodes, events, cluster, logs);
  }

  private <K, V> TopicSpec<K, V> topic(String name, Serde<K> k, Serde<V> v, int partitions, Map<String, String> cfg) {
    return new TopicSpec<>(prefix + name, k, v, partitions, cfg);
  }
}
