package dev.shoal.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.model.Container;
import dev.shoal.agent.runtime.ContainerRuntime;
import dev.shoal.agent.runtime.ProcessRuntime;
import dev.shoal.agent.runtime.docker.ContainerLabels;
import dev.shoal.agent.runtime.docker.DockerRuntime;
import dev.shoal.agent.runtime.docker.DockerTestEngine;
import dev.shoal.agent.runtime.docker.SpecBuilder;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent with the Docker runtime, on the real broker and the real engine; skipped with a reason without an
 * engine, failed without one where {@code CI=true}.
 */
@ExtendWith(KafkaBrokerExtension.class)
class NodeAgentDockerIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String TEST = NodeAgentDockerIT.class.getSimpleName();
  private static Topics topics;
  private static DockerTestEngine engine;

  @TempDir
  Path dataDir;
  private final List<AutoCloseable> closing = new ArrayList<>();
  private TopicRecorder recorder;
  private KafkaProducer<String, Assignment> assignments;

  @BeforeAll
  static void setUp(KafkaTestCluster kafka) throws Exception {
    engine = DockerTestEngine.open(NodeAgentDockerIT.class);
    topics = new Topics(kafka.uniquePrefix());
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      admin.createTopics(topics.all().stream()
          .map(t -> new NewTopic(t.name(), t.partitions(), (short) 1).configs(t.configs()))
          .toList()).all().get();
    }
  }

  @BeforeEach
  void needsTheEngine() {
    engine.assumeAvailable();
  }

  @AfterAll
  static void cleanUp() {
    if (engine != null) {
      engine.cleanUp(NodeAgentDockerIT.class);
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  private void connect(KafkaTestCluster kafka) {
    recorder = new TopicRecorder(kafka.bootstrapServers(), List.of(topics.taskStatus.name(), topics.heartbeats.name()));
    assignments = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        topics.assignments.keySerde().serializer(), topics.assignments.valueSerde().serializer());
    closing.add(recorder);
    closing.add(assignments);
  }

  private NodeAgent startAgent(KafkaTestCluster kafka, String nodeId, DockerRuntime docker) {
    List<ContainerRuntime> runtimes = List.of(docker, new ProcessRuntime(dataDir.resolve("process")));
    NodeAgent agent = new NodeAgent(NodeAgentConfig.builder(kafka.bootstrapServers(), dataDir).nodeId(nodeId)
        .topics(topics).heartbeatInterval(Duration.ofMillis(200)).resyncInterval(Duration.ofMillis(500)).build(), runtimes);
    closing.add(agent);
    agent.start();
    return agent;
  }

  private static String node() {
    return "dock-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static SpecBuilder httpd(String service) {
    return SpecBuilder.httpd(service, NodeAgentDockerIT.class);
  }

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

  private boolean reached(String taskId, TaskState state) {
    return latest(taskId).map(s -> s.state() == state).orElse(false);
  }

  private List<NodeHeartbeat> heartbeats() {
    return recorder.values(topics.heartbeats.name()).stream().map(v -> Json.fromString(v, NodeHeartbeat.class)).toList();
  }

  private static List<Container> containersOf(String nodeId) {
    return engine.labelled(ContainerLabels.NODE_ID, nodeId);
  }

  @Test
  void runsThreeHttpdReplicasReportsAKilledOneAndRemovesThemWhenUnassigned(KafkaTestCluster kafka) throws Exception {
    connect(kafka);
    String node = node();
    startAgent(kafka, node, DockerRuntime.connect());
    SpecBuilder web = httpd("web").health("200ms", 2, "wget", "-q", "-O", "/dev/null", "http://127.0.0.1/");
    List<String> ids = List.of("web1-" + node, "web2-" + node, "web3-" + node);
    publish(node, 1, web.task(ids.get(0), 1, node), web.task(ids.get(1), 2, node), web.task(ids.get(2), 3, node));

    await().atMost(WAIT).until(() -> ids.stream().allMatch(id -> reached(id, TaskState.RUNNING)));
    for (String id : ids) {
      TaskStatus running = latest(id).orElseThrow();
      assertThat(running.endpoint()).matches("127\\.0\\.0\\.1:\\d+");
      assertThat(running.containerId()).hasSizeGreaterThan(12);
      await().atMost(WAIT).until(() -> DockerTestEngine.httpStatus(running.endpoint()) == 200);
      // The health check's verdict reaches the task status.
      await().atMost(WAIT).until(() -> latest(id).map(s -> "healthy".equals(s.health())).orElse(false));
    }
    List<Container> containers = containersOf(node);
    assertThat(containers).hasSize(3).allSatisfy(c -> {
      assertThat(c.getState()).isEqualTo("running");
      assertThat(c.getLabels()).containsEntry(ContainerLabels.SERVICE_NAME, "web")
          .containsEntry(ContainerLabels.NODE_ID, node).containsKey(ContainerLabels.SLOT);
    });
    assertThat(containers).extracting(c -> c.getLabels().get(ContainerLabels.TASK_ID)).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(containers).extracting(c -> c.getNames()[0])
        .containsExactlyInAnyOrder("/web.1." + ids.get(0), "/web.2." + ids.get(1), "/web.3." + ids.get(2));
    NodeHeartbeat beat = heartbeats().stream().filter(h -> h.nodeId().equals(node)).findFirst().orElseThrow();
    assertThat(beat.description().drivers()).containsExactly(Drivers.DOCKER, Drivers.PROCESS);
    assertThat(beat.description().engineVersion()).startsWith("docker ");

    // docker kill: the task FAILED with the exit code, the container kept for its logs.
    engine.client().killContainerCmd(latest(ids.get(1)).orElseThrow().containerId()).exec();
    await().atMost(WAIT).until(() -> reached(ids.get(1), TaskState.FAILED));
    TaskStatus failed = latest(ids.get(1)).orElseThrow();
    assertThat(failed.exitCode()).isEqualTo(137);
    assertThat(failed.message()).isEqualTo("task exited with code 137");
    assertThat(containersOf(node)).hasSize(3);

    // Assigned nothing: every container goes, the running ones reported SHUTDOWN.
    publish(node, 2);
    await().atMost(WAIT).until(() -> containersOf(node).isEmpty());
    assertThat(latest(ids.get(0)).orElseThrow().state()).isEqualTo(TaskState.SHUTDOWN);
    assertThat(latest(ids.get(2)).orElseThrow().state()).isEqualTo(TaskState.SHUTDOWN);
    assertThat(latest(ids.get(1)).orElseThrow().state()).isEqualTo(TaskState.FAILED);
  }

  @Test
  void atStartRemovesAStaleContainerAdoptsAnAssignedOneAndRejectsAMissingImage(KafkaTestCluster kafka) throws Exception {
    connect(kafka);
    String node = node();
    String stale = engine.client().createContainerCmd(DockerTestEngine.IMAGE).withCmd("sleep", "600")
        .withLabels(Map.of(ContainerLabels.NODE_ID, node, ContainerLabels.TASK_ID, "stale-" + node,
            ContainerLabels.STOP_GRACE_PERIOD, "0s", DockerTestEngine.TEST_LABEL, TEST)).exec().getId();
    engine.client().startContainerCmd(stale).exec();
    Task kept = httpd("kept").task("kept-" + node, 1, node);
    DockerRuntime earlier = DockerRuntime.connect();
    closing.add(earlier);
    earlier.prepare(kept);
    String keptContainer = earlier.start(kept.id()).containerId();
    TaskStatus runningBefore = new TaskStatus(kept.id(), node, TaskState.RUNNING, "started", null, null, null, null,
        null, keptContainer, 2);
    ServiceSpec missing = SpecBuilder.service("ghost", NodeAgentDockerIT.class).image("local/missing:0").command("true").spec();
    Task ghost = new Task("ghost-" + node, "svc-ghost", "ghost", 1, node, 1, missing, DesiredState.RUNNING, null, 1, 1);

    // Assigned before the agent starts, as "at start" says: published after, the agent's first pass
    // could see an empty assignment and rightly stop the container it does not know yet.
    publish(node, 1, kept.withStatus(runningBefore, 2), ghost);
    startAgent(kafka, node, DockerRuntime.connect());

    await().atMost(WAIT).until(() -> containersOf(node).stream().noneMatch(c -> c.getId().equals(stale)));
    await().atMost(WAIT).until(() -> reached(ghost.id(), TaskState.REJECTED));
    assertThat(latest(ghost.id()).orElseThrow().message())
        .startsWith("image local/missing:0 is not on the node and cannot be pulled: ");
    int beats = heartbeats().size();
    await().atMost(WAIT).until(() -> heartbeats().size() >= beats + 3); // a few passes later, still alive
    assertThat(containersOf(node)).singleElement().satisfies(c -> {
      assertThat(c.getId()).isEqualTo(keptContainer);
      assertThat(c.getState()).isEqualTo("running");
    });
    assertThat(statuses(kept.id())).isEmpty(); // adopted as it was: nothing new to say
  }

  @Test
  void survivesTheEngineGoingAwayAndReportsWhatHappenedMeanwhileWhenItIsBack(KafkaTestCluster kafka) throws Exception {
    String host = System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
    TestPreconditions.require(host.startsWith("unix://"), "the engine proxy needs a Unix socket engine, DOCKER_HOST is " + host);
    connect(kafka);
    EngineProxy proxy = new EngineProxy(dataDir.resolve("engine.sock"), Path.of(host.substring("unix://".length())));
    Files.createDirectories(dataDir);
    proxy.up();
    closing.add(proxy);
    String node = node();
    startAgent(kafka, node, DockerRuntime.connect(proxy.dockerHost(), DockerRuntime.DEFAULT_PULL_TIMEOUT));
    Task web = httpd("away").task("away-" + node, 1, node);
    publish(node, 1, web);
    await().atMost(WAIT).until(() -> reached(web.id(), TaskState.RUNNING));
    String container = latest(web.id()).orElseThrow().containerId();

    proxy.down();
    engine.client().killContainerCmd(container).exec();
    // The agent goes on: the process runtime still runs what it is given, heartbeats go out.
    ServiceSpec sleeper = new ServiceSpec("proc", null, List.of("sleep", "600"), null, null, null, null, null, null,
        null, null, null, null, null, null, null, null, null, "1s", null, null, null);
    Task proc = new Task("proc-" + node, "svc-proc", "proc", 1, node, 1, sleeper, DesiredState.RUNNING, null, 1, 1);
    publish(node, 2, web, proc);
    await().atMost(WAIT).until(() -> reached(proc.id(), TaskState.RUNNING));
    int beats = heartbeats().size();
    await().atMost(WAIT).until(() -> heartbeats().size() >= beats + 5);
    // Nothing is guessed while the engine does not answer.
    assertThat(latest(web.id()).orElseThrow().state()).isEqualTo(TaskState.RUNNING);

    proxy.up();
    await().atMost(WAIT).until(() -> reached(web.id(), TaskState.FAILED));
    assertThat(latest(web.id()).orElseThrow().exitCode()).isEqualTo(137);
    publish(node, 3, proc);
    await().atMost(WAIT).until(() -> containersOf(node).isEmpty());
  }
}
