package dev.shoal.orchestrator.streams;

import dev.shoal.orchestrator.core.ClusterState;
import dev.shoal.orchestrator.core.JoinPolicy;
import dev.shoal.orchestrator.core.Orchestrator;
import dev.shoal.orchestrator.core.OrchestratorSettings;
import dev.shoal.orchestrator.core.Outcome;
import dev.shoal.orchestrator.core.ReconcilePlan;
import dev.shoal.orchestrator.core.RestartRecord;
import dev.shoal.orchestrator.core.Scheduler;
import dev.shoal.orchestrator.core.UpdateProgress;
import dev.shoal.schemas.Assignment;
import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.ClusterInfo;
import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.Task;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place decisions are made: reads the single-partition control log, runs the pure
 * {@link Orchestrator}, persists what changed in local stores (changelogged, so a standby can take
 * over) and publishes the derived topics. Timers the decisions ask for are kept in a store and
 * published back to the control log by a wall-clock punctuator when due.
 */
final class ControlProcessor implements Processor<String, ControlMessage, String, Object> {
  private static final Logger LOG = LoggerFactory.getLogger(ControlProcessor.class);

  private final OrchestratorSettings settings;
  private final JoinPolicy joinPolicy;
  private final Duration timerCheckInterval;
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, Service> services;
  private KeyValueStore<String, Task> tasks;
  private KeyValueStore<String, Node> nodes;
  private KeyValueStore<String, RestartRecord> restarts;
  private KeyValueStore<String, ControlMessage> timers;
  private KeyValueStore<String, UpdateProgress> updates;
  private KeyValueStore<String, ClusterInfo> cluster;
  private Orchestrator orchestrator;

  ControlProcessor(OrchestratorSettings settings, JoinPolicy joinPolicy, Duration timerCheckInterval) {
    this.settings = settings;
    this.joinPolicy = joinPolicy;
    this.timerCheckInterval = timerCheckInterval;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    services = context.getStateStore(OrchestratorTopology.SERVICES_STORE);
    tasks = context.getStateStore(OrchestratorTopology.TASKS_STORE);
    nodes = context.getStateStore(OrchestratorTopology.NODES_STORE);
    restarts = context.getStateStore(OrchestratorTopology.RESTARTS_STORE);
    timers = context.getStateStore(OrchestratorTopology.TIMERS_STORE);
    updates = context.getStateStore(OrchestratorTopology.UPDATES_STORE);
    cluster = context.getStateStore(OrchestratorTopology.CLUSTER_STORE);
    orchestrator = new Orchestrator(loadState(), new Scheduler(), settings, joinPolicy);
    context.schedule(timerCheckInterval, PunctuationType.WALL_CLOCK_TIME, this::fireDueTimers);
  }

  private ClusterState loadState() {
    ClusterState state = new ClusterState();
    try (KeyValueIterator<String, Service> it = services.all()) {
      it.forEachRemaining(kv -> state.load(kv.value));
    }
    try (KeyValueIterator<String, Task> it = tasks.all()) {
      it.forEachRemaining(kv -> state.load(kv.value));
    }
    try (KeyValueIterator<String, Node> it = nodes.all()) {
      it.forEachRemaining(kv -> state.load(kv.value));
    }
    try (KeyValueIterator<String, RestartRecord> it = restarts.all()) {
      it.forEachRemaining(kv -> state.load(kv.key, kv.value));
    }
    ClusterInfo info = cluster.get(ClusterInfo.KEY);
    if (info != null) {
      state.load(info);
    }
    try (KeyValueIterator<String, UpdateProgress> it = updates.all()) {
      it.forEachRemaining(kv -> state.load(kv.key, kv.value));
    }
    return state;
  }

  @Override
  public void process(Record<String, ControlMessage> record) {
    if (record.value() == null) {
      return;
    }
    long offset = context.recordMetadata().map(m -> m.offset()).orElse(-1L);
    Outcome outcome;
    try {
      outcome = orchestrator.handle(record.value(), record.timestamp(), offset);
    } catch (RuntimeException e) {
      // A decision bug must not stop the cluster (invariant 6): drop the half-applied change by
      // reloading from the stores, say so, and go on with the next record.
      LOG.error("control record at offset {} could not be handled; skipped", offset, e);
      orchestrator = new Orchestrator(loadState(), new Scheduler(), settings, joinPolicy);
      forwardEvent(new ClusterEvent("control.failed", "control", String.valueOf(offset),
          "control record could not be handled: " + e, Map.of(), record.timestamp()), record.timestamp());
      return;
    }
    publish(orchestrator.state().drainChanges(), record.timestamp(), offset);
    for (ClusterEvent e : outcome.events) {
      forwardEvent(e, record.timestamp());
    }
    for (ReconcilePlan.Timer t : outcome.timers) {
      timers.put(timerKey(t), new ControlMessage.TimerFired(t.name(), t.target()));
    }
  }

  private void publish(ClusterState.Changes changes, long time, long offset) {
    ClusterState state = orchestrator.state();
    for (Service s : changes.services()) {
      services.put(s.name(), s);
      forward(OrchestratorTopology.TO_SERVICES, s.id(), s, time);
    }
    for (Service s : changes.removedServices()) {
      services.delete(s.name());
      forward(OrchestratorTopology.TO_SERVICES, s.id(), null, time);
    }
    for (String id : changes.taskIds()) {
      Optional<Task> t = state.task(id);
      if (t.isPresent()) {
        tasks.put(id, t.get());
      } else {
        tasks.delete(id);
      }
      forward(OrchestratorTopology.TO_TASKS, id, t.orElse(null), time);
    }
    for (String id : changes.nodeIds()) {
      Optional<Node> n = state.node(id);
      if (n.isPresent()) {
        nodes.put(id, n.get());
      } else {
        nodes.delete(id);
      }
      forward(OrchestratorTopology.TO_NODES, id, n.orElse(null), time);
    }
    for (String key : changes.restartKeys()) {
      Optional<RestartRecord> r = state.restart(key);
      if (r.isPresent()) {
        restarts.put(key, r.get());
      } else {
        restarts.delete(key);
      }
    }
    for (String id : changes.updateServiceIds()) {
      Optional<UpdateProgress> u = state.update(id);
      if (u.isPresent()) {
        updates.put(id, u.get());
      } else {
        updates.delete(id);
      }
    }
    if (changes.clusterInfoChanged()) {
      cluster.put(ClusterInfo.KEY, state.clusterInfo());
      forward(OrchestratorTopology.TO_CLUSTER, ClusterInfo.KEY, state.clusterInfo(), time);
    }
    changes.refusals().forEach((nodeId, reason) ->
        forward(OrchestratorTopology.TO_ASSIGNMENTS, nodeId, new Assignment(nodeId, offset, List.of(), reason), time));
    for (String nodeId : changes.assignmentNodeIds()) {
      List<Task> set = state.assignmentOf(nodeId);
      boolean known = state.node(nodeId).isPresent();
      forward(OrchestratorTopology.TO_ASSIGNMENTS, nodeId,
          known || !set.isEmpty() ? new Assignment(nodeId, offset, set) : null, time);
    }
  }

  private void forward(String child, String key, Object value, long time) {
    context.forward(new Record<>(key, value, time), child);
  }

  private void forwardEvent(ClusterEvent e, long time) {
    forward(OrchestratorTopology.TO_EVENTS, e.entityId(), e, time);
  }

  private void fireDueTimers(long now) {
    String upTo = String.format("%020d~", now);
    List<KeyValue<String, ControlMessage>> due = new java.util.ArrayList<>();
    try (KeyValueIterator<String, ControlMessage> it = timers.range("", upTo)) {
      it.forEachRemaining(due::add);
    }
    for (KeyValue<String, ControlMessage> kv : due) {
      timers.delete(kv.key);
      forward(OrchestratorTopology.TO_CONTROL, ((ControlMessage.TimerFired) kv.value).target(), kv.value, now);
    }
  }

  private static String timerKey(ReconcilePlan.Timer t) {
    return String.format("%020d/%s/%s", t.dueAt(), t.name(), t.target());
  }
}
