package dev.shoal.orchestrator.core;

import dev.shoal.schemas.Durations;
import dev.shoal.schemas.Limits;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Swarm's rolling update in groups: {@code parallelism} slots at a time (0 = all), each new task
 * watched for {@code monitor} after it runs, {@code delay} between groups. A new task that ends by
 * itself during the update is a failure; more failures than {@code maxFailureRatio} of the slots
 * trigger the failure action (pause, continue or rollback). A task with a health check counts
 * only once healthy, and an unhealthy one is a failure. Pure: time is the input's time.
 */
public final class RollingUpdateStrategy implements UpdateStrategy {

  @Override
  public Step step(Service service, Map<String, SlotView> slots, UpdateProgress progress, Map<String, Node> nodes,
                   long now) {
    ServiceSpec.UpdateConfig cfg = progress.rollback() ? service.spec().rollbackConfig() : service.spec().updateConfig();
    long monitor = Durations.parseOr(cfg.monitor(), Duration.ofSeconds(5)).toMillis();
    long delay = Durations.parseOr(cfg.delay(), Duration.ZERO).toMillis();
    int parallelism = cfg.parallelism() == null || cfg.parallelism() == 0 ? Integer.MAX_VALUE : cfg.parallelism();

    TreeSet<String> failed = new TreeSet<>(progress.failedTaskIds());
    String unplaced = null;
    Long placementDeadline = null;
    long placementTimeout = Limits.UPDATE_PLACEMENT_TIMEOUT.toMillis();
    for (SlotView v : slots.values()) {
      Optional<Task> fresh = v.tasks().stream().findFirst()
          .filter(t -> t.createdAt() >= progress.startedAt() && !SlotView.outdated(t, service.spec()));
      if (fresh.isEmpty()) {
        continue;
      }
      Task t = fresh.get();
      if ((t.state().isTerminal() && t.state() != TaskState.COMPLETE
          && t.desiredState() == dev.shoal.schemas.DesiredState.RUNNING) || isUnhealthy(t)) {
        failed.add(t.id());
      } else if (waitsForNode(t)) {
        // A new task no node can take would keep the update waiting forever: past the deadline it
        // counts as a failure, and the failure action decides.
        long deadline = t.createdAt() + placementTimeout;
        if (now >= deadline) {
          failed.add(t.id());
          unplaced = "task " + t.name() + " could not be placed within " + Durations.format(Limits.UPDATE_PLACEMENT_TIMEOUT)
              + (t.status() != null && t.status().message() != null ? " (" + t.status().message() + ")" : "");
        } else {
          placementDeadline = min(placementDeadline, deadline);
        }
      }
    }
    double allowed = (cfg.maxFailureRatio() == null ? 0 : cfg.maxFailureRatio()) * Math.max(1, slots.size());
    if (failed.size() > allowed && !"continue".equals(cfg.failureAction())) {
      UpdateProgress p = new UpdateProgress(progress.rollback(), progress.startedAt(), progress.group(),
          progress.nextGroupAt(), List.copyOf(failed));
      String message = (progress.rollback() ? "rollback" : "update") + " paused due to "
          + (unplaced != null ? unplaced : "failure or early termination of task " + failed.last());
      boolean rollback = "rollback".equals(cfg.failureAction()) && !progress.rollback();
      return new Step(rollback ? Action.ROLLBACK : Action.PAUSE, p, Set.of(), null, message);
    }

    List<String> outdated = new ArrayList<>();
    Long wakeAt = null;
    Long lastWindowEnd = null;
    boolean groupBusy = false;
    boolean groupStarting = false;
    for (Map.Entry<String, SlotView> e : slots.entrySet()) {
      Optional<Task> holder = e.getValue().holder(nodes);
      boolean deadOutdated = holder.isEmpty() && e.getValue().deadLatest()
          .filter(t -> SlotView.outdated(t, service.spec())).isPresent();
      if ((holder.isPresent() && SlotView.outdated(holder.get(), service.spec())) || deadOutdated) {
        outdated.add(e.getKey());
      }
      if (progress.group().contains(e.getKey())) {
        Optional<Task> fresh = e.getValue().tasks().stream().findFirst()
            .filter(t -> !SlotView.outdated(t, service.spec()) && !t.state().isTerminal());
        if (fresh.isEmpty()) {
          groupBusy |= holder.isPresent() && SlotView.outdated(holder.get(), service.spec());
          continue;
        }
        Task t = fresh.get();
        if (failed.contains(t.id())) {
          continue; // failure action "continue": a failed task does not hold its group up
        }
        if (t.state() != TaskState.RUNNING || !healthyEnough(t)) {
          groupBusy = true;
          groupStarting = true;
          continue;
        }
        lastWindowEnd = max(lastWindowEnd, t.updatedAt() + monitor);
        if (now < t.updatedAt() + monitor) {
          groupBusy = true;
          // The group is done when its last window ends: waking at the first one would cost a timer's
          // round trip (publish, commit, read back) before the timer for the next one is even set,
          // which then rings that much late (docs/benchmarks.md, Rolling updates). A failure within
          // the windows needs no timer: its status is an input of its own.
          wakeAt = max(wakeAt, t.updatedAt() + monitor);
        }
      }
    }
    UpdateProgress p = new UpdateProgress(progress.rollback(), progress.startedAt(), progress.group(),
        progress.nextGroupAt(), List.copyOf(failed));
    if (groupStarting) {
      // A task of the group still starting will report (or fail, or lose its node: inputs all): the
      // windows' end is set then. A timer for the windows of those already running would only ring
      // for nothing, and its transaction could hold up the timer that matters.
      wakeAt = null;
    }
    if (placementDeadline != null) {
      wakeAt = min(wakeAt, placementDeadline);
    }
    if (groupBusy) {
      return new Step(Action.WAIT, p, new TreeSet<>(progress.group()), wakeAt, null);
    }
    if (!progress.group().isEmpty()) {
      // The group finished when its last monitor window ended, which this input (a timer, at best)
      // notices a little later: the delay runs from the end of the windows, so that lateness is not
      // added to it. Without a window (every new task failed, failure action "continue"), from now.
      long finishedAt = lastWindowEnd == null ? now : Math.min(now, lastWindowEnd);
      p = new UpdateProgress(p.rollback(), p.startedAt(), List.of(), finishedAt + delay, p.failedTaskIds());
    }
    if (outdated.isEmpty()) {
      return new Step(Action.COMPLETE, p, Set.of(), null,
          (progress.rollback() ? "rollback" : "update") + " completed");
    }
    if (now < p.nextGroupAt()) {
      return new Step(Action.WAIT, p, Set.of(), p.nextGroupAt(), null);
    }
    List<String> group = outdated.subList(0, Math.min(parallelism, outdated.size()));
    UpdateProgress next = new UpdateProgress(p.rollback(), p.startedAt(), List.copyOf(group), p.nextGroupAt(),
        p.failedTaskIds());
    // The group's new tasks are created after this step: look again when their placement deadline passes.
    return new Step(Action.PROCEED, next, new TreeSet<>(group), now + placementTimeout, null);
  }

  /** A task with a health check counts as updated only once it reports healthy ({@link HealthGate}). */
  private static boolean healthyEnough(Task t) {
    return HealthGate.passed(t);
  }

  private static boolean isUnhealthy(Task t) {
    return HealthGate.unhealthy(t);
  }

  private static boolean waitsForNode(Task t) {
    return (t.state() == TaskState.NEW || t.state() == TaskState.PENDING)
        && t.desiredState() == dev.shoal.schemas.DesiredState.RUNNING;
  }

  private static Long min(Long a, long b) {
    return a == null ? b : Math.min(a, b);
  }

  private static Long max(Long a, long b) {
    return a == null ? b : Math.max(a, b);
  }
}
