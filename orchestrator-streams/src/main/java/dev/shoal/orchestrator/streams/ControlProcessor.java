package dev.shoal.orchestrator.streams;

import dev.shoal.orchestrator.core.ClusterState;
import dev.shoal.orchestrator.core.JoinPolicy;
import dev.shoal.orchestrator.core.Orchestrator;
import dev.shoal.orchestrator.core.OrchestratorSettings;
import dev.shoal.orchestrator.core.Plan;
import dev.shoal.orchestrator.core.ReconcilePlan;
import dev.shoal.orchestrator.core.RestartRecord;
import dev.shoal.orchestrator.core.Scheduler;
import dev.shoal.orchestrator.core.UpdateProgress;
import dev.shoal.orchestrator.metrics.DecisionMetrics;
import dev.shoal.orchestrator.metrics.OrchestratorMetrics;
import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.ClusterInfo;
import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.RejectionCode;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place decisions are made. Its parents are the intakes of every input log (specs,
 * commands, task status, liveness, timers; all one partition, so all in this one task), which hand
 * it validated messages. For each it asks the pure {@link Orchestrator} for a {@link Plan}, checks
 * the plan ({@link OutputPlan}: every record it would publish is within the broker's size limit),
 * and only then writes its stores (changelogged, so a standby can take over), publishes the derived
 * topics and appends the message to the control log ({@code shoal.control}: every input as
 * decided, in order, with its decision time) — all in one transaction, so the answer to a write
 * costs one commit. A message whose decision throws or whose plan is refused is quarantined
 * ({@code control.failed}, with its input's topic and offset and the reason) and the state is rolled
 * back: the next message goes on (DESIGN principle 5, invariant 6).
 *
 * <p>Timers the decisions ask for are kept in a store and published to {@code shoal.timers} by a
 * wall-clock punctuator when due: the decision is made when that record comes back, at its broker
 * time.
 */
final class ControlProcessor implements Processor<String, ControlMessage, String, Object> {
  private static final Logger LOG = LoggerFactory.getLogger(ControlProcessor.class);

  private final OrchestratorSettings settings;
  private final JoinPolicy joinPolicy;
  private final Scheduler scheduler;
  private ProcessorContext<String, Object> context;
  private ControlStores stores;
  private KeyValueStore<String, ControlMessage> timers;
  private Orchestrator orchestrator;
  private DecisionMetrics metrics; // null when the application runs without metrics
  private TimerAlarm alarm;
  private final InputProgress progress; // null: commits at the interval only (tests)
  private static final byte[] DECISION_CODE =
      Integer.toString(dev.shoal.orchestrator.core.DecisionCode.VERSION).getBytes(java.nio.charset.StandardCharsets.UTF_8);

  ControlProcessor(OrchestratorSettings settings, JoinPolicy joinPolicy, Scheduler scheduler, InputProgress progress) {
    this.scheduler = scheduler;
    this.progress = progress;
    this.settings = settings;
    this.joinPolicy = joinPolicy;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    stores = ControlStores.of(context);
    timers = context.getStateStore(OrchestratorTopology.TIMERS_STORE);
    orchestrator = new Orchestrator(stores.load(), scheduler, settings, joinPolicy);
    alarm = new TimerAlarm(context, this::fireDueTimers);
    nextDueTimer().ifPresent(alarm::armFor);
    metrics = OrchestratorMetrics.of(context).decisions();
    if (metrics != null) {
      metrics.loaded(orchestrator.state());
    }
  }

  @Override
  public void close() {
    if (metrics != null) {
      metrics.released(); // the decision task leaves this instance, and its cluster gauges with it
    }
  }

  @Override
  public void process(Record<String, ControlMessage> record) {
    String offset = context.recordMetadata().map(m -> m.topic() + "@" + m.offset()).orElse("?");
    ControlMessage message = record.value();
    Plan plan;
    OutputPlan outputs;
    try {
      plan = orchestrator.plan(message, record.timestamp());
      outputs = OutputPlan.of(plan, orchestrator.state(), message, record.key(), settings.maxOutputRecordBytes());
    } catch (RuntimeException | StackOverflowError e) {
      orchestrator.rollback();
      LOG.error("control record at offset {} could not be handled; quarantined", offset, e);
      quarantine(message, offset, RejectionCode.INTERNAL, "the decision failed: " + e, record.timestamp());
      return;
    }
    if (outputs.refusal() != null) {
      orchestrator.rollback();
      LOG.warn("control record at offset {} refused: {}", offset, outputs.refusal());
      quarantine(message, offset, RejectionCode.TOO_LARGE, outputs.refusal(), record.timestamp());
      return;
    }
    stores.write(plan.changes(), orchestrator.state(), outputs.taskJson());
    // Every record of the decision carries its sequence: audit pairs the derived records with the
    // control-log entry that made them, record by record.
    byte[] sequence = Long.toString(plan.sequence()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    for (OutputPlan.Output o : outputs.records()) {
      org.apache.kafka.common.header.internals.RecordHeaders headers = new org.apache.kafka.common.header.internals.RecordHeaders();
      headers.add(Headers.SEQUENCE, sequence);
      if (o.sink().equals(OrchestratorTopology.TO_CONTROL)) {
        headers.add(Headers.DECISION_CODE, DECISION_CODE);
      }
      context.forward(new Record<>(o.key(), (Object) o.value(), plan.time(), headers), o.sink());
      if (progress != null && o.sink().equals(OrchestratorTopology.TO_ASSIGNMENTS)) {
        progress.markUrgent(); // an agent has something to do
      }
    }
    for (ReconcilePlan.Timer t : plan.timers()) {
      timers.put(timerKey(t), new ControlMessage.TimerFired(t.name(), t.target()));
      alarm.armFor(t.dueAt());
    }
    orchestrator.commit();
    if (metrics != null) {
      metrics.decided(message, plan, orchestrator.state(), record.timestamp());
    }
  }

  /** A quarantined message: the state is unchanged, an event says why, and a waiting client is answered. */
  private void quarantine(ControlMessage message, String offset, RejectionCode code, String reason, long time) {
    if (metrics != null) {
      metrics.quarantined(code);
    }
    Map<String, String> attrs = new TreeMap<>();
    attrs.put("offset", offset);
    attrs.put("code", code.wire());
    attrs.put("outcome", "rejected");
    String rid = Orchestrator.requestIdOf(message);
    if (rid != null) {
      attrs.put("requestId", rid);
    }
    String text = "input at " + offset + " (" + message.getClass().getSimpleName() + ") quarantined: " + reason;
    forwardEvent(new ClusterEvent("control.failed", "control", offset, text, attrs, time), time);
  }

  private void forwardEvent(ClusterEvent e, long time) {
    context.forward(new Record<>(e.entityId(), (Object) dev.shoal.schemas.Json.toBytes(e), time),
        OrchestratorTopology.TO_EVENTS);
  }

  private void fireDueTimers(long now) {
    alarm.rang();
    String upTo = String.format("%020d~", now);
    List<KeyValue<String, ControlMessage>> due = new ArrayList<>();
    try (KeyValueIterator<String, ControlMessage> it = timers.range("", upTo)) {
      it.forEachRemaining(due::add);
    }
    for (KeyValue<String, ControlMessage> kv : due) {
      timers.delete(kv.key);
      ControlMessage.TimerFired t = (ControlMessage.TimerFired) kv.value;
      context.forward(new Record<>(t.target(), (Object) dev.shoal.schemas.Json.toBytes(t), now),
          OrchestratorTopology.TO_TIMERS);
    }
    if (!due.isEmpty()) {
      // The decision is made when the timer comes back, which it can only once this commits: a
      // rolling update's monitor window or delay would otherwise end a commit interval late.
      context.commit();
    }
    nextDueTimer().ifPresent(alarm::armFor);
  }

  /** When the earliest stored timer is due (keys begin with the due time, zero-padded, so they sort by it). */
  private java.util.Optional<Long> nextDueTimer() {
    try (KeyValueIterator<String, ControlMessage> it = timers.all()) {
      return it.hasNext() ? java.util.Optional.of(Long.parseLong(it.next().key.substring(0, 20)))
          : java.util.Optional.empty();
    }
  }

  private static String timerKey(ReconcilePlan.Timer t) {
    return String.format("%020d/%s/%s", t.dueAt(), t.name(), t.target());
  }

  /** The decision state's stores: loading them into a {@link ClusterState}, writing a plan's changes back. */
  record ControlStores(KeyValueStore<String, Service> services, KeyValueStore<String, byte[]> tasks,
                       KeyValueStore<String, Node> nodes, KeyValueStore<String, RestartRecord> restarts,
                       KeyValueStore<String, UpdateProgress> updates, KeyValueStore<String, ClusterInfo> cluster,
                       KeyValueStore<String, ClusterState.Meta> meta,
                       KeyValueStore<String, ClusterState.RememberedRequest> requests) {
    static final String META_KEY = "meta";

    static ControlStores of(ProcessorContext<?, ?> c) {
      return new ControlStores(c.getStateStore(OrchestratorTopology.SERVICES_STORE),
          c.getStateStore(OrchestratorTopology.TASKS_STORE), c.getStateStore(OrchestratorTopology.NODES_STORE),
          c.getStateStore(OrchestratorTopology.RESTARTS_STORE), c.getStateStore(OrchestratorTopology.UPDATES_STORE),
          c.getStateStore(OrchestratorTopology.CLUSTER_STORE), c.getStateStore(OrchestratorTopology.META_STORE),
          c.getStateStore(OrchestratorTopology.REQUESTS_STORE));
    }

    ClusterState load() {
      ClusterState state = new ClusterState();
      try (KeyValueIterator<String, Service> it = services.all()) {
        it.forEachRemaining(kv -> state.load(kv.value));
      }
      try (KeyValueIterator<String, byte[]> it = tasks.all()) {
        it.forEachRemaining(kv -> state.load(dev.shoal.schemas.Json.fromOwnBytes(kv.value, Task.class)));
      }
      try (KeyValueIterator<String, Node> it = nodes.all()) {
        it.forEachRemaining(kv -> state.load(kv.value));
      }
      try (KeyValueIterator<String, RestartRecord> it = restarts.all()) {
        it.forEachRemaining(kv -> state.load(kv.key, kv.value));
      }
      try (KeyValueIterator<String, UpdateProgress> it = updates.all()) {
        it.forEachRemaining(kv -> state.load(kv.key, kv.value));
      }
      try (KeyValueIterator<String, ClusterState.RememberedRequest> it = requests.all()) {
        it.forEachRemaining(kv -> state.load(kv.key, kv.value));
      }
      ClusterInfo info = cluster.get(ClusterInfo.KEY);
      if (info != null) {
        state.load(info);
      }
      ClusterState.Meta m = meta.get(META_KEY);
      if (m != null) {
        state.load(m);
      }
      return state;
    }

    /** @param taskJson the changed tasks' JSON as the decision publishes it to {@code shoal.tasks} (null: removed) */
    void write(ClusterState.Changes changes, ClusterState state, java.util.Map<String, byte[]> taskJson) {
      for (Service s : changes.services()) {
        services.put(dev.shoal.schemas.Identifiers.serviceKey(s.name()), s);
      }
      for (Service s : changes.removedServices()) {
        services.delete(dev.shoal.schemas.Identifiers.serviceKey(s.name()));
      }
      for (String id : changes.taskIds()) {
        putOrDelete(tasks, id, taskJson.get(id));
      }
      for (String id : changes.nodeIds()) {
        putOrDelete(nodes, id, state.node(id).orElse(null));
      }
      for (String key : changes.restartKeys()) {
        putOrDelete(restarts, key, state.restart(key).orElse(null));
      }
      for (String id : changes.updateServiceIds()) {
        putOrDelete(updates, id, state.update(id).orElse(null));
      }
      for (String id : changes.requestIds()) {
        putOrDelete(requests, id, state.request(id).orElse(null));
      }
      if (changes.clusterInfoChanged()) {
        cluster.put(ClusterInfo.KEY, state.clusterInfo());
      }
      if (changes.metaChanged()) {
        meta.put(META_KEY, state.meta());
      }
    }

    private static <V> void putOrDelete(KeyValueStore<String, V> store, String key, V value) {
      if (value == null) {
        store.delete(key);
      } else {
        store.put(key, value);
      }
    }
  }
}
