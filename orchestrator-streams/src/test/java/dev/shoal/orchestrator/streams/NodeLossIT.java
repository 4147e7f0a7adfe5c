package dev.shoal.orchestrator.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shoal.kafka.KafkaBrokerExtension;
import dev.shoal.kafka.KafkaTestCluster;
import dev.shoal.orchestrator.core.OrchestratorSettings;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.NodeDescription;
import dev.shoal.schemas.NodeHeartbeat;
import dev.shoal.schemas.NodeResources;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that falls silent, on a real broker, with liveness as its own Streams application: it is
 * declared down and its task is placed on the other node; heartbeats are read (and committed) by
 * the liveness application's group, not by the decisions'.
 */
@ExtendWith(KafkaBrokerExtension.class)
class NodeLossIT {
  private final TestNodes signer = new TestNodes();
  private final Set<String> silent = ConcurrentHashMap.newKeySet();
  private ScheduledExecutorService heartbeats;
  private OrchestratorApp app;
  private KafkaProducer<String, String> producer;
  private TopicWatcher<Node> nodes;
  private TopicWatcher<Task> tasks;

  @AfterEach
  void stop() throws Exception {
    if (heartbeats != null) {
      heartbeats.shutdownNow();
    }
    for (AutoCloseable c : new AutoCloseable[] {nodes, tasks, producer, app}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @Test
  void aSilentNodeGoesDownAndItsTaskIsPlacedElsewhere(KafkaTestCluster kafka, @TempDir Path state) throws Exception {
    Topics topics = new Topics(kafka.uniquePrefix());
    OrchestratorConfig defaults = OrchestratorConfig.defaults(kafka.bootstrapServers(), state).withTopics(topics);
    OrchestratorConfig cfg = new OrchestratorConfig(defaults.bootstrapServers(), topics, defaults.applicationId(),
        state, 0, OrchestratorSettings.DEFAULTS, defaults.timing(), Map.of());
    app = new OrchestratorApp(cfg);
    app.start(Duration.ofSeconds(60));
    assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
    producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()), new StringSerializer(),
        new StringSerializer());
    heartbeats = Executors.newSingleThreadScheduledExecutor();
    heartbeats.scheduleAtFixedRate(() -> {
      for (String n : List.of("n1", "n2")) {
        if (!silent.contains(n)) {
          NodeDescription d = new NodeDescription("host-" + n, "127.0.0.1", new NodeResources(2, 4L << 30),
              List.of("process"), Map.of(), "linux", "amd64", null, "process");
          NodeHeartbeat hb = signer.sign(new NodeHeartbeat(n, 0, d, List.of(), System.currentTimeMillis()), null);
          producer.send(new ProducerRecord<>(topics.heartbeats.name(), n, Json.toString(hb)));
        }
      }
    }, 0, 500, TimeUnit.MILLISECONDS);
    nodes = new TopicWatcher<>(kafka.bootstrapServers(), topics.nodes.name(), topics.nodes.valueSerde().deserializer());
    tasks = new TopicWatcher<>(kafka.bootstrapServers(), topics.tasks.name(), topics.tasks.valueSerde().deserializer());
    await().atMost(Duration.ofSeconds(30)).until(() -> nodes.latest.size() == 2
        && nodes.latest.values().stream().allMatch(Node::isReady));

    producer.send(new ProducerRecord<>(topics.specs.name(), "web",
        "{\"name\":\"web\",\"command\":[\"sleep\",\"100\"],\"replicas\":2}"));
    await().atMost(Duration.ofSeconds(30)).until(() -> wanted().size() == 2);
    assertThat(wanted()).extracting(Task::nodeId).containsExactlyInAnyOrder("n1", "n2");

    silent.add("n2");
    await().atMost(Duration.ofSeconds(30)).until(() -> !nodes.latest.get("n2").isReady());
    await().atMost(Duration.ofSeconds(30)).until(() -> wanted().size() == 2
        && wanted().stream().allMatch(t -> "n1".equals(t.nodeId())));
    assertThat(nodes.latest.get("n1").isReady()).isTrue();
    // The heartbeat pre-verifier, paced to where liveness reads (published in-process), checked some ahead.
    await().atMost(Duration.ofSeconds(10)).until(() -> app.heartbeatsCheckedAhead() > 0);

    TopicPartition heartbeatLog = new TopicPartition(topics.heartbeats.name(), 0);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      Map<TopicPartition, OffsetAndMetadata> liveness = admin.listConsumerGroupOffsets(
          OrchestratorApp.livenessApplicationId(cfg.applicationId())).partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, OffsetAndMetadata> decisions = admin.listConsumerGroupOffsets(cfg.applicationId())
          .partitionsToOffsetAndMetadata().get();
      assertThat(liveness.get(heartbeatLog)).as("heartbeats committed by the liveness application").isNotNull();
      assertThat(liveness.get(heartbeatLog).offset()).isPositive();
      assertThat(decisions).as("the decisions read no heartbeats").doesNotContainKey(heartbeatLog)
          .containsKey(new TopicPartition(topics.liveness.name(), 0));
    }
  }

  private List<Task> wanted() {
    return tasks.latest.values().stream().filter(t -> "web".equals(t.serviceName())
        && t.desiredState() == DesiredState.RUNNING && !t.state().isTerminal()).toList();
  }
}
