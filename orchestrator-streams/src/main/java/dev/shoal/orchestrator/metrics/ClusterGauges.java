package dev.shoal.orchestrator.metrics;

import dev.shoal.orchestrator.core.ClusterState;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.UpdateStatus;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The cluster as gauges — nodes by status, availability and role; services; tasks by desired and
 * observed state per service; running against desired replicas; each service's update state;
 * tasks waiting for a node and why — derived from the decision state the control processor keeps.
 *
 * <p>Kept incrementally: a shadow row per task, node and service remembers how each was counted,
 * so a decision moves the counts of what it changed and nothing else (work per message stays
 * bounded by what it changes, DESIGN principle 5). A full count happens only when the decision
 * task (re)starts on this instance ({@link #load}). Called on the decision thread only.
 *
 * <p>Labels are bounded: service names (people create services) and node ids (one per host), task
 * states from the enum; never task ids.
 */
final class ClusterGauges {
  static final List<String> UPDATE_STATES = List.of("none", UpdateStatus.UPDATING, UpdateStatus.PAUSED,
      UpdateStatus.COMPLETED, UpdateStatus.ROLLBACK_STARTED, UpdateStatus.ROLLBACK_PAUSED,
      UpdateStatus.ROLLBACK_COMPLETED);

  /** How a task is counted: its service, desired and observed state, and why it waits (PENDING only). */
  record TaskRow(String service, String desired, String state, String pendingReason, long assignedAt) {
    boolean active() {
      return desired.equals("running") && !TaskState.valueOf(state.toUpperCase(Locale.ROOT)).isTerminal();
    }

    boolean running() {
      return desired.equals("running") && state.equals("running");
    }
  }

  private record NodeRow(String status, String availability, String role, String hostname) {}

  /** A service's replica counts: {@code replicas} is null for a global service (desired = its active tasks). */
  private static final class ServiceRow {
    Integer replicas;
    boolean exists;
    long tasks;
    long active;
    long running;
  }

  private final GaugeFamily tasks;
  private final GaugeFamily pending;
  private final GaugeFamily nodes;
  private final GaugeFamily nodeReady;
  private final GaugeFamily services;
  private final GaugeFamily desired;
  private final GaugeFamily running;
  private final GaugeFamily updateState;
  private final Map<String, TaskRow> taskRows = new HashMap<>();
  private final Map<String, NodeRow> nodeRows = new HashMap<>();
  private final Map<String, ServiceRow> serviceRows = new HashMap<>();
  private final Map<String, String> updateStates = new HashMap<>();

  ClusterGauges(MeterRegistry registry) {
    tasks = new GaugeFamily(registry, "shoal.cluster.tasks",
        "Tasks by service, desired state and observed state (the decision state, history included)",
        "service", "desired_state", "state");
    pending = new GaugeFamily(registry, "shoal.cluster.tasks.pending",
        "Tasks that wait for a node, by service and the reason no node fits", "service", "reason");
    nodes = new GaugeFamily(registry, "shoal.cluster.nodes", "Nodes by status, availability and role",
        "status", "availability", "role");
    nodeReady = new GaugeFamily(registry, "shoal.cluster.node.ready",
        "1 while the node is ready (heard from within the down timeout), 0 while it is down", "node", "hostname");
    services = new GaugeFamily(registry, "shoal.cluster.services", "Services in the cluster");
    desired = new GaugeFamily(registry, "shoal.cluster.service.replicas.desired",
        "Replicas a service should run (for a global service: its tasks that should run)", "service");
    running = new GaugeFamily(registry, "shoal.cluster.service.replicas.running",
        "Tasks of a service desired and observed RUNNING", "service");
    updateState = new GaugeFamily(registry, "shoal.cluster.service.update.state",
        "1 for the state of the service's last update or rollback, 0 for the others", "service", "state");
  }

  /** Counts everything afresh: the decision task started (or moved) here. */
  void load(ClusterState state) {
    clear();
    services.set(List.of(), 0);
    for (Service s : state.services()) {
      service(s);
    }
    for (Task t : state.tasks()) {
      task(t.id(), t, 0);
    }
    for (Node n : state.nodes()) {
      node(n.id(), n);
    }
  }

  /** Unregisters every series: this instance no longer decides, another one counts now. */
  void clear() {
    for (GaugeFamily f : List.of(tasks, pending, nodes, nodeReady, services, desired, running, updateState)) {
      f.clear();
    }
    taskRows.clear();
    nodeRows.clear();
    serviceRows.clear();
    updateStates.clear();
  }

  TaskRow row(String taskId) {
    return taskRows.get(taskId);
  }

  void service(Service s) {
    ServiceRow row = serviceRows.computeIfAbsent(s.name(), k -> new ServiceRow());
    if (!row.exists) {
      row.exists = true;
      services.add(List.of(), 1);
    }
    row.replicas = s.spec().isGlobal() ? null : s.spec().replicas();
    String state = s.updateStatus() == null || s.updateStatus().state() == null ? "none" : s.updateStatus().state();
    if (!state.equals(updateStates.put(s.name(), state))) {
      for (String st : UPDATE_STATES) {
        updateState.set(List.of(s.name(), st), st.equals(state) ? 1 : 0);
      }
    }
    replicas(s.name(), row);
  }

  void serviceRemoved(Service s) {
    ServiceRow row = serviceRows.get(s.name());
    if (row == null || !row.exists) {
      return;
    }
    row.exists = false;
    services.add(List.of(), -1);
    updateStates.remove(s.name());
    updateState.removeIf(v -> v.get(0).equals(s.name()));
    desired.removeIf(v -> v.get(0).equals(s.name()));
    running.removeIf(v -> v.get(0).equals(s.name()));
    forgetIfEmpty(s.name(), row);
  }

  /** The task's new value (null: forgotten); {@code assignedAt} carries the time it was placed, 0 if unknown. */
  void task(String id, Task t, long assignedAt) {
    TaskRow old = taskRows.remove(id);
    if (old != null) {
      count(old, -1);
    }
    if (t != null) {
      String state = t.state().name().toLowerCase(Locale.ROOT);
      String reason = t.state() == TaskState.PENDING && t.desiredState() == DesiredState.RUNNING
          ? PendingReason.of(t.status() == null ? null : t.status().message()) : null;
      TaskRow row = new TaskRow(t.serviceName(), t.desiredState().name().toLowerCase(Locale.ROOT), state, reason,
          assignedAt);
      taskRows.put(id, row);
      count(row, 1);
    }
  }

  void node(String id, Node n) {
    NodeRow old = nodeRows.remove(id);
    if (old != null) {
      nodes.add(List.of(old.status, old.availability, old.role), -1);
    }
    if (n == null) {
      nodeReady.removeIf(v -> v.get(0).equals(id));
      return;
    }
    NodeRow row = new NodeRow(orNone(n.status()), orNone(n.availability()), orNone(n.role()), orNone(n.hostname()));
    nodeRows.put(id, row);
    nodes.add(List.of(row.status, row.availability, row.role), 1);
    if (old != null && !old.hostname.equals(row.hostname)) {
      nodeReady.removeIf(v -> v.get(0).equals(id));
    }
    nodeReady.set(List.of(id, row.hostname), n.isReady() ? 1 : 0);
  }

  private void count(TaskRow row, int delta) {
    tasks.add(List.of(row.service(), row.desired(), row.state()), delta);
    if (row.pendingReason() != null) {
      pending.add(List.of(row.service(), row.pendingReason()), delta);
    }
    ServiceRow s = serviceRows.computeIfAbsent(row.service(), k -> new ServiceRow());
    s.tasks += delta;
    s.active += row.active() ? delta : 0;
    s.running += row.running() ? delta : 0;
    if (s.exists) {
      replicas(row.service(), s);
    } else {
      forgetIfEmpty(row.service(), s);
    }
  }

  private void replicas(String service, ServiceRow row) {
    desired.set(List.of(service), row.replicas != null ? row.replicas : row.active);
    running.set(List.of(service), row.running);
  }

  /** A removed service whose last task is gone leaves no series behind. */
  private void forgetIfEmpty(String service, ServiceRow row) {
    if (!row.exists && row.tasks <= 0) {
      serviceRows.remove(service);
      tasks.removeIf(v -> v.get(0).equals(service));
      pending.removeIf(v -> v.get(0).equals(service));
    }
  }

  private static String orNone(String s) {
    return s == null || s.isBlank() ? "none" : s;
  }

  // ---- for tests ----

  GaugeFamily tasks() {
    return tasks;
  }

  GaugeFamily pending() {
    return pending;
  }
}
