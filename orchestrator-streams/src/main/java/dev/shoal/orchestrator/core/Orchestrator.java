package dev.shoal.orchestrator.core;

import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.ClusterInfo;
import dev.shoal.schemas.Command;
import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import dev.shoal.schemas.UpdateStatus;
import java.util.Set;
import java.util.function.Predicate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The decision function: applies one control message to the {@link ClusterState}, reconciles the
 * services it touches, schedules tasks that wait for a node, and trims task history. Pure and
 * deterministic: it reads only the message, its record time and its position in the control log,
 * so replaying the log rebuilds the same state with the same ids.
 */
public final class Orchestrator {
  private final ClusterState state;
  private final Scheduler scheduler;
  private final OrchestratorSettings settings;
  private final UpdateStrategy updates = new RollingUpdateStrategy();
  private final JoinPolicy joinPolicy;

  public Orchestrator(ClusterState state, Scheduler scheduler, OrchestratorSettings settings) {
    this(state, scheduler, settings, JoinPolicy.OPEN);
  }

  public Orchestrator(ClusterState state, Scheduler scheduler, OrchestratorSettings settings, JoinPolicy joinPolicy) {
    this.state = state;
    this.scheduler = scheduler;
    this.settings = settings;
    this.joinPolicy = joinPolicy;
  }

  public ClusterState state() {
    return state;
  }

  /**
   * @param time     the control record's timestamp
   * @param position the control record's offset, which makes created ids unique and replayable
   */
  public Outcome handle(ControlMessage message, long time, long position) {
    Outcome out = new Outcome();
    Context cx = new Context(time, position, out);
    TreeSet<String> touched = new TreeSet<>();
    boolean allServices = false;
    if (message instanceof ControlMessage.SpecApplied m) {
      applySpec(m, cx).ifPresent(touched::add);
    } else if (message instanceof ControlMessage.SpecRemoved m) {
      removeService(m, cx);
    } else if (message instanceof ControlMessage.CommandIssued m) {
      Command c = m.envelope().command();
      if (c instanceof Command.ScaleService s) {
        scale(s, m, cx).ifPresent(touched::add);
      } else if (c instanceof Command.UpdateNode u) {
        allServices = updateNode(u, m, cx);
      } else if (c instanceof Command.RemoveNode r) {
        allServices = removeNode(r, m, cx);
      } else if (c instanceof Command.RollbackService r) {
        rollback(r, m, cx).ifPresent(touched::add);
      } else if (c instanceof Command.RotateJoinToken r) {
        rotateJoinToken(r, m, cx);
      }
    } else if (message instanceof ControlMessage.TaskStatusReported m) {
      taskStatus(m.status(), cx).ifPresent(touched::add);
    } else if (message instanceof ControlMessage.NodeUp m) {
      allServices = nodeUp(m, cx);
    } else if (message instanceof ControlMessage.NodeDown m) {
      allServices = nodeDown(m, cx);
    } else if (message instanceof ControlMessage.TimerFired m) {
      touched.add(m.target());
    }
    List<Service> toReconcile = allServices
        ? List.copyOf(state.services())
        : touched.stream().map(state::service).flatMap(Optional::stream).toList();
    // Reconciling changes tasks and services, never nodes: one view of the nodes serves every service.
    Map<String, Node> nodes = new TreeMap<>();
    state.nodes().forEach(n -> nodes.put(n.id(), n));
    for (Service s : toReconcile) {
      reconcile(s, nodes, cx);
    }
    schedulePending(cx);
    for (Service s : toReconcile) {
      trimHistory(s, cx);
    }
    return out;
  }

  // ---- inputs ----

  private Optional<String> applySpec(ControlMessage.SpecApplied m, Context cx) {
    ServiceSpec spec = m.spec().withDefaults();
    Optional<Service> current = state.service(spec.name());
    if (m.expectedVersion() != null && current.map(Service::version).orElse(0L) != m.expectedVersion().longValue()) {
      cx.event("spec.rejected", "service", spec.name(), "version " + m.expectedVersion() + " is stale: the service is at version "
          + current.map(Service::version).orElse(0L), m.requestId());
      return Optional.empty();
    }
    if (current.isEmpty()) {
      Service s = new Service(Ids.of("service", spec.name(), cx.position), spec.name(), 1, spec, null, null, cx.time, cx.time);
      state.put(s);
      cx.event("service.created", "service", s.name(), "service " + s.name() + " created", m.requestId());
      return Optional.of(s.name());
    }
    Service s = current.get();
    if (s.spec().equals(spec)) {
      cx.event("service.unchanged", "service", s.name(), "spec of " + s.name() + " is unchanged", m.requestId());
      return Optional.empty();
    }
    if (s.spec().isGlobal() != spec.isGlobal()) {
      cx.event("spec.rejected", "service", s.name(), "mode of service " + s.name() + " cannot be changed from "
          + s.spec().mode() + " to " + spec.mode(), m.requestId());
      return Optional.empty();
    }
    Service next = s.withSpec(spec, cx.time);
    if (!s.spec().taskTemplate().equals(spec.taskTemplate())) {
      next = startUpdate(next, false, cx);
    }
    state.put(next);
    cx.event("service.updated", "service", s.name(), "service " + s.name() + " updated to version " + next.version(), m.requestId());
    return Optional.of(s.name());
  }

  private void removeService(ControlMessage.SpecRemoved m, Context cx) {
    Optional<Service> s = state.service(m.name());
    if (s.isEmpty()) {
      cx.event("spec.rejected", "service", m.name(), "service " + m.name() + " not found", m.requestId());
      return;
    }
    // Level-triggered agents stop whatever leaves their assignment, so the tasks can go at once.
    for (Task t : state.tasksOf(s.get().id())) {
      state.remove(t);
    }
    for (int slot = 1; slot <= Math.max(0, s.get().spec().replicas() == null ? 0 : s.get().spec().replicas()); slot++) {
      state.removeRestart(ReplicatedReconciler.restartKey(s.get(), slot));
    }
    state.removeUpdate(s.get().id());
    state.remove(s.get());
    cx.event("service.removed", "service", m.name(), "service " + m.name() + " removed", m.requestId());
  }

  private Optional<String> scale(Command.ScaleService c, ControlMessage.CommandIssued m, Context cx) {
    Optional<Service> s = state.service(c.service());
    String rid = m.envelope().requestId();
    if (s.isEmpty()) {
      cx.event("command.rejected", "service", c.service(), "service " + c.service() + " not found", rid);
      return Optional.empty();
    }
    if (s.get().spec().isGlobal()) {
      cx.event("command.rejected", "service", c.service(), "scale can only be used with replicated mode", rid);
      return Optional.empty();
    }
    if (c.replicas() < 0) {
      cx.event("command.rejected", "service", c.service(), "replicas must be 0 or more", rid);
      return Optional.empty();
    }
    Service next = s.get().withSpec(s.get().spec().withReplicas(c.replicas()), cx.time);
    state.put(next);
    cx.event("service.scaled", "service", c.service(), "service " + c.service() + " scaled to " + c.replicas(), rid);
    return Optional.of(c.service());
  }

  private Optional<String> rollback(Command.RollbackService c, ControlMessage.CommandIssued m, Context cx) {
    Optional<Service> s = state.service(c.service());
    String rid = m.envelope().requestId();
    if (s.isEmpty() || s.get().previousSpec() == null) {
      cx.event("command.rejected", "service", c.service(),
          s.isEmpty() ? "service " + c.service() + " not found" : "service " + c.service() + " has no previous spec", rid);
      return Optional.empty();
    }
    Service next = startUpdate(s.get().withSpec(s.get().previousSpec(), cx.time), true, cx);
    state.put(next);
    cx.event("service.rollback", "service", c.service(), "service " + c.service() + " is rolling back to its previous spec", rid);
    return Optional.of(c.service());
  }

  private boolean updateNode(Command.UpdateNode c, ControlMessage.CommandIssued m, Context cx) {
    Optional<Node> n = state.node(c.nodeId());
    String rid = m.envelope().requestId();
    if (n.isEmpty()) {
      cx.event("command.rejected", "node", c.nodeId(), "node " + c.nodeId() + " not found", rid);
      return false;
    }
    Node node = n.get();
    if (c.availability() != null && !List.of(Node.ACTIVE, Node.PAUSE, Node.DRAIN).contains(c.availability())) {
      cx.event("command.rejected", "node", c.nodeId(), "availability must be active, pause or drain, not "
          + c.availability(), rid);
      return false;
    }
    if (c.role() != null && !List.of(Node.ROLE_WORKER, Node.ROLE_MANAGER).contains(c.role())) {
      cx.event("command.rejected", "node", c.nodeId(), "role must be worker or manager, not " + c.role(), rid);
      return false;
    }
    if (c.expectedVersion() != null && c.expectedVersion() != node.version()) {
      cx.event("command.rejected", "node", c.nodeId(), "version " + c.expectedVersion()
          + " is stale: the node is at version " + node.version(), rid);
      return false;
    }
    Node next = node.with(c.role() != null ? c.role() : node.role(),
        c.availability() != null ? c.availability() : node.availability(),
        c.labels() != null ? new TreeMap<>(c.labels()) : node.labels(),
        node.description(), node.status(), node.statusMessage(), cx.time);
    state.put(next);
    cx.event("node.updated", "node", node.id(), "node " + node.hostname() + " updated: availability "
        + next.availability() + ", role " + next.role() + ", labels " + next.labels(), rid);
    return true;
  }

  private boolean removeNode(Command.RemoveNode c, ControlMessage.CommandIssued m, Context cx) {
    Optional<Node> n = state.node(c.nodeId());
    String rid = m.envelope().requestId();
    if (n.isEmpty()) {
      cx.event("command.rejected", "node", c.nodeId(), "node " + c.nodeId() + " not found", rid);
      return false;
    }
    if (n.get().isReady() && !c.force()) {
      cx.event("command.rejected", "node", c.nodeId(), "node " + n.get().hostname()
          + " is not down and can't be removed (use force)", rid);
      return false;
    }
    state.remove(n.get());
    cx.event("node.removed", "node", c.nodeId(), "node " + n.get().hostname() + " removed", rid);
    return true;
  }

  private Optional<String> taskStatus(TaskStatus s, Context cx) {
    Optional<Task> t = state.task(s.taskId());
    if (t.isEmpty() || s.state() == null) {
      return Optional.empty(); // a late report about a task already forgotten
    }
    Task task = t.get();
    if (task.nodeId() == null || !task.nodeId().equals(s.nodeId())) {
      return Optional.empty();
    }
    boolean healthChanged = task.state() == s.state() && !java.util.Objects.equals(task.status().health(), s.health());
    if (!task.state().canTransitionTo(s.state()) && !healthChanged) {
      return Optional.empty();
    }
    state.put(task.withStatus(s, cx.time));
    if (healthChanged) {
      if ("unhealthy".equals(s.health())) {
        cx.event("task.unhealthy", "task", task.id(), "task " + task.name() + " is unhealthy", null);
      }
      return Optional.of(task.serviceName()); // health decides whether an updated task counts
    }
    if (s.state() == TaskState.FAILED || s.state() == TaskState.REJECTED) {
      cx.event("task." + s.state().name().toLowerCase(), "task", task.id(), "task " + task.name() + " "
          + s.state().name().toLowerCase() + ": " + (s.error() != null ? s.error() : s.message()), null);
    }
    return s.state().isTerminal() || s.state() == TaskState.RUNNING ? Optional.of(task.serviceName()) : Optional.empty();
  }

  private void rotateJoinToken(Command.RotateJoinToken c, ControlMessage.CommandIssued m, Context cx) {
    String rid = m.envelope().requestId();
    if (!Node.ROLE_WORKER.equals(c.role()) && !Node.ROLE_MANAGER.equals(c.role())) {
      cx.event("command.rejected", "cluster", ClusterInfo.KEY, "role must be worker or manager, not " + c.role(), rid);
      return;
    }
    state.put(state.clusterInfo().rotated(c.role(), cx.time));
    cx.event("cluster.join-token-rotated", "cluster", ClusterInfo.KEY, c.role() + " join token rotated", rid);
  }

  private boolean nodeUp(ControlMessage.NodeUp m, Context cx) {
    Optional<Node> n = state.node(m.nodeId());
    if (n.isEmpty()) {
      // Only a node the cluster does not know needs a token: rotation leaves joined nodes alone.
      Optional<String> role = joinPolicy.admit(m.nodeId(), m.joinProof(), state.clusterInfo());
      String host = m.description() == null ? m.nodeId() : m.description().hostname();
      if (role.isEmpty()) {
        String reason = "node " + host + " (" + m.nodeId() + ") was refused: "
            + (m.joinProof() == null ? "no join token given" : "the join token is invalid or was rotated");
        state.refuse(m.nodeId(), reason);
        cx.event("node.join-refused", "node", m.nodeId(), reason, null);
        return false;
      }
      Node node = new Node(m.nodeId(), 1, role.get(), Node.ACTIVE, Map.of(),
          m.description(), Node.READY, null, cx.time, cx.time);
      state.put(node);
      cx.event("node.joined", "node", node.id(), "node " + node.hostname() + " joined", null);
      return true;
    }
    Node node = n.get();
    boolean wasDown = !node.isReady();
    state.put(node.with(node.role(), node.availability(), node.labels(), m.description(), Node.READY, null, cx.time));
    if (wasDown) {
      cx.event("node.ready", "node", node.id(), "node " + node.hostname() + " is ready", null);
    }
    return true;
  }

  private boolean nodeDown(ControlMessage.NodeDown m, Context cx) {
    Optional<Node> n = state.node(m.nodeId());
    if (n.isEmpty() || !n.get().isReady()) {
      return false;
    }
    Node node = n.get();
    state.put(node.with(node.role(), node.availability(), node.labels(), node.description(), Node.DOWN, m.reason(), cx.time));
    cx.event("node.down", "node", node.id(), "node " + node.hostname() + " is down: " + m.reason(), null);
    return true;
  }

  // ---- rolling updates ----

  private Service startUpdate(Service s, boolean rollback, Context cx) {
    state.put(s.id(), UpdateProgress.start(rollback, cx.time));
    String st = rollback ? UpdateStatus.ROLLBACK_STARTED : UpdateStatus.UPDATING;
    String msg = rollback ? "rollback in progress" : "update in progress";
    return s.withUpdateStatus(new UpdateStatus(st, msg, cx.time, null), cx.time);
  }

  /** Runs the update strategy for a service that is updating; returns the slots that may be replaced now. */
  private Set<String> paceUpdate(Service s, List<Task> tasks, Map<String, Node> nodes, Context cx) {
    Optional<UpdateProgress> progress = state.update(s.id());
    UpdateStatus status = s.updateStatus();
    boolean active = status != null && (UpdateStatus.UPDATING.equals(status.state())
        || UpdateStatus.ROLLBACK_STARTED.equals(status.state()));
    if (progress.isEmpty() || !active) {
      return null; // no update under way: nothing is outdated, or it is paused
    }
    Map<String, SlotView> slots = s.spec().isGlobal()
        ? GlobalReconciler.slots(s, tasks, nodes) : ReplicatedReconciler.slots(s, tasks);
    UpdateStrategy.Step step = updates.step(s, slots, progress.get(), nodes, cx.time);
    boolean rollback = progress.get().rollback();
    switch (step.action()) {
      case WAIT, PROCEED -> state.put(s.id(), step.progress());
      case COMPLETE -> {
        state.removeUpdate(s.id());
        state.put(s.withUpdateStatus(new UpdateStatus(rollback ? UpdateStatus.ROLLBACK_COMPLETED : UpdateStatus.COMPLETED,
            step.message(), status.startedAt(), cx.time), cx.time));
        cx.event(rollback ? "service.rollback-completed" : "service.update-completed", "service", s.name(),
            "service " + s.name() + ": " + step.message(), null);
      }
      case PAUSE -> {
        state.put(s.id(), step.progress());
        state.put(s.withUpdateStatus(new UpdateStatus(rollback ? UpdateStatus.ROLLBACK_PAUSED : UpdateStatus.PAUSED,
            step.message(), status.startedAt(), null), cx.time));
        cx.event(rollback ? "service.rollback-paused" : "service.update-paused", "service", s.name(),
            "service " + s.name() + ": " + step.message(), null);
      }
      case ROLLBACK -> {
        Service back = startUpdate(s.withSpec(s.previousSpec(), cx.time), true, cx);
        state.put(back);
        cx.event("service.rollback", "service", s.name(), "service " + s.name() + ": " + step.message()
            + "; rolling back to the previous spec", null);
        return Set.of(); // the rollback paces itself from the next input on
      }
      default -> throw new IllegalStateException();
    }
    if (step.wakeAt() != null) {
      cx.out.timers.add(new ReconcilePlan.Timer(step.wakeAt(), "update", s.name()));
    }
    return step.mayReplace();
  }

  // ---- reconciliation ----

  private void reconcile(Service s, Map<String, Node> nodes, Context cx) {
    List<Task> tasks = state.tasksOf(s.id());
    Set<String> pace = paceUpdate(s, tasks, nodes, cx);
    s = state.service(s.name()).orElse(s);
    boolean paused = s.updateStatus() != null && (UpdateStatus.PAUSED.equals(s.updateStatus().state())
        || UpdateStatus.ROLLBACK_PAUSED.equals(s.updateStatus().state()));
    Predicate<String> mayReplace = pace != null ? pace::contains : key -> !paused;
    SlotReconciler.RestartLookup restarts = key -> state.restart(key).orElse(null);
    ReconcilePlan plan = s.spec().isGlobal()
        ? GlobalReconciler.reconcile(s, tasks, nodes, restarts, cx.time, mayReplace)
        : ReplicatedReconciler.reconcile(s, tasks, nodes, restarts, cx.time, mayReplace);
    Map<String, String> shutdowns = new LinkedHashMap<>();
    plan.shutdowns.forEach(sd -> shutdowns.putIfAbsent(sd.taskId(), sd.reason()));
    shutdowns.forEach((id, reason) -> state.task(id).ifPresent(t -> {
      if (t.desiredState() == DesiredState.RUNNING) {
        state.put(t.withDesiredState(DesiredState.SHUTDOWN, cx.time));
        cx.event("task.shutdown", "task", t.id(), "task " + t.name() + " shut down: " + reason, null);
      }
    }));
    for (ReconcilePlan.RestartDecision d : plan.restarts) {
      state.put(d.key(), d.record());
      if (d.record().gaveUp()) {
        cx.event("task.not-restarted", "task", d.record().decidedFor(), d.record().reason(), null);
      }
    }
    int i = 0;
    for (ReconcilePlan.Create c : plan.creates) {
      String id = Ids.task(s.id(), cx.position, i++);
      Task t = new Task(id, s.id(), s.name(), c.slot(), c.nodeId(), s.version(), s.spec(), DesiredState.RUNNING,
          TaskStatus.of(id, null, TaskState.NEW, "created", cx.time), cx.time, cx.time);
      state.put(t);
    }
    cx.out.timers.addAll(plan.timers);
  }

  private void schedulePending(Context cx) {
    List<Task> pending = new ArrayList<>();
    for (Task t : state.tasks()) {
      if ((t.state() == TaskState.NEW || t.state() == TaskState.PENDING) && t.desiredState() == DesiredState.RUNNING) {
        pending.add(t);
      }
    }
    if (pending.isEmpty()) {
      return;
    }
    pending.sort(Comparator.comparingLong(Task::createdAt).thenComparing(Task::slot, Comparator.nullsFirst(Integer::compare))
        .thenComparing(Task::id));
    Map<String, NodeInfo> infos = new TreeMap<>();
    for (Node n : state.nodes()) {
      List<Task> active = state.tasksOn(n.id()).stream()
          .filter(t -> ClusterState.isActive(t) && t.state().ordinal() >= TaskState.ASSIGNED.ordinal()).toList();
      infos.put(n.id(), new NodeInfo(n, active));
    }
    for (Task t : pending) {
      List<NodeInfo> candidates = t.nodeId() != null
          ? Optional.ofNullable(infos.get(t.nodeId())).map(List::of).orElse(List.of())
          : List.copyOf(infos.values());
      Placement p = scheduler.place(t.spec(), t.serviceId(), candidates);
      if (p.node().isPresent()) {
        String nodeId = p.nodeId();
        Task placed = t.withNode(nodeId, TaskStatus.of(t.id(), nodeId, TaskState.ASSIGNED,
            "scheduler assigned task to node", cx.time), cx.time);
        state.put(placed);
        infos.get(nodeId).add(placed);
      } else if (t.state() != TaskState.PENDING || !p.reason().equals(t.status().message())) {
        state.put(t.withStatus(TaskStatus.of(t.id(), null, TaskState.PENDING, p.reason(), cx.time), cx.time));
        cx.event("task.pending", "task", t.id(), "task " + t.name() + " pending: " + p.reason(), null);
      }
    }
  }

  /** Keeps the newest {@code taskHistoryLimit} tasks of each slot; older ended ones are forgotten. */
  private void trimHistory(Service s, Context cx) {
    if (state.service(s.name()).isEmpty()) {
      return;
    }
    Map<String, List<Task>> bySlot = new TreeMap<>();
    for (Task t : state.tasksOf(s.id())) {
      bySlot.computeIfAbsent(t.slot() != null ? "s" + t.slot() : "n" + t.nodeId(), k -> new ArrayList<>()).add(t);
    }
    for (List<Task> slot : bySlot.values()) {
      List<Task> newestFirst = slot.stream().sorted(SlotView.NEWEST_FIRST).toList();
      for (Task old : newestFirst.subList(Math.min(settings.taskHistoryLimit(), newestFirst.size()), newestFirst.size())) {
        boolean nodeGone = old.nodeId() == null || state.node(old.nodeId()).isEmpty();
        if (old.desiredState() != DesiredState.RUNNING && (old.state().isTerminal() || nodeGone)) {
          state.remove(old);
        }
      }
    }
  }

  /** Per-message context: the record's time and position, and where events go. */
  private static final class Context {
    final long time;
    final long position;
    final Outcome out;

    Context(long time, long position, Outcome out) {
      this.time = time;
      this.position = position;
      this.out = out;
    }

    void event(String type, String kind, String id, String message, String requestId) {
      Map<String, String> attrs = requestId == null ? Map.of() : Map.of("requestId", requestId);
      out.events.add(new ClusterEvent(type, kind, id, message, attrs, time));
    }
  }
}
