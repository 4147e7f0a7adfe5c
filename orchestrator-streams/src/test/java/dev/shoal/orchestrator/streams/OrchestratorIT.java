package dev.shoal.orchestrator.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shoal.kafka.KafkaBrokerExtension;
import dev.shoal.kafka.KafkaTestCluster;
import dev.shoal.orchestrator.core.OrchestratorSettings;
import dev.shoal.schemas.Assignment;
import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.NodeDescription;
import dev.shoal.schemas.NodeHeartbeat;
import dev.shoal.schemas.NodeResources;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The orchestrator on a real broker, driven only by plain Kafka clients: heartbeats play three
 * agents, a plain producer publishes specs and tombstones.
 */
@ExtendWith(KafkaBrokerExtension.class)
class OrchestratorIT {
  private static Topics topics;
  private static OrchestratorApp app;
  private static KafkaProducer<String, String> producer;
  private static ScheduledExecutorService heartbeats;
  /** Signs as the three nodes' agents would; used by the heartbeat thread and the tests. */
  private static final TestNodes nodeKeys = new TestNodes();
  private static TopicWatcher<Service> services;
  private static TopicWatcher<Task> tasks;
  private static TopicWatcher<Assignment> assignments;
  private static TopicWatcher<Node> nodes;
  private static TopicWatcher<ClusterEvent> events;

  @BeforeAll
  static void start(KafkaTestCluster kafka, @TempDir Path state) throws Exception {
    topics = new Topics(kafka.uniquePrefix());
    OrchestratorConfig cfg = OrchestratorConfig.defaults(kafka.bootstrapServers(), state).withTopics(topics);
    cfg = new OrchestratorConfig(cfg.bootstrapServers(), cfg.topics(), cfg.applicationId(), cfg.stateDir(), 0,
        OrchestratorSettings.DEFAULTS, cfg.timing(), Map.of());
    app = new OrchestratorApp(cfg);
    app.start(Duration.ofSeconds(60));
    assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    heartbeats = Executors.newSingleThreadScheduledExecutor();
    heartbeats.scheduleAtFixedRate(() -> {
      for (String n : List.of("n1", "n2", "n3")) {
        NodeDescription d = new NodeDescription("host-" + n, "127.0.0.1", new NodeResources(2, 4L << 30),
            List.of("process"), Map.of(), "linux", "amd64", null, "process");
        NodeHeartbeat hb = nodeKeys.sign(new NodeHeartbeat(n, 0, d, List.of(), System.currentTimeMillis()), null);
        producer.send(new ProducerRecord<>(topics.heartbeats.name(), n, Json.toString(hb)));
      }
    }, 0, 500, TimeUnit.MILLISECONDS);
    String b = kafka.bootstrapServers();
    services = new TopicWatcher<>(b, topics.services.name(), topics.services.valueSerde().deserializer());
    tasks = new TopicWatcher<>(b, topics.tasks.name(), topics.tasks.valueSerde().deserializer());
    assignments = new TopicWatcher<>(b, topics.assignments.name(), topics.assignments.valueSerde().deserializer());
    nodes = new TopicWatcher<>(b, topics.nodes.name(), topics.nodes.valueSerde().deserializer());
    events = new TopicWatcher<>(b, topics.events.name(), topics.events.valueSerde().deserializer());
  }

  @AfterAll
  static void stop() throws Exception {
    if (heartbeats != null) {
      heartbeats.shutdownNow();
    }
    for (AutoCloseable c : new AutoCloseable[] {services, tasks, assignments, nodes, events, producer, app}) {
      if (c != null) {
        c.close();
      }
    }
  }

  private static List<Task> activeTasks(String service) {
    return tasks.latest.values().stream().filter(t -> t.serviceName().equals(service))
        .filter(t -> t.desiredState() == dev.shoal.schemas.DesiredState.RUNNING && !t.state().isTerminal()).toList();
  }

  @Test
  void aSpecFromAPlainProducerIsScheduledAndATombstoneRemovesIt() {
    await().atMost(Duration.ofSeconds(30)).until(() -> nodes.latest.size() == 3);
    producer.send(new ProducerRecord<>(topics.specs.name(), "web",
        "{\"name\":\"web\",\"command\":[\"sleep\",\"100\"],\"replicas\":5}"));
    await().atMost(Duration.ofSeconds(30)).until(() -> activeTasks("web").size() == 5
        && activeTasks("web").stream().allMatch(t -> t.state() == TaskState.ASSIGNED));
    Map<String, Long> perNode = activeTasks("web").stream().collect(Collectors.groupingBy(Task::nodeId, Collectors.counting()));
    assertThat(perNode.values()).as(() -> "events: " + events.latest.values()).containsExactlyInAnyOrder(2L, 2L, 1L);
    assertThat(services.latest.values()).extracting(Service::name).contains("web");
    await().atMost(Duration.ofSeconds(30)).until(() -> assignments.latest.values().stream()
        .filter(a -> a.task() != null && a.task().serviceName().equals("web")).count() == 5);

    producer.send(new ProducerRecord<>(topics.specs.name(), "web", null));
    // The tasks stay visible, desired REMOVE, until their nodes report them ended.
    await().atMost(Duration.ofSeconds(30)).until(() -> services.latest.values().stream().noneMatch(s -> s.name().equals("web"))
        && tasks.latest.values().stream().filter(t -> t.serviceName().equals("web")).count() == 5
        && tasks.latest.values().stream().filter(t -> t.serviceName().equals("web"))
            .allMatch(t -> t.desiredState() == dev.shoal.schemas.DesiredState.REMOVE));
    for (Task t : List.copyOf(tasks.latest.values())) {
      if (t.serviceName().equals("web")) {
        producer.send(new ProducerRecord<>(topics.taskStatus.name(), t.id(), dev.shoal.schemas.Json.toString(
            nodeKeys.sign(dev.shoal.schemas.TaskStatus.of(t.id(), t.nodeId(), TaskState.SHUTDOWN, "stopped", 0)))));
      }
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> tasks.latest.values().stream().noneMatch(t -> t.serviceName().equals("web"))
        && assignments.latest.values().stream().noneMatch(a -> a.task() != null && a.task().serviceName().equals("web")));
  }

  @Test
  void anInvalidSpecBecomesARejectionEventAndTheNextSpecStillWorks() {
    producer.send(new ProducerRecord<>(topics.specs.name(), "broken", "{\"name\":\"broken\",\"replicas\":-3}"));
    producer.send(new ProducerRecord<>(topics.specs.name(), "after", "{\"name\":\"after\",\"command\":[\"true\"]}"));
    await().atMost(Duration.ofSeconds(30)).until(() -> events.all.stream()
        .anyMatch(e -> e.type().equals("spec.rejected") && e.entityId().equals("broken") && e.message().contains("$.replicas")));
    await().atMost(Duration.ofSeconds(30)).until(() -> services.latest.values().stream().anyMatch(s -> s.name().equals("after")));
    assertThat(services.latest.values()).noneMatch(s -> s.name().equals("broken"));
  }
}
