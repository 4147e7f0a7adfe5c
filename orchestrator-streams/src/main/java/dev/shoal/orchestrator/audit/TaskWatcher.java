package dev.shoal.orchestrator.audit;

import dev.shoal.orchestrator.core.ClusterState;
import dev.shoal.orchestrator.core.Ids;
import dev.shoal.orchestrator.core.NodeInfo;
import dev.shoal.orchestrator.core.PlacementExplanation;
import dev.shoal.orchestrator.core.Scheduler;
import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Follows one task through a replay and writes its {@link TaskStory}. Before each decision it tells
 * the {@link ExplainingScheduler} to record the placements of the task's service (once the task can
 * exist: its id says which decision created it); after it, it compares the task with how it was and
 * notes what changed and why.
 *
 * <p>Which recorded placement was the task's: the placement pass tries waiting tasks in one order
 * (created first, then slot, then id), so the k-th successful placement of the service in a decision
 * is the k-th of its tasks placed by it in that order. The match is checked (the placement's node is
 * the task's); when it does not hold, the explanation is re-computed over the nodes as they were after
 * the decision, and marked not exact.
 */
final class TaskWatcher {
  private static final Comparator<Task> PLACEMENT_ORDER = Comparator.comparingLong(Task::createdAt)
      .thenComparing(Task::slot, Comparator.nullsFirst(Integer::compare))
      .thenComparing(Task::id);
  private static final String ASSIGNED_MESSAGE = "scheduler assigned task to node";

  private final String taskId;
  private final long createdBy;
  private final ExplainingScheduler scheduler;
  private final List<TaskStory.Step> steps = new ArrayList<>();
  private Task last;
  private boolean gone;

  TaskWatcher(String taskId, ExplainingScheduler scheduler) {
    this.taskId = taskId;
    this.createdBy = createdBy(taskId);
    this.scheduler = scheduler;
  }

  /** The sequence of the decision that created the task, from its id ({@link Ids#task}). */
  static long createdBy(String taskId) {
    String order = Ids.creationOrder(taskId);
    if (taskId.length() != 25 || !order.chars().allMatch(ch -> Character.isDigit(ch) || (ch >= 'a' && ch <= 'z'))) {
      throw new IllegalArgumentException("'" + taskId + "' is not a task id (25 characters of 0-9 and a-z)");
    }
    return Long.parseLong(order, 36) / 1_000_000;
  }

  long createdBy() {
    return createdBy;
  }

  boolean gone() {
    return gone;
  }

  /** Before decision {@code sequence}: record the placements that may be the task's. */
  void before(long sequence) {
    if (gone || sequence < createdBy) {
      scheduler.record(null);
    } else if (last == null) {
      // The decision that creates the task: its service is only known after it, so every call counts.
      scheduler.record(ExplainingScheduler.ALL);
    } else {
      scheduler.record(last.serviceId());
    }
  }

  void after(Replayer.Decided d, ClusterState state) {
    if (gone) {
      return;
    }
    Task now = state.task(taskId).orElse(null);
    long seq = d.plan().sequence();
    long time = d.plan().time();
    String input = ControlInputs.describe(d.message());
    if (last == null && now == null) {
      return;
    }
    if (last == null) {
      steps.add(new TaskStory.Step(seq, time, "created", input, creation(now, d, state), null, null));
      placementOrWait(now, null, d, state);
    } else if (now == null) {
      steps.add(new TaskStory.Step(seq, time, "removed", input, removal(d), null, null));
      gone = true;
    } else {
      placementOrWait(now, last, d, state);
      if (last.desiredState() != now.desiredState()) {
        steps.add(new TaskStory.Step(seq, time, "desired", input, "desired state " + name(now.desiredState())
            + shutdownReason(d).map(r -> ": " + r).orElse(""), null, null));
      }
      if (now.state() != last.state() && now.state().ordinal() > TaskState.ASSIGNED.ordinal()) {
        steps.add(new TaskStory.Step(seq, time, "state", input, name(now.state())
            + (now.status().message() != null ? ": " + now.status().message() : "")
            + (now.status().error() != null ? " (" + now.status().error() + ")" : ""), null, null));
      } else if (!Objects.equals(health(now), health(last))) {
        steps.add(new TaskStory.Step(seq, time, "health", input, "health " + health(now), null, null));
      }
    }
    last = now;
  }

  /** The story after the last decision: a task still waiting gets the scheduler's verdict as things stand. */
  TaskStory story(ClusterState state, long upTo, List<String> notes) {
    List<TaskStory.Step> out = new ArrayList<>(steps);
    List<String> n = new ArrayList<>(notes);
    Task t = last;
    if (t == null) {
      n.add("no decision up to " + upTo + " created task " + taskId + " (its id says decision " + createdBy + ")");
      return new TaskStory(taskId, null, null, null, null, null, out, false, upTo, n);
    }
    if (!gone && t.nodeId() == null && ClusterState.isActive(t)) {
      out.add(new TaskStory.Step(state.meta().lastSequence(), state.meta().lastTime(), "waiting", null,
          t.status() == null ? "waiting for a node" : t.status().message(), recomputed(t, state), false));
    }
    return new TaskStory(taskId, t.name(), t.serviceName(), t.slot(), t.nodeId(), t.specVersion(), out, !gone, upTo,
        n);
  }

  private void placementOrWait(Task now, Task before, Replayer.Decided d, ClusterState state) {
    long seq = d.plan().sequence();
    long time = d.plan().time();
    String input = ControlInputs.describe(d.message());
    boolean wasWaiting = before == null || before.state() == TaskState.NEW || before.state() == TaskState.PENDING;
    if (wasWaiting && now.state() == TaskState.ASSIGNED) {
      Optional<PlacementExplanation> exact = placedBy(now, d, state);
      steps.add(new TaskStory.Step(seq, time, "placed", input, "placed on node " + now.nodeId() + hostname(now, state),
          exact.orElseGet(() -> recomputed(now, state)), exact.isPresent()));
    } else if (now.state() == TaskState.PENDING && (before == null || before.state() != TaskState.PENDING
        || !Objects.equals(before.status().message(), now.status().message()))) {
      Optional<PlacementExplanation> exact = pendingBy(now);
      steps.add(new TaskStory.Step(seq, time, "pending", input, now.status().message(),
          exact.orElseGet(() -> recomputed(now, state)), exact.isPresent()));
    }
  }

  /** The recorded placement that placed {@code task} in this decision, when the match holds. */
  private Optional<PlacementExplanation> placedBy(Task task, Replayer.Decided d, ClusterState state) {
    List<ExplainingScheduler.Call> placed = scheduler.calls().stream()
        .filter(c -> c.serviceId().equals(task.serviceId()) && c.result().node().isPresent()).toList();
    List<Task> placedHere = d.plan().changes().taskIds().stream().map(id -> state.task(id).orElse(null))
        .filter(t -> t != null && t.serviceId().equals(task.serviceId()) && t.state() == TaskState.ASSIGNED
            && t.status() != null && ASSIGNED_MESSAGE.equals(t.status().message())
            && t.status().timestamp() == d.plan().time())
        .sorted(PLACEMENT_ORDER).toList();
    if (placed.size() != placedHere.size()) {
      return Optional.empty();
    }
    for (int i = 0; i < placed.size(); i++) {
      if (!placed.get(i).result().nodeId().equals(placedHere.get(i).nodeId())) {
        return Optional.empty();
      }
    }
    int k = placedHere.indexOf(task);
    return k < 0 ? Optional.empty() : Optional.of(placed.get(k).explanation());
  }

  /** The recorded placement that left {@code task} pending, when exactly one gave its reason. */
  private Optional<PlacementExplanation> pendingBy(Task task) {
    List<ExplainingScheduler.Call> same = scheduler.calls().stream()
        .filter(c -> c.serviceId().equals(task.serviceId()) && c.result().node().isEmpty()
            && c.result().reason().equals(task.status().message())).toList();
    return same.size() == 1 ? Optional.of(same.get(0).explanation()) : Optional.empty();
  }

  /** The scheduler's verdict for {@code task} over the nodes as they are now, its own booking left out. */
  private static PlacementExplanation recomputed(Task task, ClusterState state) {
    List<NodeInfo> infos = new ArrayList<>();
    for (Node n : state.nodes()) {
      if (task.nodeId() != null && task.slot() == null && !n.id().equals(task.nodeId())) {
        continue; // a global task is for its node only
      }
      List<Task> holding = state.tasksOn(n.id()).stream().filter(t -> !t.id().equals(task.id())
          && NodeInfo.holdsResources(t)).toList();
      infos.add(new NodeInfo(n, holding));
    }
    return new Scheduler().explain(task.spec(), task.serviceId(), infos);
  }

  private String creation(Task t, Replayer.Decided d, ClusterState state) {
    String what = t.slot() != null ? "slot " + t.slot() : "node " + t.nodeId();
    for (ClusterEvent e : d.plan().events()) {
      if (!"task.shutdown".equals(e.type()) || e.entityId().equals(t.id())) {
        continue;
      }
      Optional<Task> other = state.task(e.entityId());
      if (other.isPresent() && other.get().serviceId().equals(t.serviceId())
          && Objects.equals(other.get().slot(), t.slot()) && (t.slot() != null || Objects.equals(other.get().nodeId(), t.nodeId()))) {
        return "replaces task " + other.get().id() + " in " + what + ": " + e.message();
      }
    }
    ControlMessage m = d.message();
    if (m instanceof ControlMessage.SpecApplied) {
      return "for " + what + " of version " + t.specVersion() + " of " + t.serviceName();
    }
    if (m instanceof ControlMessage.CommandIssued) {
      return "for " + what + " of " + t.serviceName() + " (version " + t.specVersion() + ")";
    }
    if (m instanceof ControlMessage.NodeUp) {
      return "for " + what + ": a node came up";
    }
    return "for " + what + ", which had no task running";
  }

  private static String removal(Replayer.Decided d) {
    ControlMessage m = d.message();
    if (m instanceof ControlMessage.SpecRemoved) {
      return "forgotten: its service was removed before it was placed";
    }
    if (m instanceof ControlMessage.TaskStatusReported || m instanceof ControlMessage.TaskStatusesReported) {
      return "forgotten: it ended after its service was removed";
    }
    if (m instanceof ControlMessage.CommandIssued c && c.envelope().command() instanceof dev.shoal.schemas.Command.RemoveNode) {
      return "forgotten: its node was removed";
    }
    return "forgotten: only the newest tasks of a slot are kept (task history)";
  }

  private Optional<String> shutdownReason(Replayer.Decided d) {
    for (ClusterEvent e : d.plan().events()) {
      if ("task.shutdown".equals(e.type()) && e.entityId().equals(taskId)) {
        return Optional.of(e.message());
      }
    }
    if (d.message() instanceof ControlMessage.SpecRemoved s) {
      return Optional.of("service " + s.name() + " was removed" + " by "
          + (s.principal() == null ? ControlInputs.UNKNOWN_PRINCIPAL : s.principal()));
    }
    return Optional.empty();
  }

  private static String hostname(Task t, ClusterState state) {
    return state.node(t.nodeId()).map(n -> n.hostname().equals(n.id()) ? "" : " (" + n.hostname() + ")").orElse("");
  }

  private static String health(Task t) {
    return t.status() == null ? null : t.status().health();
  }

  private static String name(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  static String name(DesiredState d) {
    return d.name().toLowerCase(Locale.ROOT);
  }
}
