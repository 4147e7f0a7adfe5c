package dev.shoal.orchestrator.audit;

import dev.shoal.orchestrator.core.JoinPolicy;
import dev.shoal.orchestrator.core.OrchestratorSettings;
import dev.shoal.orchestrator.streams.Headers;
import dev.shoal.orchestrator.streams.OrchestratorTopology;
import dev.shoal.schemas.Command;
import dev.shoal.schemas.CommandEnvelope;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.NodeDescription;
import dev.shoal.schemas.NodeHeartbeat;
import dev.shoal.schemas.NodeResources;
import dev.shoal.schemas.NodeSignatures;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import dev.shoal.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The real orchestrator topology in a {@link TopologyTestDriver}, driven as agents, the gateway and
 * plain Kafka clients would drive it, with everything it publishes kept in {@link MemoryLogs} for
 * the audit to read. {@link #standardScenario()} is the story: create, scale, an update that
 * rolls back, a node failure and a drain.
 */
final class AuditScenario implements AutoCloseable {
  static final String UPDATE_CONFIG = "\"updateConfig\":{\"parallelism\":1,\"monitor\":\"1s\",\"failureAction\":\"rollback\"},"
      + "\"rollbackConfig\":{\"parallelism\":0,\"monitor\":\"1s\"}";
  static final String WEB = "{\"name\":\"web\",\"command\":[\"sleep\",\"600\"],\"replicas\":2," + UPDATE_CONFIG + "}";
  static final String WEB_BROKEN = "{\"name\":\"web\",\"command\":[\"false\"],\"replicas\":3," + UPDATE_CONFIG + "}";

  final Topics topics = Topics.defaults();
  final MemoryLogs logs = new MemoryLogs(topics);
  final Map<String, Task> tasks = new LinkedHashMap<>();
  final Map<String, Service> services = new LinkedHashMap<>();
  /** Wall-clock moments between the steps of {@link #standardScenario()}. */
  final Map<String, Long> marks = new LinkedHashMap<>();
  Instant now = Instant.parse("2026-11-22T10:00:00Z");

  private final TopologyTestDriver driver;
  private final Map<String, TestInputTopic<String, String>> inputs = new HashMap<>();
  private final Map<String, TestOutputTopic<String, byte[]>> outputs = new LinkedHashMap<>();
  private final Map<String, KeyPair> keys = new HashMap<>();
  private final Map<String, Long> heartbeatSequences = new HashMap<>();
  private final Map<String, Long> statusSequences = new HashMap<>();

  AuditScenario() {
    this(JoinPolicy.OPEN);
  }

  AuditScenario(JoinPolicy joins) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "audit-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:1234");
    p.put(StreamsConfig.STATE_DIR_CONFIG, "target/streams-audit-" + System.nanoTime());
    driver = new TopologyTestDriver(OrchestratorTopology.build(topics, OrchestratorSettings.DEFAULTS,
        OrchestratorTopology.Timing.DEFAULTS, joins), p, now);
    var ser = new StringSerializer();
    for (var t : List.of(topics.specs, topics.commands, topics.taskStatus, topics.heartbeats)) {
      inputs.put(t.name(), driver.createInputTopic(t.name(), ser, ser));
    }
    var keyDe = new StringDeserializer();
    var valueDe = new ByteArrayDeserializer();
    for (var t : List.of(topics.control, topics.services, topics.tasks, topics.nodes, topics.assignments, topics.events,
        topics.cluster)) {
      outputs.put(t.name(), driver.createOutputTopic(t.name(), keyDe, valueDe));
    }
  }

  /** Create, scale, an update that rolls back, a node failure and a drain, with a mark between each. */
  AuditScenario standardScenario() {
    for (String n : List.of("n1", "n2", "n3")) {
      heartbeat(n);
    }
    spec("web", WEB, "alice", "req-create");
    runAll();
    mark("created");
    command(new Command.ScaleService("web", 3), "bob", "req-scale");
    runAll();
    mark("scaled");
    spec("web", WEB_BROKEN, "alice", "req-update");
    // The first new task fails: the update's failure action rolls the service back.
    for (Task t : waiting("web")) {
      report(t, TaskState.RUNNING);
      report(t, TaskState.FAILED);
    }
    runAll();
    for (int i = 0; i < 4 && !"rollback_completed".equals(updateState("web")); i++) {
      beat(Duration.ofMillis(1500), "n1", "n2", "n3");
      runAll();
    }
    mark("rolled-back");
    // n3 falls silent: after the down timeout its tasks are replaced on n1 and n2.
    for (int i = 0; i < 5; i++) {
      beat(Duration.ofSeconds(1), "n1", "n2");
    }
    runAll();
    mark("n3-down");
    command(new Command.UpdateNode("n1", "drain", null, null, null), "carol", "req-drain");
    runAll();
    mark("drained");
    return this;
  }

  void mark(String name) {
    marks.put(name, now.toEpochMilli());
    advance(Duration.ofMillis(100));
  }

  long mark0(String name) {
    return marks.get(name);
  }

  /** Moves time on (wall clock and record times) by {@code d}, firing due timers. */
  void advance(Duration d) {
    now = now.plus(d);
    driver.advanceWallClockTime(d);
    drain();
  }

  /** {@code d} passes in 500 ms steps, the listed nodes beating all along. */
  void beat(Duration d, String... nodes) {
    for (long ms = 0; ms < d.toMillis(); ms += 500) {
      advance(Duration.ofMillis(500));
      for (String n : nodes) {
        heartbeat(n);
      }
    }
  }

  void heartbeat(String nodeId) {
    NodeDescription d = new NodeDescription("host-" + nodeId, "127.0.0.1", new NodeResources(4, 8L << 30),
        List.of("process"), Map.of(), "linux", "amd64", null, "process");
    long seq = heartbeatSequences.merge(nodeId, 1L, Long::sum);
    String key = NodeSignatures.encode(keys(nodeId).getPublic());
    NodeHeartbeat hb = NodeSignatures.sign(new NodeHeartbeat(nodeId, seq, d, List.of(), now.toEpochMilli(), null, 1L,
        key, null), keys(nodeId).getPrivate());
    pipe(topics.heartbeats.name(), nodeId, Json.toString(hb), Map.of());
  }

  /** A spec as the gateway writes it: principal and request id in headers. */
  void spec(String name, String json, String principal, String requestId) {
    Map<String, String> h = new LinkedHashMap<>();
    if (principal != null) {
      h.put(Headers.PRINCIPAL, principal);
    }
    if (requestId != null) {
      h.put(Headers.REQUEST_ID, requestId);
    }
    pipe(topics.specs.name(), name, json, h);
  }

  void command(Command c, String principal, String requestId) {
    pipe(topics.commands.name(), c.target(), Json.toString(new CommandEnvelope(c, principal, requestId,
        now.toEpochMilli())), Map.of());
  }

  /** The agent of the task's node reports it in {@code state}. */
  void report(Task t, TaskState state) {
    TaskStatus s = new TaskStatus(t.id(), t.nodeId(), state, state.name().toLowerCase(), null,
        state == TaskState.FAILED ? 1 : null, null, null, null, null, now.toEpochMilli());
    long seq = statusSequences.merge(t.nodeId(), 1L, Long::sum);
    if (seq % 2 == 0) {
      // Agents send batches (here of one); older agents and plain clients single statuses: replays read both.
      pipe(topics.taskStatus.name(), t.nodeId(), Json.toString(NodeSignatures.sign(
          dev.shoal.schemas.TaskStatusBatch.of(t.nodeId(), 1, seq, java.util.List.of(s)), keys(t.nodeId()).getPrivate())),
          Map.of());
      return;
    }
    TaskStatus signed = NodeSignatures.sign(s.withOrder(1, seq), keys(t.nodeId()).getPrivate());
    pipe(topics.taskStatus.name(), t.id(), Json.toString(signed), Map.of());
  }

  /** Every placed task wanted running that has not reported RUNNING yet reports it. */
  void runAll() {
    for (int round = 0; round < 5; round++) {
      List<Task> starting = tasks.values().stream().filter(t -> t.nodeId() != null
          && t.desiredState() == DesiredState.RUNNING && t.state().ordinal() < TaskState.RUNNING.ordinal()
          && t.state().ordinal() >= TaskState.ASSIGNED.ordinal()).toList();
      if (starting.isEmpty()) {
        return;
      }
      starting.forEach(t -> report(t, TaskState.RUNNING));
    }
  }

  /** Placed tasks of {@code service} wanted running that do not run yet. */
  List<Task> waiting(String service) {
    return tasks.values().stream().filter(t -> t.serviceName().equals(service) && t.nodeId() != null
        && t.desiredState() == DesiredState.RUNNING && t.state() == TaskState.ASSIGNED).toList();
  }

  String updateState(String service) {
    Service s = services.values().stream().filter(x -> x.name().equals(service)).findFirst().orElseThrow();
    return s.updateStatus() == null ? null : s.updateStatus().state();
  }

  private void pipe(String topic, String key, String value, Map<String, String> headers) {
    RecordHeaders h = new RecordHeaders();
    headers.forEach((k, v) -> h.add(k, v.getBytes(StandardCharsets.UTF_8)));
    inputs.get(topic).pipeInput(new TestRecord<>(key, value, h, now));
    drain();
  }

  /** Moves what the topology published into the logs (and the latest tasks and services into the maps). */
  void drain() {
    for (var e : outputs.entrySet()) {
      String topic = e.getKey();
      for (TestRecord<String, byte[]> r : e.getValue().readRecordsToList()) {
        var h = r.headers().lastHeader(Headers.SEQUENCE);
        Long seq = h == null ? null : Long.parseLong(new String(h.value(), StandardCharsets.UTF_8));
        var code = r.headers().lastHeader(Headers.DECISION_CODE);
        logs.append(topic, r.key(), r.value(), r.timestamp(), seq,
            code == null ? null : Integer.valueOf(new String(code.value(), StandardCharsets.UTF_8)));
        if (topic.equals(topics.tasks.name())) {
          put(tasks, r.key(), r.value() == null ? null : Json.fromBytes(r.value(), Task.class));
        } else if (topic.equals(topics.services.name())) {
          put(services, r.key(), r.value() == null ? null : Json.fromBytes(r.value(), Service.class));
        }
      }
    }
  }

  private static <V> void put(Map<String, V> m, String k, V v) {
    if (v == null) {
      m.remove(k);
    } else {
      m.put(k, v);
    }
  }

  private KeyPair keys(String nodeId) {
    return keys.computeIfAbsent(nodeId, id -> {
      try {
        SecureRandom seeded = SecureRandom.getInstance("SHA1PRNG");
        seeded.setSeed(("audit node " + id).getBytes(StandardCharsets.UTF_8));
        KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
        g.initialize(NamedParameterSpec.ED25519, seeded);
        return g.generateKeyPair();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /**
   * An audit of {@code source} as the tests run it: open joins, no cluster secret, a snapshot every
   * {@code every} decisions, 50 divergences shown.
   */
  Audit audit(AuditSource source, SnapshotCache cache, long every) {
    return new Audit(source, topics, new Audit.Options(OrchestratorSettings.DEFAULTS, Audit.Joins.OPEN, null,
        every, 50), cache, Progress.NONE);
  }

  @Override
  public void close() {
    driver.close();
  }
}
