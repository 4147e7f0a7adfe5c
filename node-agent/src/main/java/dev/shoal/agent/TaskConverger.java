package dev.shoal.agent;

import dev.shoal.agent.runtime.RuntimeTask;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Drivers;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The agent's decision, level-triggered: given the node's whole assignment, what the runtimes hold
 * and what the agent has reported, the steps that bring the runtimes to the assignment. Pure (no
 * Kafka, no clock, no I/O): the same input always gives the same plan, in task id order.
 *
 * <p>Rules, per task id:
 * <ul>
 *   <li>Wanted (assigned, desired RUNNING, not known to have ended) and not in a runtime: start it,
 *       unless it was already started once (then it is lost: FAILED) or the node lacks its driver
 *       (REJECTED). A task that ended is never started again; replacing it is the orchestrator's job.
 *   <li>In a runtime but not wanted (desired SHUTDOWN/REMOVE, not assigned at all, or already
 *       terminal): stop it. Its end is then reported as SHUTDOWN.
 *   <li>Ended in the runtime and not yet reported terminal: report how it ended. Remove it once it is
 *       no longer assigned or desired REMOVE (until then its logs stay readable).
 *   <li>Running and not yet reported RUNNING (or its health changed): report RUNNING.
 * </ul>
 * The known state of a task is the later of what this agent reported and what the assignment says,
 * so an agent restarted with an empty memory neither restarts a task that ended nor reports backwards.
 */
public final class TaskConverger {
  private TaskConverger() {}

  public static List<TaskAction> plan(ConvergeInput in) {
    // Sorted here rather than kept in sorted maps: lookups by id are most of a pass.
    List<String> ids = new ArrayList<>(in.assigned().keySet());
    for (String id : in.observed().keySet()) {
      if (!in.assigned().containsKey(id)) {
        ids.add(id);
      }
    }
    ids.sort(null); // the assignment usually comes in id order, which the sort only checks
    List<TaskAction> plan = new ArrayList<>();
    for (String id : ids) {
      TaskMemory m = in.memory().getOrDefault(id, TaskMemory.NONE);
      if (!m.busy()) {
        decide(in, id, m, plan);
      }
    }
    return plan;
  }

  private static void decide(ConvergeInput in, String id, TaskMemory m, List<TaskAction> plan) {
    Task task = in.assigned().get(id);
    RuntimeTask held = in.observed().get(id);
    TaskState known = known(m.reported(), task == null ? null : task.state());
    boolean ended = known != null && known.isTerminal();
    boolean wanted = task != null && task.desiredState() == DesiredState.RUNNING && !ended;
    if (held == null) {
      if (task == null || ended) {
        return;
      }
      if (!wanted) {
        plan.add(report(in, id, TaskState.SHUTDOWN, "shutdown before it started"));
      } else if (known != null && known.ordinal() >= TaskState.STARTING.ordinal()) {
        plan.add(new TaskAction.Report(Statuses.failed(in.nodeId(), id, TaskState.FAILED,
            "the task was started but the node no longer runs it (lost while the agent was not running)", in.now())));
      } else if (!in.drivers().contains(driverOf(task))) {
        plan.add(new TaskAction.Report(Statuses.failed(in.nodeId(), id, TaskState.REJECTED,
            "node does not offer the " + driverOf(task) + " driver (it offers " + new TreeSet<>(in.drivers()) + ")",
            in.now())));
      } else {
        plan.add(new TaskAction.Start(task));
      }
      return;
    }
    switch (held.state()) {
      case CREATED, RUNNING -> {
        if (!wanted) {
          plan.add(new TaskAction.Stop(id, held.stopGracePeriod()));
        } else if (held.state() == RuntimeTask.State.CREATED) {
          plan.add(new TaskAction.Start(task));
        } else if (known == null || known.ordinal() < TaskState.RUNNING.ordinal()
            || !Objects.equals(held.health(), m.reportedHealth())) {
          plan.add(new TaskAction.Report(Statuses.running(in.nodeId(), held, in.now())));
        }
      }
      case EXITED -> {
        if (!ended) {
          plan.add(new TaskAction.Report(Statuses.ended(in.nodeId(), held, in.now())));
        }
        if (task == null || task.desiredState() == DesiredState.REMOVE) {
          plan.add(new TaskAction.Remove(id));
        }
      }
    }
  }

  /** The later of two observations; a terminal one wins, since nothing comes after it. */
  static TaskState known(TaskState reported, TaskState fromAssignment) {
    if (reported == null) {
      return fromAssignment;
    }
    if (fromAssignment == null || reported.isTerminal()) {
      return reported;
    }
    return fromAssignment.isTerminal() || fromAssignment.ordinal() > reported.ordinal() ? fromAssignment : reported;
  }

  static String driverOf(Task task) {
    return task.spec() == null ? Drivers.PROCESS : task.spec().driver();
  }

  private static TaskAction report(ConvergeInput in, String id, TaskState state, String message) {
    return new TaskAction.Report(Statuses.of(in.nodeId(), id, state, message, in.now()));
  }
}
