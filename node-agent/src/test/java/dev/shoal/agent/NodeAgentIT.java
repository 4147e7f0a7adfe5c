package dev.shoal.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shoal.kafka.KafkaBrokerExtension;
import dev.shoal.kafka.KafkaTestCluster;
import dev.shoal.schemas.Assignment;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Drivers;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.NodeHeartbeat;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import dev.shoal.schemas.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The agent against a real broker: assignment in, processes run, statuses and heartbeats out. */
@ExtendWith(KafkaBrokerExtension.class)
class NodeAgentIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private static Topics topics;

  @TempDir
  Path dataDir;
  private NodeAgent agent;
  private TopicRecorder recorder;
  private KafkaProducer<String, Assignment> assignments;

  @BeforeAll
  static void createTopics(KafkaTestCluster kafka) throws Exception {
    topics = new Topics(kafka.uniquePrefix());
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      admin.createTopics(topics.all().stream()
          .map(t -> new NewTopic(t.name(), t.partitions(), (short) 1).configs(t.configs()))
          .toList()).all().get();
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    if (agent != null) {
      agent.close();
    }
    if (recorder != null) {
      recorder.close();
    }
    if (assignments != null) {
      assignments.close();
    }
  }

  private void connect(KafkaTestCluster kafka) {
    recorder = new TopicRecorder(kafka.bootstrapServers(), List.of(topics.taskStatus.name(), topics.heartbeats.name()));
    assignments = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        topics.assignments.keySerde().serializer(), topics.assignments.valueSerde().serializer());
  }

  private static Task httpTask(String id, String nodeId, int slot) {
    ServiceSpec spec = new ServiceSpec("web", null, List.of("python3", "-m", "http.server", "--bind", "127.0.0.1", "${PORT}"),
        null, null, null, null, 2, List.of(new ServiceSpec.PortConfig(8000, null, null, null)), null, null, null,
        null, null, null, null, null, null, "5s", null, null, null).withDefaults();
    return new Task(id, "svc-web", "web", slot, nodeId, 1, spec, DesiredState.RUNNING,
        TaskStatus.of(id, nodeId, TaskState.ASSIGNED, "scheduled", 1), 1, 1);
  }

  /** One record per task in the node id's partition, as the orchestrator publishes them. */
  private void publish(String nodeId, long sequence, Task... tasks) throws Exception {
    publisher().publish(nodeId, sequence, List.of(tasks));
  }

  private AssignmentPublisher publisher;

  private AssignmentPublisher publisher() {
    if (publisher == null) {
      publisher = new AssignmentPublisher(assignments, topics.assignments.name());
    }
    return publisher;
  }

  private List<TaskStatus> statuses(String taskId) {
    return recorder.values(topics.taskStatus.name()).stream().flatMap(v -> dev.shoal.schemas.TaskStatusRecords.statuses(v).stream())
        .filter(s -> s.taskId().equals(taskId)).toList();
  }

  private Optional<TaskStatus> latest(String taskId) {
    List<TaskStatus> s = statuses(taskId);
    return s.isEmpty() ? Optional.empty() : Optional.of(s.get(s.size() - 1));
  }

  private List<NodeHeartbeat> heartbeats() {
    return recorder.values(topics.heartbeats.name()).stream().map(v -> Json.fromString(v, NodeHeartbeat.class)).toList();
  }

  private static int httpStatus(String endpoint) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + endpoint + "/")).timeout(Duration.ofSeconds(2))
          .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException | InterruptedException e) {
      return -1;
    }
  }

  private static boolean pidRunning(String pid) {
    return ProcessHandle.of(Long.parseLong(pid))
        .map(h -> h.isAlive() && h.info().command().isPresent()).orElse(false);
  }

  @Test
  void runsItsAssignmentAndConvergesWhenItChanges(KafkaTestCluster kafka) throws Exception {
    connect(kafka);
    agent = new NodeAgent(NodeAgentConfig.builder(kafka.bootstrapServers(), dataDir)
        .topics(topics).heartbeatInterval(Duration.ofMillis(200)).resyncInterval(Duration.ofSeconds(1))
        .engineLabels(Map.of("zone", "a")).build());
    String node = agent.nodeId();
    assertThat(node).matches("[a-z0-9]{25}");
    agent.start();

    publish(node, 1, httpTask("web1", node, 1), httpTask("web2", node, 2));

    await().atMost(WAIT).until(() -> List.of("web1", "web2").stream()
        .allMatch(id -> latest(id).map(s -> s.state() == TaskState.RUNNING).orElse(false)));
    for (String id : List.of("web1", "web2")) {
      TaskStatus running = latest(id).orElseThrow();
      // States replaced while an earlier status was on its way are not sent (CoalescingStatusSink):
      // what arrives climbs in order and ends RUNNING.
      assertThat(statuses(id)).extracting(TaskStatus::state)
          .isSubsetOf(TaskState.ACCEPTED, TaskState.PREPARING, TaskState.STARTING, TaskState.RUNNING)
          .isSortedAccordingTo(Comparator.naturalOrder())
          .doesNotHaveDuplicates()
          .last().isEqualTo(TaskState.RUNNING);
      assertThat(running.nodeId()).isEqualTo(node);
      assertThat(running.endpoint()).startsWith("127.0.0.1:");
      assertThat(running.ports()).singleElement().satisfies(p -> {
        assertThat(p.target()).isEqualTo(8000);
        assertThat(running.endpoint()).isEqualTo("127.0.0.1:" + p.hostPort());
      });
      await().atMost(WAIT).until(() -> httpStatus(running.endpoint()) == 200);
    }
    await().atMost(WAIT).until(() -> !heartbeats().isEmpty());
    // Heartbeats no longer list the running tasks (statuses say what runs): nobody read them.
    assertThat(heartbeats()).allSatisfy(h -> assertThat(h.runningTaskIds()).isNull());
    NodeHeartbeat first = heartbeats().get(0);
    assertThat(first.nodeId()).isEqualTo(node);
    assertThat(first.sequence()).isZero();
    assertThat(first.description().address()).isEqualTo("127.0.0.1");
    assertThat(first.description().drivers()).containsExactly(Drivers.PROCESS);
    assertThat(first.description().engineLabels()).containsEntry("zone", "a");
    assertThat(first.description().resources().cpus()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(first.description().resources().memoryBytes()).isPositive();

    // web2 leaves the assignment: stopped, reported SHUTDOWN, its process gone.
    TaskStatus web2 = latest("web2").orElseThrow();
    publish(node, 2, httpTask("web1", node, 1));
    await().atMost(WAIT).until(() -> latest("web2").map(s -> s.state() == TaskState.SHUTDOWN).orElse(false));
    assertThat(latest("web2").orElseThrow().endpoint()).isEqualTo(web2.endpoint());
    await().atMost(WAIT).until(() -> !pidRunning(web2.containerId()));
    assertThat(httpStatus(web2.endpoint())).isEqualTo(-1);
    assertThat(httpStatus(latest("web1").orElseThrow().endpoint())).isEqualTo(200);

    // An assignment for another node in the same partition is not this agent's business.
    String other = IntStream.range(0, 1000).mapToObj(i -> "other-" + i)
        .filter(id -> AssignmentReader.partitionFor(id, topics.assignments.partitions())
            == AssignmentReader.partitionFor(node, topics.assignments.partitions()))
        .findFirst().orElseThrow();
    publish(other, 1, httpTask("web3", other, 3));
    publish(node, 3, httpTask("web1", node, 1), httpTask("web4", node, 4));
    await().atMost(WAIT).until(() -> latest("web4").map(s -> s.state() == TaskState.RUNNING).orElse(false));
    assertThat(statuses("web3")).isEmpty();
    assertThat(agent.runtime(Drivers.PROCESS).orElseThrow().list(other)).isEmpty();
    assertThat(latest("web1").orElseThrow().state()).isEqualTo(TaskState.RUNNING);

    // Closing stops what runs and says so.
    String web1Pid = latest("web1").orElseThrow().containerId();
    agent.close();
    await().atMost(WAIT).until(() -> latest("web1").map(s -> s.state() == TaskState.SHUTDOWN).orElse(false));
    assertThat(latest("web1").orElseThrow().message()).isEqualTo("node agent shutting down");
    assertThat(pidRunning(web1Pid)).isFalse();
  }

  @Test
  void aTaskThatExitsIsReportedWithItsCodeAndNotRestarted(KafkaTestCluster kafka) throws Exception {
    connect(kafka);
    agent = new NodeAgent(NodeAgentConfig.builder(kafka.bootstrapServers(), dataDir).nodeId("exit-node")
        .topics(topics).resyncInterval(Duration.ofMillis(300)).build());
    agent.start();
    ServiceSpec spec = new ServiceSpec("job", null, List.of("sh", "-c", "exit 1"), null, null, null, null, null,
        null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    publish("exit-node", 1, new Task("job1", "svc-job", "job", 1, "exit-node", 1, spec, DesiredState.RUNNING, null, 1, 1));
    await().atMost(WAIT).until(() -> latest("job1").map(s -> s.state() == TaskState.FAILED).orElse(false));
    TaskStatus failed = latest("job1").orElseThrow();
    assertThat(failed.exitCode()).isEqualTo(1);
    assertThat(failed.message()).isEqualTo("task exited with code 1");
    // Several resync passes later, still one start only.
    int beats = heartbeats().size();
    await().atMost(WAIT).until(() -> heartbeats().size() >= beats + 3);
    // No state twice; a RUNNING that FAILED replaced before it went out is not sent (CoalescingStatusSink).
    assertThat(statuses("job1")).extracting(TaskStatus::state).doesNotHaveDuplicates()
        .isSubsetOf(TaskState.ACCEPTED, TaskState.PREPARING, TaskState.STARTING, TaskState.RUNNING, TaskState.FAILED)
        .last().isEqualTo(TaskState.FAILED);
  }

  @Test
  void healthOfAProcessTaskIsReportedAsItChanges(KafkaTestCluster kafka) throws Exception {
    connect(kafka);
    // A long resync: the changes must arrive because the runtime announces them, not by polling.
    agent = new NodeAgent(NodeAgentConfig.builder(kafka.bootstrapServers(), dataDir).nodeId("health-node")
        .topics(topics).resyncInterval(Duration.ofMinutes(5)).build());
    agent.start();
    ServiceSpec spec = Json.fromString("""
        {"name": "checked", "command": ["sleep", "600"], "stopGracePeriod": "1s",
         "healthcheck": {"test": ["CMD-SHELL", "[ ! -e sick ]"], "interval": "200ms", "retries": 2}}""",
        ServiceSpec.class).withDefaults();
    publish("health-node", 1, new Task("checked1", "svc-checked", "checked", 1, "health-node", 1, spec,
        DesiredState.RUNNING, null, 1, 1));
    await().atMost(WAIT).until(() -> latest("checked1").map(s -> "healthy".equals(s.health())).orElse(false));
    java.nio.file.Files.writeString(dataDir.resolve("process/tasks/checked1/work/sick"), "");
    await().atMost(WAIT).until(() -> latest("checked1").map(s -> "unhealthy".equals(s.health())).orElse(false));
    // Each change is one RUNNING status carrying the new health, as for a container's.
    assertThat(statuses("checked1")).filteredOn(s -> s.state() == TaskState.RUNNING).extracting(TaskStatus::health)
        .containsExactly("starting", "healthy", "unhealthy");
  }
}
