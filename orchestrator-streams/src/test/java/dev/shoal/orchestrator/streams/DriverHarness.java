package dev.shoal.orchestrator.streams;

import dev.shoal.orchestrator.core.OrchestratorSettings;
import dev.shoal.schemas.Assignment;
import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.CommandEnvelope;
import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.NodeDescription;
import dev.shoal.schemas.NodeHeartbeat;
import dev.shoal.schemas.NodeResources;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import dev.shoal.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/** A TopologyTestDriver around the orchestrator topology, with the latest value of each derived topic. */
final class DriverHarness implements AutoCloseable {
  final Topics topics = Topics.defaults();
  final TopologyTestDriver driver;
  Instant now = Instant.parse("2026-01-01T00:00:00Z");
  private final TestInputTopic<String, String> specs;
  private final TestInputTopic<String, String> commands;
  private final TestInputTopic<String, String> status;
  private final TestInputTopic<String, String> heartbeats;
  private final TestOutputTopic<String, Service> servicesOut;
  private final TestOutputTopic<String, Task> tasksOut;
  private final TestOutputTopic<String, Node> nodesOut;
  private final TestOutputTopic<String, Assignment> assignmentsOut;
  private final TestOutputTopic<String, ClusterEvent> eventsOut;
  private final TestOutputTopic<String, ControlMessage> controlOut;
  private final TestInputTopic<String, String> livenessIn;
  private final TestInputTopic<String, String> timersIn;
  final Map<String, Service> services = new LinkedHashMap<>();
  final Map<String, Task> tasks = new LinkedHashMap<>();
  final Map<String, Node> nodes = new LinkedHashMap<>();
  final Map<String, Assignment> assignments = new LinkedHashMap<>();
  final List<ClusterEvent> events = new ArrayList<>();
  final List<ControlMessage> control = new ArrayList<>();
  /** The sequence header of every record published to the control log and the tasks topic, in order. */
  final List<String> controlSequences = new ArrayList<>();
  final List<String> taskSequences = new ArrayList<>();
  /** The headers of every event and control record published, in order. */
  final List<org.apache.kafka.common.header.Headers> eventHeaders = new ArrayList<>();
  final List<org.apache.kafka.common.header.Headers> controlHeaders = new ArrayList<>();
  final Map<String, dev.shoal.schemas.ClusterInfo> cluster = new LinkedHashMap<>();
  private TestOutputTopic<String, dev.shoal.schemas.ClusterInfo> clusterOut;
  /** Signs heartbeats and statuses as the nodes' agents would. */
  final TestNodes nodeKeys = new TestNodes();

  DriverHarness() {
    this(dev.shoal.orchestrator.core.JoinPolicy.OPEN);
  }

  DriverHarness(dev.shoal.orchestrator.core.JoinPolicy joinPolicy) {
    this(joinPolicy, dev.shoal.orchestrator.core.Scheduler::new);
  }

  DriverHarness(dev.shoal.orchestrator.core.JoinPolicy joinPolicy,
                java.util.function.Supplier<dev.shoal.orchestrator.core.Scheduler> scheduler) {
    this(joinPolicy, scheduler, OrchestratorSettings.DEFAULTS, Map.of());
  }

  DriverHarness(dev.shoal.orchestrator.core.JoinPolicy joinPolicy,
                java.util.function.Supplier<dev.shoal.orchestrator.core.Scheduler> scheduler,
                OrchestratorSettings settings) {
    this(joinPolicy, scheduler, settings, Map.of());
  }

  /** With extra application configs, e.g. the metrics the processors find there. */
  DriverHarness(dev.shoal.orchestrator.core.JoinPolicy joinPolicy,
                java.util.function.Supplier<dev.shoal.orchestrator.core.Scheduler> scheduler, Map<String, Object> extra) {
    this(joinPolicy, scheduler, OrchestratorSettings.DEFAULTS, extra);
  }

  DriverHarness(dev.shoal.orchestrator.core.JoinPolicy joinPolicy,
                java.util.function.Supplier<dev.shoal.orchestrator.core.Scheduler> scheduler,
                OrchestratorSettings settings, Map<String, Object> extra) {
    Properties p = new Properties();
    p.putAll(extra);
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:1234");
    p.put(StreamsConfig.STATE_DIR_CONFIG, "target/streams-" + System.nanoTime());
    driver = new TopologyTestDriver(OrchestratorTopology.build(topics, settings,
        OrchestratorTopology.Timing.DEFAULTS, joinPolicy, scheduler), p, now);
    var s = Serdes.String();
    specs = driver.createInputTopic(topics.specs.name(), s.serializer(), s.serializer());
    commands = driver.createInputTopic(topics.commands.name(), s.serializer(), s.serializer());
    status = driver.createInputTopic(topics.taskStatus.name(), s.serializer(), s.serializer());
    heartbeats = driver.createInputTopic(topics.heartbeats.name(), s.serializer(), s.serializer());
    servicesOut = driver.createOutputTopic(topics.services.name(), s.deserializer(), topics.services.valueSerde().deserializer());
    tasksOut = driver.createOutputTopic(topics.tasks.name(), s.deserializer(), topics.tasks.valueSerde().deserializer());
    nodesOut = driver.createOutputTopic(topics.nodes.name(), s.deserializer(), topics.nodes.valueSerde().deserializer());
    assignmentsOut = driver.createOutputTopic(topics.assignments.name(), s.deserializer(),
        topics.assignments.valueSerde().deserializer());
    eventsOut = driver.createOutputTopic(topics.events.name(), s.deserializer(), topics.events.valueSerde().deserializer());
    clusterOut = driver.createOutputTopic(topics.cluster.name(), s.deserializer(), topics.cluster.valueSerde().deserializer());
    controlOut = driver.createOutputTopic(topics.control.name(), s.deserializer(), topics.control.valueSerde().deserializer());
    livenessIn = driver.createInputTopic(topics.liveness.name(), s.serializer(), s.serializer());
    timersIn = driver.createInputTopic(topics.timers.name(), s.serializer(), s.serializer());
  }

  void spec(String name, String json) {
    specs.pipeInput(new TestRecord<>(name, json, now));
    drain();
  }

  void specWithVersion(String name, String json, long expected) {
    RecordHeaders h = new RecordHeaders();
    h.add(Headers.EXPECTED_VERSION, Long.toString(expected).getBytes());
    specs.pipeInput(new TestRecord<>(name, json, h, now));
    drain();
  }

  /** A spec with the headers the gateway sets. */
  void spec(String name, String json, String requestId, Long expectedVersion) {
    RecordHeaders h = new RecordHeaders();
    if (requestId != null) {
      h.add(Headers.REQUEST_ID, requestId.getBytes());
    }
    if (expectedVersion != null) {
      h.add(Headers.EXPECTED_VERSION, Long.toString(expectedVersion).getBytes());
    }
    specs.pipeInput(new TestRecord<>(name, json, h, now));
    drain();
  }

  /** A spec whose record time is {@code at}, e.g. from a producer whose clock is wrong. */
  void specAt(String name, String json, Instant at) {
    specs.pipeInput(new TestRecord<>(name, json, at));
    drain();
  }

  /** A record written straight to the liveness log, as any Kafka client with access could. */
  void rawLiveness(String key, String value) {
    livenessIn.pipeInput(new TestRecord<>(key, value, now));
    drain();
  }

  /** A record written straight to the timers log, as any Kafka client with access could. */
  void rawTimer(String key, String value) {
    timersIn.pipeInput(new TestRecord<>(key, value, now));
    drain();
  }

  /** A record with headers on any input topic, as a client may write it. */
  void raw(String topic, String key, String value, org.apache.kafka.common.header.Headers headers) {
    var s = Serdes.String();
    driver.createInputTopic(topic, s.serializer(), s.serializer()).pipeInput(new TestRecord<>(key, value, headers, now));
    drain();
  }

  void command(CommandEnvelope e) {
    commands.pipeInput(new TestRecord<>(e.command().target(), Json.toString(e), now));
    drain();
  }

  void rawCommand(String key, String value) {
    commands.pipeInput(new TestRecord<>(key, value, now));
    drain();
  }

  void heartbeat(String nodeId) {
    heartbeat(nodeId, List.of("docker", "process"), new NodeResources(4, 8L << 30));
  }

  void heartbeat(String nodeId, List<String> drivers, NodeResources resources) {
    heartbeat(nodeId, drivers, resources, null);
  }

  /** A heartbeat whose proof is made with {@code token} (null: none). */
  void heartbeatWithToken(String nodeId, String token) {
    heartbeat(nodeId, List.of("docker", "process"), new NodeResources(4, 8L << 30), token);
  }

  void heartbeat(String nodeId, List<String> drivers, NodeResources resources, String token) {
    rawHeartbeat(nodeId, Json.toString(nodeKeys.sign(unsignedHeartbeat(nodeId, drivers, resources), token)));
  }

  NodeHeartbeat unsignedHeartbeat(String nodeId, List<String> drivers, NodeResources resources) {
    NodeDescription d = new NodeDescription("host-" + nodeId, "127.0.0.1", resources, drivers, Map.of(), "linux", "amd64",
        null, "process");
    return new NodeHeartbeat(nodeId, 0, d, List.of(), now.toEpochMilli());
  }

  /** A heartbeat record as any producer could write it. */
  void rawHeartbeat(String key, String json) {
    heartbeats.pipeInput(new TestRecord<>(key, json, now));
    drain();
  }

  void report(Task t, TaskState state) {
    report(t, state, null);
  }

  void report(Task t, TaskState state, Integer exitCode) {
    TaskStatus s = new TaskStatus(t.id(), t.nodeId(), state, state.name().toLowerCase(), null, exitCode,
        "127.0.0.1:1", null, null, null, now.toEpochMilli());
    rawStatus(t.id(), Json.toString(nodeKeys.sign(s)));
  }

  /** {@code statuses} as {@code nodeId}'s agent sends them: one signed batch, keyed by the node. */
  void reportBatch(String nodeId, List<TaskStatus> statuses) {
    rawStatus(nodeId, Json.toString(nodeKeys.sign(nodeId, statuses)));
  }

  void rawStatus(String key, String json) {
    status.pipeInput(new TestRecord<>(key, json, now));
    drain();
  }

  void reportHealth(Task t, String health) {
    TaskStatus s = new TaskStatus(t.id(), t.nodeId(), TaskState.RUNNING, "running", null, null,
        "127.0.0.1:1", null, health, null, now.toEpochMilli());
    rawStatus(t.id(), Json.toString(nodeKeys.sign(s)));
  }

  void advance(Duration d) {
    now = now.plus(d);
    driver.advanceWallClockTime(d);
    drain();
  }

  void drain() {
    servicesOut.readRecordsToList().forEach(r -> put(services, r.key(), r.value()));
    tasksOut.readRecordsToList().forEach(r -> {
      taskSequences.add(sequence(r));
      put(tasks, r.key(), r.value());
    });
    nodesOut.readRecordsToList().forEach(r -> put(nodes, r.key(), r.value()));
    assignmentsOut.readRecordsToList().forEach(r -> put(assignments, r.key(), r.value()));
    eventsOut.readRecordsToList().forEach(r -> {
      events.add(r.value());
      eventHeaders.add(r.headers());
    });
    controlOut.readRecordsToList().forEach(r -> {
      controlSequences.add(sequence(r));
      control.add(r.value());
      controlHeaders.add(r.headers());
    });
    clusterOut.readRecordsToList().forEach(r -> put(cluster, r.key(), r.value()));
  }

  private static String sequence(TestRecord<?, ?> r) {
    var h = r.headers().lastHeader(Headers.SEQUENCE);
    return h == null ? null : new String(h.value());
  }

  private static <V> void put(Map<String, V> m, String k, V v) {
    if (v == null) {
      m.remove(k);
    } else {
      m.put(k, v);
    }
  }

  Service service(String name) {
    return services.values().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  List<Task> tasksOf(String service) {
    return tasks.values().stream().filter(t -> t.serviceName().equals(service)).toList();
  }

  List<Task> runningDesired(String service) {
    return tasksOf(service).stream().filter(t -> t.desiredState() == dev.shoal.schemas.DesiredState.RUNNING
        && !t.state().isTerminal()).toList();
  }

  List<String> eventTypes() {
    return events.stream().map(ClusterEvent::type).toList();
  }

  @Override
  public void close() {
    driver.close();
  }
}
