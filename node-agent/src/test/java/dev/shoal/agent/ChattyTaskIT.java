package dev.shoal.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shoal.kafka.KafkaBrokerExtension;
import dev.shoal.kafka.KafkaTestCluster;
import dev.shoal.schemas.Assignment;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.LogBatch;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import dev.shoal.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task that prints without pause, on a real agent and broker: its output is rate-limited (with a
 * marker line saying what was dropped) and the agent's heartbeats keep their pace meanwhile.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ChattyTaskIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration HEARTBEAT = Duration.ofMillis(300);
  /** docs/limits.md: a task ships 1,000 lines a second, with a burst of 10,000. */
  private static final long LINES_PER_SECOND = 1_000;
  private static final long LINE_BURST = 10_000;

  @TempDir
  Path dataDir;

  @Test
  void aTaskPrintingWithoutPauseIsRateLimitedAndHeartbeatsKeepTheirPace(KafkaTestCluster kafka) throws Exception {
    Topics topics = new Topics(kafka.uniquePrefix());
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      admin.createTopics(topics.all().stream()
          .map(t -> new NewTopic(t.name(), t.partitions(), (short) 1).configs(t.configs())).toList()).all().get();
    }
    String node = "chatty-node";
    // A shell loop rather than `yes`: fast enough to flood the limit, slow enough not to fill the disk.
    ServiceSpec spec = new ServiceSpec("chatty", null, List.of("sh", "-c", "while :; do echo chatty; done"), null,
        null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    try (TopicRecorder recorder = new TopicRecorder(kafka.bootstrapServers(),
             List.of(topics.taskStatus.name(), topics.heartbeats.name(), topics.logs.name()));
         KafkaProducer<String, Assignment> assignments = new KafkaProducer<>(
             Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
             topics.assignments.keySerde().serializer(), topics.assignments.valueSerde().serializer());
         NodeAgent agent = new NodeAgent(NodeAgentConfig.builder(kafka.bootstrapServers(), dataDir).nodeId(node)
             .topics(topics).heartbeatInterval(HEARTBEAT).build())) {
      agent.start();
      new AssignmentPublisher(assignments, topics.assignments.name()).publish(node, 1,
          List.of(new Task("chatty1", "svc-chatty", "chatty", 1, node, 1, spec, DesiredState.RUNNING, null, 1, 1)));
      await().atMost(WAIT).until(() -> recorder.values(topics.taskStatus.name()).stream()
          .flatMap(v -> dev.shoal.schemas.TaskStatusRecords.statuses(v).stream())
          .anyMatch(s -> s.taskId().equals("chatty1") && s.state() == TaskState.RUNNING));
      long runningAt = System.currentTimeMillis();

      // Twenty heartbeats' worth of flooding, and the limit has said what it dropped.
      await().atMost(WAIT).until(() -> timesOf(recorder, topics.heartbeats.name(), runningAt).size() >= 20);
      await().atMost(WAIT).until(() -> lines(recorder, topics).stream().anyMatch(LogBatch.Line::isMarker));

      List<Long> beats = timesOf(recorder, topics.heartbeats.name(), runningAt);
      long widestGap = 0;
      for (int i = 1; i < beats.size(); i++) {
        widestGap = Math.max(widestGap, beats.get(i) - beats.get(i - 1));
      }
      assertThat(widestGap).as("the widest gap between heartbeats (broker times) while the task floods its output")
          .isLessThan(5 * HEARTBEAT.toMillis());

      List<LogBatch.Line> lines = lines(recorder, topics);
      long own = lines.stream().filter(l -> !l.isMarker()).count();
      // seconds between the first and the last line read, rounded up, and one more for the edges
      long shippedFor = (lines.get(lines.size() - 1).time() - lines.get(0).time()) / 1_000_000_000L + 2;
      assertThat(own).as("lines shipped").isPositive()
          .isLessThanOrEqualTo(LINE_BURST + LINES_PER_SECOND * shippedFor);
      assertThat(lines).filteredOn(LogBatch.Line::isMarker).first()
          .satisfies(m -> assertThat(m.text()).containsIgnoringCase("dropped"));
      assertThat(lines).filteredOn(l -> !l.isMarker()).allSatisfy(l -> assertThat(l.text()).isEqualTo("chatty"));
    }
  }

  /** Broker append times of the records of {@code topic} at or after {@code from}, in order. */
  private static List<Long> timesOf(TopicRecorder recorder, String topic, long from) {
    return recorder.records.stream().filter(r -> r.topic().equals(topic)).map(ConsumerRecord::timestamp)
        .filter(t -> t >= from).sorted().toList();
  }

  private static List<LogBatch.Line> lines(TopicRecorder recorder, Topics topics) {
    return recorder.values(topics.logs.name()).stream().map(v -> Json.fromString(v, LogBatch.class))
        .filter(b -> b.taskId().equals("chatty1")).flatMap(b -> b.lines().stream()).toList();
  }
}
