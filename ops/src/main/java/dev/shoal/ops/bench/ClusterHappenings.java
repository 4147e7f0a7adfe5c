package dev.shoal.ops.bench;

import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What happened to the cluster during a bench run besides what the bench asked for: the cluster
 * events by type (a {@code node.down} of a live hollow node, say, costs all its tasks), the first
 * few of the kinds that mean trouble, the tasks by state, and the orchestrator's warnings. A run's
 * figures mean little without them: a scale run once restarted 73,000 of its 100,000 tasks and
 * printed nothing about it.
 */
final class ClusterHappenings {
  private static final List<String> TROUBLE = List.of("node.down", "liveness.", "heartbeat.rejected",
      "task-status.rejected", "task.failed", "node.join-refused");
  private static final int EXAMPLES = 3;
  private static final int WARNINGS = 20;

  private ClusterHappenings() {}

  /** The events of {@code shoal.events} with a broker time in {@code [fromMillis, toMillis]}, by type. */
  static String events(String bootstrap, long fromMillis, long toMillis) {
    Topics topics = Topics.defaults();
    Map<String, Integer> byType = new TreeMap<>();
    Map<String, List<String>> examples = new TreeMap<>();
    try (KafkaConsumer<String, ClusterEvent> c = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
        "isolation.level", "read_committed"), new StringDeserializer(), topics.events.valueSerde().deserializer())) {
      List<TopicPartition> parts = c.partitionsFor(topics.events.name()).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      long giveUp = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (parts.stream().anyMatch(p -> c.position(p) < end.get(p)) && System.nanoTime() < giveUp) {
        for (ConsumerRecord<String, ClusterEvent> r : c.poll(Duration.ofMillis(500))) {
          if (r.value() == null || r.timestamp() < fromMillis || r.timestamp() > toMillis) {
            continue;
          }
          String type = r.value().type();
          byType.merge(type, 1, Integer::sum);
          if (TROUBLE.stream().anyMatch(type::startsWith)) {
            List<String> ex = examples.computeIfAbsent(type, t -> new ArrayList<>());
            if (ex.size() < EXAMPLES) {
              ex.add(r.value().message());
            }
          }
        }
      }
    }
    StringBuilder s = new StringBuilder("[scale] cluster events during the run: ");
    s.append(byType.isEmpty() ? "none" : byType.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
        .collect(Collectors.joining(", ")));
    examples.forEach((type, ex) -> ex.forEach(m -> s.append("\n    ").append(type).append(": ").append(m)));
    return s.toString();
  }

  /** Tasks by state and desired state, as the read model holds them. */
  static String tasks(Collection<Task> tasks) {
    Map<String, Long> by = tasks.stream().collect(Collectors.groupingBy(
        t -> t.state() + " (desired " + t.desiredState() + ")", TreeMap::new, Collectors.counting()));
    return "[scale] tasks by state: " + by.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
        .collect(Collectors.joining(", "));
  }

  /** The orchestrator's WARN and ERROR lines after it started (the first few), and how many there were. */
  static String orchestratorWarnings(Path log) {
    List<String> lines;
    try {
      lines = Files.readAllLines(log);
    } catch (IOException e) {
      return "[scale] orchestrator log " + log + ": " + e;
    }
    int from = 0;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains("Orchestrator RUNNING")) {
        from = i;
        break;
      }
    }
    List<String> warnings = lines.subList(from, lines.size()).stream()
        .filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).toList();
    StringBuilder s = new StringBuilder("[scale] orchestrator log " + log + ": " + warnings.size()
        + " WARN/ERROR line(s) after it started");
    warnings.stream().limit(WARNINGS).forEach(l -> s.append("\n    ").append(l.length() > 300 ? l.substring(0, 300) + "…" : l));
    return s.toString();
  }
}
