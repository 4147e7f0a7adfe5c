package dev.shoal.orchestrator.streams;

import dev.shoal.orchestrator.core.ClusterState;
import dev.shoal.orchestrator.core.JoinPolicy;
import dev.shoal.orchestrator.core.OrchestratorSettings;
import dev.shoal.orchestrator.core.RestartRecord;
import dev.shoal.orchestrator.core.Scheduler;
import dev.shoal.orchestrator.core.UpdateProgress;
import dev.shoal.schemas.ClusterInfo;
import dev.shoal.schemas.CommandEnvelope;
import dev.shoal.schemas.CommandValidator;
import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.JsonSerde;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.Limits;
import dev.shoal.schemas.TaskStatus;
import dev.shoal.schemas.TaskStatusBatch;
import dev.shoal.schemas.TaskStatusBatchValidator;
import dev.shoal.schemas.TaskStatusValidator;
import dev.shoal.schemas.Validated;
import dev.shoal.schemas.Topics;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the orchestrator's topology. Every processor, store and sink is named, so names stay put
 * as the topology grows.
 *
 * <pre>
 * specs ──────► spec-intake ─────┐
 * commands ───► command-intake ──┤
 * task-status ► status-intake ───┼──► decide ──► services, tasks, nodes, assignments, events, cluster,
 * liveness ───► liveness-intake ─┤      │          and shoal.control (every input as decided)
 * timers ─────► timer-intake ────┘      └──► timers (due timers, read back)
 * heartbeats ─► liveness ──► liveness (node up / down)
 * (every intake also writes rejection events to shoal.events)
 * shoal.nodes ──► node-keys (global store: node id → recorded public key, read by liveness)
 * </pre>
 *
 * <p>The five inputs of {@code decide} have one partition each, so they and {@code decide} form one
 * task: a write is decided in the transaction that reads it, and its answer costs one commit.
 */
public final class OrchestratorTopology {
  static final String TO_SERVICES = "control-to-services";
  static final String TO_TASKS = "control-to-tasks";
  static final String TO_NODES = "control-to-nodes";
  static final String TO_ASSIGNMENTS = "control-to-assignments";
  static final String TO_EVENTS = "control-to-events";
  static final String TO_CONTROL = "control-to-control";
  static final String TO_TIMERS = "control-to-timers";
  static final String DECIDE = "decide";
  static final String TO_CLUSTER = "control-to-cluster";

  public static final String LIVENESS_STORE = "liveness";
  /** Global store: node id → the node's recorded public key, read from the nodes topic, for liveness. */
  public static final String NODE_KEYS_STORE = "node-keys";
  public static final String SERVICES_STORE = "services";
  public static final String TASKS_STORE = "tasks";
  public static final String NODES_STORE = "nodes";
  public static final String RESTARTS_STORE = "restarts";
  public static final String TIMERS_STORE = "timers";
  public static final String UPDATES_STORE = "updates";
  public static final String CLUSTER_STORE = "cluster";
  public static final String META_STORE = "meta";
  public static final String REQUESTS_STORE = "requests";

  /**
   * Timing of the two wall-clock timers; everything else is decided from the control log. A timer
   * is published up to one check interval after it is due, so the interval is what each rolling
   * update's monitor window and delay overrun by; a check is one range scan of the timers store.
   */
  public record Timing(Duration nodeDownTimeout, Duration livenessCheckInterval) {
    public static final Timing DEFAULTS = new Timing(Duration.ofSeconds(3), Duration.ofMillis(250));
  }

  private OrchestratorTopology() {}

  public static Topology build(Topics topics, OrchestratorSettings settings, Timing timing) {
    return build(topics, settings, timing, JoinPolicy.OPEN);
  }

  public static Topology build(Topics topics, OrchestratorSettings settings, Timing timing, JoinPolicy joinPolicy) {
    return build(topics, settings, timing, joinPolicy, Scheduler::new);
  }

  /** With a given scheduler: tests use one that fails on purpose to check the quarantine. */
  static Topology build(Topics topics, OrchestratorSettings settings, Timing timing, JoinPolicy joinPolicy,
                        Supplier<Scheduler> scheduler) {
    Topology t = new Topology();
    addDecisions(t, topics, settings, timing, joinPolicy, scheduler, null);
    addLiveness(t, topics, timing, new ProcessedOffset());
    return t;
  }

  /**
   * The decision part alone (every input log but heartbeats, and {@code decide}): what the
   * orchestrator's main Streams application runs.
   */
  static Topology buildDecisions(Topics topics, OrchestratorSettings settings, Timing timing, JoinPolicy joinPolicy) {
    return buildDecisions(topics, settings, timing, joinPolicy, null);
  }

  /**
   * The decision part whose intakes ask for a commit whenever they have processed everything the
   * consumer fetched ({@link CommitWhenCaughtUp}; null: only at the commit interval).
   */
  static Topology buildDecisions(Topics topics, OrchestratorSettings settings, Timing timing, JoinPolicy joinPolicy,
                                 InputProgress progress) {
    Topology t = new Topology();
    addDecisions(t, topics, settings, timing, joinPolicy, Scheduler::new, progress);
    return t;
  }

  /**
   * Liveness alone (heartbeats in, node up and down out to {@code shoal.liveness}, with the node-keys
   * global store): run as an application of its own so it can commit at its own pace
   * ({@link OrchestratorApp}). The two parts meet only in the liveness topic either way.
   */
  static Topology buildLiveness(Topics topics, Timing timing) {
    return buildLiveness(topics, timing, new ProcessedOffset());
  }

  /** @param position where liveness publishes how far it has read the heartbeat log (for the pre-verifier's pace) */
  static Topology buildLiveness(Topics topics, Timing timing, ProcessedOffset position) {
    Topology t = new Topology();
    addLiveness(t, topics, timing, position);
    return t;
  }

  private static void addDecisions(Topology t, Topics topics, OrchestratorSettings settings, Timing timing,
                                   JoinPolicy joinPolicy, Supplier<Scheduler> scheduler, InputProgress progress) {
    Serde<String> s = Serdes.String();
    Serializer<Object> json = (topic, value) -> value == null ? null : Json.toBytes(value);
    // Statuses are the one input nobody waits on unless the decision changes an assignment (it says so).
    IntakeWrapper wrap = IntakeWrapper.committingWhenCaughtUp(progress, true);
    IntakeWrapper wrapStatus = IntakeWrapper.committingWhenCaughtUp(progress, false);

    IntakeSinks spec = IntakeSinks.of("spec-intake", DECIDE);
    addIntake(t, spec, topics.specs.name(), wrap.around(() -> new SpecIntake(topics.specs.name(), spec)), topics, json);
    IntakeSinks command = IntakeSinks.of("command-intake", DECIDE);
    addIntake(t, command, topics.commands.name(), wrap.around(() -> new JsonIntake<>(topics.commands.name(), CommandEnvelope.class,
        Limits.MAX_COMMAND_BYTES, OrchestratorTopology::commandIssued, "command.rejected", command)), topics, json);
    IntakeSinks status = IntakeSinks.of("status-intake", DECIDE);
    addIntake(t, status, topics.taskStatus.name(), wrapStatus.around(() -> new JsonIntake<>(topics.taskStatus.name(), "TaskStatus",
        StatusReports::read, Limits.MAX_STATUS_BATCH_BYTES, OrchestratorTopology::statusReported, "task-status.rejected",
        status)), topics, json);
    IntakeSinks livenessIn = IntakeSinks.of("liveness-intake", DECIDE);
    addIntake(t, livenessIn, topics.liveness.name(), wrap.around(() -> new ControlIntake(topics.liveness.name(),
        Set.of(ControlMessage.NodeUp.class, ControlMessage.NodeDown.class), livenessIn)), topics, json);
    IntakeSinks timerIn = IntakeSinks.of("timer-intake", DECIDE);
    addIntake(t, timerIn, topics.timers.name(), wrap.around(() -> new ControlIntake(topics.timers.name(),
        Set.of(ControlMessage.TimerFired.class), timerIn)), topics, json);

    t.addProcessor(DECIDE, () -> new ControlProcessor(settings, joinPolicy, scheduler.get(), progress),
        spec.processor(), command.processor(), status.processor(), livenessIn.processor(), timerIn.processor());
    t.addStateStore(store(SERVICES_STORE, Service.class), DECIDE);
    // The tasks store keeps the bytes the decision publishes to shoal.tasks (the same JSON a typed
    // store would write, so its changelog is unchanged): a task is serialised once, not twice.
    t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TASKS_STORE), Serdes.String(),
        Serdes.ByteArray()), DECIDE);
    t.addStateStore(store(NODES_STORE, Node.class), DECIDE);
    t.addStateStore(store(RESTARTS_STORE, RestartRecord.class), DECIDE);
    t.addStateStore(store(TIMERS_STORE, ControlMessage.class), DECIDE);
    t.addStateStore(store(UPDATES_STORE, UpdateProgress.class), DECIDE);
    t.addStateStore(store(CLUSTER_STORE, ClusterInfo.class), DECIDE);
    t.addStateStore(store(META_STORE, ClusterState.Meta.class), DECIDE);
    t.addStateStore(store(REQUESTS_STORE, ClusterState.RememberedRequest.class), DECIDE);
    // The decision processor publishes records it serialised (and size-checked) itself.
    Serializer<byte[]> bytes = new ByteArraySerializer();
    t.addSink(TO_SERVICES, topics.services.name(), s.serializer(), bytes, DECIDE);
    t.addSink(TO_TASKS, topics.tasks.name(), s.serializer(), bytes, DECIDE);
    t.addSink(TO_NODES, topics.nodes.name(), s.serializer(), bytes, DECIDE);
    t.addSink(TO_ASSIGNMENTS, topics.assignments.name(), s.serializer(), bytes, new NodePartitioner(), DECIDE);
    t.addSink(TO_EVENTS, topics.events.name(), s.serializer(), bytes, DECIDE);
    t.addSink(TO_CONTROL, topics.control.name(), s.serializer(), bytes, DECIDE);
    t.addSink(TO_TIMERS, topics.timers.name(), s.serializer(), bytes, DECIDE);
    t.addSink(TO_CLUSTER, topics.cluster.name(), s.serializer(), bytes, DECIDE);
  }

  private static void addLiveness(Topology t, Topics topics, Timing timing, ProcessedOffset position) {
    Serde<String> s = Serdes.String();
    Serializer<Object> json = (topic, value) -> value == null ? null : Json.toBytes(value);
    IntakeSinks liveness = IntakeSinks.of("liveness", "liveness-to-liveness");
    addIntake(t, liveness, topics.heartbeats.name(), () -> new LivenessProcessor(topics.heartbeats.name(),
        timing.nodeDownTimeout(), timing.livenessCheckInterval(), liveness, position), topics, json);
    t.addSink(liveness.control(), topics.liveness.name(), s.serializer(), json, liveness.processor());
    t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LIVENESS_STORE), s,
        new JsonSerde<>(LivenessEntry.class)), "liveness");
    // The nodes topic is the store's changelog: a global store keeps no other.
    t.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(NODE_KEYS_STORE), s, s)
        .withLoggingDisabled(), "node-keys-source", s.deserializer(), s.deserializer(), topics.nodes.name(),
        "node-keys", NodeKeysUpdater::new);
  }

  /** What the decisions' intakes are wrapped in (nothing, or {@link CommitWhenCaughtUp}). */
  @FunctionalInterface
  private interface IntakeWrapper {
    IntakeWrapper NONE = supplier -> supplier;

    /** {@link CommitWhenCaughtUp} around the intake; nothing without {@code progress}. */
    static IntakeWrapper committingWhenCaughtUp(InputProgress progress, boolean urgentLog) {
      return progress == null ? NONE : supplier -> () -> new CommitWhenCaughtUp<>(supplier.get(), progress, urgentLog);
    }

    org.apache.kafka.streams.processor.api.ProcessorSupplier<String, String, String, Object> around(
        org.apache.kafka.streams.processor.api.ProcessorSupplier<String, String, String, Object> supplier);
  }

  /** A source for an input log, its processor, and the processor's sink of rejection events. */
  private static void addIntake(Topology t, IntakeSinks sinks, String topic,
                                org.apache.kafka.streams.processor.api.ProcessorSupplier<String, String, String, Object> supplier,
                                Topics topics, Serializer<Object> json) {
    Serde<String> s = Serdes.String();
    String source = sinks.processor() + "-source";
    t.addSource(source, s.deserializer(), s.deserializer(), topic);
    t.addProcessor(sinks.processor(), supplier, source);
    t.addSink(sinks.events(), topics.events.name(), s.serializer(), json, sinks.processor());
  }

  private static <V> org.apache.kafka.streams.state.StoreBuilder<?> store(String name, Class<V> type) {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), new JsonSerde<>(type));
  }

  private static Validated<ControlMessage> commandIssued(CommandEnvelope e) {
    Validated<CommandEnvelope> v = CommandValidator.validate(e);
    return v.valid() ? Validated.ok(new ControlMessage.CommandIssued(v.value())) : Validated.refused(v.code(), v.reason());
  }

  private static Validated<ControlMessage> statusReported(Object report) {
    if (report instanceof TaskStatusBatch b) {
      Validated<TaskStatusBatch> v = TaskStatusBatchValidator.validate(b);
      return v.valid() ? Validated.ok(new ControlMessage.TaskStatusesReported(v.value()))
          : Validated.refused(v.code(), v.reason());
    }
    Validated<TaskStatus> v = TaskStatusValidator.validate((TaskStatus) report);
    return v.valid() ? Validated.ok(new ControlMessage.TaskStatusReported(v.value()))
        : Validated.refused(v.code(), v.reason());
  }
}
