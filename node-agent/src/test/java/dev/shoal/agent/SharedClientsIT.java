package dev.shoal.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shoal.agent.runtime.ContainerRuntime;
import dev.shoal.agent.runtime.SimulatedRuntime;
import dev.shoal.kafka.KafkaBrokerExtension;
import dev.shoal.kafka.KafkaTestCluster;
import dev.shoal.schemas.Assignment;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Drivers;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.NodeHeartbeat;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.SpecValidator;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import dev.shoal.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Hollow agents sharing their Kafka clients: statuses by one producer, heartbeats by the other. */
@ExtendWith(KafkaBrokerExtension.class)
class SharedClientsIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final ServiceSpec SPEC = SpecValidator.validate(
      "{\"name\":\"s0\",\"command\":[\"sleep\",\"3600\"],\"replicas\":2}").spec();

  @Test
  void agentsSendStatusesAndHeartbeatsThroughTheirOwnSharedProducers(KafkaTestCluster kafka, @TempDir Path dir)
      throws Exception {
    Topics topics = new Topics(kafka.uniquePrefix());
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      admin.createTopics(topics.all().stream()
          .map(t -> new NewTopic(t.name(), t.partitions(), (short) 1).configs(t.configs())).toList()).all().get();
    }
    try (TopicRecorder recorder = new TopicRecorder(kafka.bootstrapServers(),
             List.of(topics.taskStatus.name(), topics.heartbeats.name()));
         KafkaProducer<String, Assignment> assignments = new KafkaProducer<>(
             Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
             topics.assignments.keySerde().serializer(), topics.assignments.valueSerde().serializer());
         SharedClients shared = new SharedClients(Map.of("bootstrap.servers", kafka.bootstrapServers()),
             Map.of("bootstrap.servers", kafka.bootstrapServers()), topics)) {
      assertThat(shared.statusQueueTimeMaxMillis()).isNaN();
      assertThat(shared.heartbeatQueueTimeMaxMillis()).isNaN();
      List<NodeAgent> agents = new ArrayList<>();
      try {
        startAndCheck(kafka, dir, topics, recorder, assignments, shared, agents);
      } finally {
        for (NodeAgent a : agents) {
          a.close();
        }
      }
    }
  }

  private static void startAndCheck(KafkaTestCluster kafka, Path dir, Topics topics, TopicRecorder recorder,
                                    KafkaProducer<String, Assignment> assignments, SharedClients shared,
                                    List<NodeAgent> agents) throws Exception {
    for (String id : List.of("hollow-1", "hollow-2")) {
      NodeAgentConfig cfg = NodeAgentConfig.builder(kafka.bootstrapServers(), dir.resolve(id)).nodeId(id).hostname(id)
          .topics(topics).fencingTimeout(Duration.ZERO).heartbeatInterval(Duration.ofMillis(200)).build();
      List<ContainerRuntime> runtimes = List.of(new SimulatedRuntime(Drivers.PROCESS));
      NodeAgent agent = new NodeAgent(cfg, DataDirLock.forAgent(dir.resolve(id)), runtimes, shared);
      agents.add(agent);
      agent.start();
    }
    shared.start();
    AssignmentPublisher publisher = new AssignmentPublisher(assignments, topics.assignments.name());
    publisher.publish("hollow-1", 1, List.of(task("t1", "hollow-1", 1)));
    publisher.publish("hollow-2", 1, List.of(task("t2", "hollow-2", 2)));

    await().atMost(WAIT).until(() -> recorder.values(topics.taskStatus.name()).stream()
        .flatMap(v -> dev.shoal.schemas.TaskStatusRecords.statuses(v).stream()).filter(s -> s.state() == TaskState.RUNNING)
        .map(TaskStatus::taskId).distinct().count() == 2);
    await().atMost(WAIT).until(() -> recorder.values(topics.heartbeats.name()).stream()
        .map(v -> Json.fromString(v, NodeHeartbeat.class)).filter(h -> h.runningTaskIds() == null)
        .map(NodeHeartbeat::nodeId).distinct().count() == 2);
    // each producer sent something: its queue time is a measurement, not "no sample"
    assertThat(shared.statusQueueTimeMaxMillis()).isNotNaN();
    assertThat(shared.heartbeatQueueTimeMaxMillis()).isNotNaN();
  }

  private static Task task(String id, String nodeId, int slot) {
    return new Task(id, "s0", "s0", slot, nodeId, 1, SPEC, DesiredState.RUNNING,
        TaskStatus.of(id, nodeId, TaskState.ASSIGNED, "scheduled", 1), 1, 1);
  }
}
