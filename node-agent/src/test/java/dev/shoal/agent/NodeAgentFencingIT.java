package dev.shoal.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shoal.kafka.EmbeddedKafka;
import dev.shoal.schemas.Assignment;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import dev.shoal.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fencing against a real broker that goes away and comes back on the same port and data: the agent
 * stops its tasks once it has been out of contact for its fencing timeout, reports why when Kafka is
 * back, and then converges to its (new) assignment. Uses a broker of its own, since it stops it.
 */
class NodeAgentFencingIT {
  private static final Duration FENCING = Duration.ofSeconds(2);
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String NODE = "fence-node";

  @TempDir
  Path dir;
  private EmbeddedKafka kafka;
  private NodeAgent agent;
  private TopicRecorder recorder;
  private KafkaProducer<String, Assignment> assignments;
  private final Topics topics = Topics.defaults();

  @AfterEach
  void tearDown() throws Exception {
    if (agent != null) {
      agent.close();
    }
    if (recorder != null) {
      recorder.close();
    }
    if (assignments != null) {
      assignments.close(Duration.ofSeconds(2));
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  private EmbeddedKafka broker(int port) {
    return EmbeddedKafka.builder().port(port).dataDir(dir.resolve("kafka")).build().start();
  }

  private static Task sleeper(String id, DesiredState desired) {
    ServiceSpec spec = new ServiceSpec("job", null, List.of("sleep", "600"), null, null, null, null, 1, null, null,
        null, null, null, null, null, null, null, null, "1s", null, null, null).withDefaults();
    return new Task(id, "svc-job", "job", 1, NODE, 1, spec, desired, null, 1, 1);
  }

  private void publish(long sequence, Task... tasks) throws Exception {
    publisher().publish(NODE, sequence, List.of(tasks));
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

  private boolean state(String taskId, TaskState state) {
    return latest(taskId).map(s -> s.state() == state).orElse(false);
  }

  private static boolean pidRunning(String pid) {
    return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
  }

  @Test
  void stopsItsTasksWhileOutOfContactAndConvergesAgainAfterwards() throws Exception {
    int port = freePort();
    kafka = broker(port);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      admin.createTopics(topics.all().stream()
          .map(t -> new NewTopic(t.name(), t.partitions(), (short) 1).configs(t.configs())).toList()).all().get();
    }
    recorder = new TopicRecorder(kafka.bootstrapServers(), List.of(topics.taskStatus.name()));
    assignments = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        topics.assignments.keySerde().serializer(), topics.assignments.valueSerde().serializer());
    agent = new NodeAgent(NodeAgentConfig.builder(kafka.bootstrapServers(), dir.resolve("agent")).nodeId(NODE)
        .topics(topics).heartbeatInterval(Duration.ofMillis(200)).resyncInterval(Duration.ofSeconds(1))
        .fencingTimeout(FENCING).closeTimeout(Duration.ofSeconds(2)).build());
    agent.start();

    publish(1, sleeper("t1", DesiredState.RUNNING), sleeper("t2", DesiredState.RUNNING));
    await().atMost(WAIT).until(() -> state("t1", TaskState.RUNNING) && state("t2", TaskState.RUNNING));
    String pid1 = latest("t1").orElseThrow().containerId();
    String pid2 = latest("t2").orElseThrow().containerId();
    assertThat(pidRunning(pid1) && pidRunning(pid2)).isTrue();

    // Kafka goes away: after the fencing timeout (plus the 1 s stop grace) the tasks are gone.
    long gone = System.nanoTime();
    kafka.close();
    await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> !pidRunning(pid1) && !pidRunning(pid2));
    Duration stoppedAfter = Duration.ofNanos(System.nanoTime() - gone);

    // Kafka is back: the agent says why it stopped them.
    kafka = broker(port);
    await().atMost(WAIT).until(() -> state("t1", TaskState.SHUTDOWN) && state("t2", TaskState.SHUTDOWN));
    for (String id : List.of("t1", "t2")) {
      assertThat(latest(id).orElseThrow().message()).startsWith("fenced: no contact with Kafka for ")
          .endsWith("(fencing timeout 2s)");
    }
    assertThat(stoppedAfter).as("stopped %s after Kafka went away", stoppedAfter)
        .isLessThan(FENCING.plus(Duration.ofSeconds(1)).plus(Duration.ofSeconds(5)));

    // The orchestrator's next assignment: the fenced tasks shut down, a new one here. Only it runs.
    publish(2, sleeper("t1", DesiredState.SHUTDOWN), sleeper("t2", DesiredState.REMOVE), sleeper("t3", DesiredState.RUNNING));
    await().atMost(WAIT).until(() -> state("t3", TaskState.RUNNING));
    assertThat(pidRunning(latest("t3").orElseThrow().containerId())).isTrue();
    for (String id : List.of("t1", "t2")) {
      assertThat(statuses(id)).extracting(TaskStatus::state).containsOnlyOnce(TaskState.RUNNING, TaskState.SHUTDOWN);
    }
    assertThat(pidRunning(pid1) || pidRunning(pid2)).isFalse();
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
