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
  private static final Map<String, String> KEPT_FOREVER = Map.of("cleanup.policy", "delete", "retention.ms", "-1");
  private static final Map<String, String> COMPACTED = Map.of(
      "cleanup.policy", "compact", "min.cleanable.dirty.ratio", "0.1", "segment.ms", "3600000");

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
    specs = topic("shoal.specs", s, s, 3, KEPT_FOREVER);
    commands = topic("shoal.commands", s, s, 3, KEPT_FOREVER);
    taskStatus = topic("shoal.task-status", s, s, 3, Map.of("cleanup.policy", "delete", "retention.ms", "2592000000"));
    // Broker append time: liveness compares heartbeat times with its own clock, not the agents'.
    heartbeats = topic("shoal.heartbeats", s, s, 3, Map.of("cleanup.policy", "delete", "retention.ms", "3600000",
        "message.timestamp.type", "LogAppendTime"));
    // One partition on purpose: one ordered history of every decision input (DESIGN principle 2).
    control = topic("shoal.control", s, new JsonSerde<>(ControlMessage.class), 1, KEPT_FOREVER);
    services = topic("shoal.services", s, new JsonSerde<>(Service.class), 3, COMPACTED);
    tasks = topic("shoal.tasks", s, new JsonSerde<>(Task.class), 3, COMPACTED);
    assignments = topic("shoal.assignments", s, new JsonSerde<>(Assignment.class), 6, COMPACTED);
    nodes = topic("shoal.nodes", s, new JsonSerde<>(Node.class), 3, COMPACTED);
    events = topic("shoal.events", s, new JsonSerde<>(ClusterEvent.class), 3,
        Map.of("cleanup.policy", "delete", "retention.ms", "604800000"));
    cluster = topic("shoal.cluster", s, new JsonSerde<>(ClusterInfo.class), 1, COMPACTED);
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
