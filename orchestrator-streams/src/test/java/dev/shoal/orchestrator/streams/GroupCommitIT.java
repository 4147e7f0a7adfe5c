package dev.shoal.orchestrator.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shoal.kafka.KafkaBrokerExtension;
import dev.shoal.kafka.KafkaTestCluster;
import dev.shoal.orchestrator.core.OrchestratorSettings;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.NodeDescription;
import dev.shoal.schemas.NodeHeartbeat;
import dev.shoal.schemas.NodeResources;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import dev.shoal.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the decisions commit, on a real broker: as soon as they have processed every input fetched
 * (not at the end of the commit interval) when someone waits for it, with the next such commit
 * when nobody does, and never when there is nothing to commit (no transaction a few milliseconds
 * apart on an idle cluster).
 */
@ExtendWith(KafkaBrokerExtension.class)
class GroupCommitIT {
  /**
   * Were a commit left to the interval, nothing decided would be visible to a read-committed reader
   * within a test's time (a transaction may stay open that long, so its timeout is longer).
   */
  private static final Map<String, Object> TEN_MINUTE_INTERVAL = Map.of(
      StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 600_000,
      StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), 700_000);

  @Test
  void aLoneSpecIsDecidedAndVisibleLongBeforeTheCommitInterval(KafkaTestCluster kafka, @TempDir Path state)
      throws Exception {
    Topics topics = new Topics(kafka.name("lone-"));
    try (OrchestratorApp app = start(kafka, topics, state, TEN_MINUTE_INTERVAL);
         KafkaProducer<String, String> producer = producer(kafka);
         TopicWatcher<Service> services = new TopicWatcher<>(kafka.bootstrapServers(), topics.services.name(),
             topics.services.valueSerde().deserializer())) {
      createAndAwait(producer, topics, services, "web");
      createAndAwait(producer, topics, services, "api");
    }
  }

  @Test
  void aStatusThatChangesNoAssignmentWaitsForTheNextWaitedForCommit(KafkaTestCluster kafka, @TempDir Path state)
      throws Exception {
    Topics topics = new Topics(kafka.name("status-"));
    TestNodes nodeKeys = new TestNodes();
    ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor();
    try (OrchestratorApp app = start(kafka, topics, state, TEN_MINUTE_INTERVAL);
         KafkaProducer<String, String> producer = producer(kafka);
         TopicWatcher<Task> tasks = new TopicWatcher<>(kafka.bootstrapServers(), topics.tasks.name(),
             topics.tasks.valueSerde().deserializer());
         TopicWatcher<Service> services = new TopicWatcher<>(kafka.bootstrapServers(), topics.services.name(),
             topics.services.valueSerde().deserializer())) {
      NodeDescription d = new NodeDescription("host-n1", "127.0.0.1", new NodeResources(2, 4L << 30),
          List.of("process"), Map.of(), "linux", "amd64", null, "process");
      // Beating all along: a node silent for 3 s would be declared down and its task replaced.
      heartbeats.scheduleAtFixedRate(() -> producer.send(new ProducerRecord<>(topics.heartbeats.name(), "n1",
          Json.toString(nodeKeys.sign(new NodeHeartbeat("n1", 0, d, List.of(), System.currentTimeMillis()), null)))),
          0, 500, TimeUnit.MILLISECONDS);
      producer.send(new ProducerRecord<>(topics.specs.name(), "web", "{\"name\":\"web\",\"command\":[\"true\"]}"));
      await().atMost(Duration.ofSeconds(30)).until(() -> tasks.latest.values().stream()
          .anyMatch(t -> t.serviceName().equals("web") && t.state() == TaskState.ASSIGNED));
      Task task = tasks.latest.values().stream().filter(t -> t.serviceName().equals("web")).findFirst().orElseThrow();

      producer.send(new ProducerRecord<>(topics.taskStatus.name(), task.id(), Json.toString(
          nodeKeys.sign(TaskStatus.of(task.id(), "n1", TaskState.RUNNING, "started", System.currentTimeMillis())))));
      // Decided, but nobody waits for it and no agent has anything to do: not committed yet.
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
          .until(() -> tasks.latest.get(task.id()).state() == TaskState.ASSIGNED);
      producer.send(new ProducerRecord<>(topics.specs.name(), "api", "{\"name\":\"api\",\"command\":[\"true\"]}"));
      await().atMost(Duration.ofSeconds(30)).until(() -> services.latest.values().stream()
          .anyMatch(s -> s.name().equals("api")) && tasks.latest.get(task.id()).state() == TaskState.RUNNING);
    } finally {
      heartbeats.shutdownNow();
    }
  }

  @Test
  void anIdleOrchestratorRunsNoTransactions(KafkaTestCluster kafka, @TempDir Path state) throws Exception {
    // A namespace of its own: the prefix is the class's, and an application id shared with the
    // other test would wait for that test's departed member to time out of the group.
    Topics topics = new Topics(kafka.name("idle-"));
    try (OrchestratorApp app = start(kafka, topics, state, Map.of());
         KafkaProducer<String, String> producer = producer(kafka);
         TopicWatcher<Service> services = new TopicWatcher<>(kafka.bootstrapServers(), topics.services.name(),
             topics.services.valueSerde().deserializer())) {
      createAndAwait(producer, topics, services, "web");
      // Settled: the spec's transaction, and the task's, are done (two reads 300 ms apart agree).
      double[] last = {-1};
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).until(() -> {
        double now = commits(app.streams());
        boolean same = now == last[0];
        last[0] = now;
        return same;
      });
      double settled = commits(app.streams());
      // Before, a wall-clock punctuation every 20 ms marked the task as needing a commit: about
      // fifty transactions a second with nothing in them.
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
          .until(() -> commits(app.streams()) == settled);
    }
  }

  private static void createAndAwait(KafkaProducer<String, String> producer, Topics topics,
                                     TopicWatcher<Service> services, String name) {
    producer.send(new ProducerRecord<>(topics.specs.name(), name, "{\"name\":\"" + name + "\",\"command\":[\"true\"]}"));
    await().atMost(Duration.ofSeconds(30)).until(() -> services.latest.values().stream()
        .anyMatch(s -> s.name().equals(name)));
  }

  /** The decisions' stream thread's {@code commit-total}: commits that had something to commit. */
  private static double commits(KafkaStreams streams) {
    for (Map.Entry<MetricName, ? extends Metric> m : streams.metrics().entrySet()) {
      if (m.getKey().name().equals("commit-total") && m.getKey().group().equals("stream-thread-metrics")) {
        return ((Number) m.getValue().metricValue()).doubleValue();
      }
    }
    throw new AssertionError("no commit-total metric");
  }

  private static OrchestratorApp start(KafkaTestCluster kafka, Topics topics, Path state, Map<String, Object> extra)
      throws Exception {
    OrchestratorConfig cfg = OrchestratorConfig.defaults(kafka.bootstrapServers(), state).withTopics(topics);
    cfg = new OrchestratorConfig(cfg.bootstrapServers(), cfg.topics(), cfg.applicationId(), cfg.stateDir(), 0,
        OrchestratorSettings.DEFAULTS, cfg.timing(), extra);
    OrchestratorApp app = new OrchestratorApp(cfg);
    app.start(Duration.ofSeconds(60));
    assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
    return app;
  }

  private static KafkaProducer<String, String> producer(KafkaTestCluster kafka) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }
}
