package dev.shoal.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shoal.kafka.KafkaBrokerExtension;
import dev.shoal.kafka.KafkaTestCluster;
import dev.shoal.schemas.Assignment;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import dev.shoal.schemas.Topics;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** An agent's metrics against a real broker and the process runtime: heartbeats, operations, tasks, fencing. */
@ExtendWith(KafkaBrokerExtension.class)
class NodeAgentMetricsIT {
  @TempDir
  Path dataDir;

  private static Task task(String id, String nodeId, int slot, List<String> command) {
    ServiceSpec spec = new ServiceSpec("web", null, command, null, null, null, null, 1, List.of(), null, null, null,
        null, null, null, null, null, null, "1s", null, null, null).withDefaults();
    return new Task(id, "svc-web", "web", slot, nodeId, 1, spec, DesiredState.RUNNING,
        TaskStatus.of(id, nodeId, TaskState.ASSIGNED, "scheduled", 1), 1, 1);
  }

  private static double value(Search s) {
    return s.meters().isEmpty() ? -1 : s.meters().iterator().next().measure().iterator().next().getValue();
  }

  @Test
  void heartbeatsOperationsAndRunningTasksAreMeteredPerNode(KafkaTestCluster kafka) throws Exception {
    Topics topics = new Topics(kafka.uniquePrefix());
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      admin.createTopics(topics.all().stream().map(t -> new NewTopic(t.name(), t.partitions(), (short) 1)
          .configs(t.configs())).toList()).all().get();
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    NodeAgent agent = new NodeAgent(NodeAgentConfig.builder(kafka.bootstrapServers(), dataDir).topics(topics)
        .heartbeatInterval(Duration.ofMillis(200)).resyncInterval(Duration.ofSeconds(1)).build()).meterWith(registry);
    String node = agent.nodeId();
    try (KafkaProducer<String, Assignment> assignments = new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        topics.assignments.keySerde().serializer(), topics.assignments.valueSerde().serializer())) {
      agent.start();
      new AssignmentPublisher(assignments, topics.assignments.name()).publish(node, 1, List.of(
          task("t-sleep", node, 1, List.of("sleep", "600")),
          task("t-missing", node, 2, List.of("/no/such/command"))));

      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        assertThat(value(registry.find("shoal.agent.heartbeats").tags("node", node, "outcome", "acknowledged")))
            .isGreaterThanOrEqualTo(2);
        assertThat(value(registry.find("shoal.agent.tasks.running").tag("node", node))).isEqualTo(1);
        assertThat(registry.find("shoal.agent.runtime.operations")
            .tags("node", node, "runtime", "process", "operation", "start", "outcome", "ok").timer()).isNotNull();
        assertThat(registry.find("shoal.agent.runtime.operations")
            .tags("node", node, "operation", "start", "outcome", "rejected").timer()).isNotNull();
      });
      assertThat(value(registry.find("shoal.agent.fenced").tag("node", node))).isZero();
      assertThat(value(registry.find("shoal.agent.heartbeat.silence").tag("node", node))).isLessThan(6);
      String text = registry.scrape();
      assertThat(text).contains("shoal_agent_runtime_operations_seconds_bucket{")
          .contains("shoal_agent_heartbeats_total{node=\"" + node + "\",outcome=\"sent\"}")
          .contains("kafka_producer_record_send_total{client_id=\"shoal-agent-" + node + "\"")
          .doesNotContain("task_id").doesNotContain("t-sleep");
    } finally {
      agent.close();
    }
    assertThat(registry.getMeters()).as("a closed agent leaves no series of its node")
        .noneMatch(m -> node.equals(m.getId().getTag("node")));
  }

  @Test
  void anAgentCutOffFromKafkaShowsItIsFenced() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    NodeAgent agent = new NodeAgent(NodeAgentConfig.builder("127.0.0.1:" + port, dataDir)
        .heartbeatInterval(Duration.ofMillis(100)).fencingTimeout(Duration.ofMillis(500))
        .closeTimeout(Duration.ofSeconds(2)).build()).meterWith(registry);
    try {
      agent.start();
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        assertThat(value(registry.find("shoal.agent.fenced").tag("node", agent.nodeId()))).isEqualTo(1);
        assertThat(value(registry.find("shoal.agent.fencings").tag("node", agent.nodeId()))).isEqualTo(1);
      });
      assertThat(value(registry.find("shoal.agent.heartbeat.silence").tag("node", agent.nodeId())))
          .isGreaterThanOrEqualTo(0.5);
    } finally {
      agent.close();
    }
  }
}
