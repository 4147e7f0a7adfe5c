package dev.shoal.agent;

import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Durations;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Fencing, the agent's half of failure handling: an agent that has had no heartbeat acknowledged by
 * Kafka for longer than its fencing timeout stops its own tasks, because by then the orchestrator
 * has declared the node down and started replacements elsewhere. Without it a partitioned node would
 * keep a second copy of every slot running for as long as the partition lasts. What the timeout
 * guarantees is worked out in {@code docs/design.md} ("Fencing").
 *
 * <p>Pure: the silence comes in as a number, and the plan helpers only rewrite values.
 */
public final class Fencing {
  private Fencing() {}

  /** What the agent does after a fencing check. */
  public enum Verdict {
    /** In contact (or fencing is off): nothing changes. */
    KEEP_RUNNING,
    /** Silent for longer than the timeout: stop every task, start none. */
    FENCE,
    /** Still silent: stay fenced. */
    STAY_FENCED,
    /** A heartbeat sent after the fence went through: converge to the assignment again. */
    LIFT
  }

  /**
   * @param timeout the fencing timeout; zero turns fencing off
   * @param silence time since the newest heartbeat that Kafka acknowledged was sent
   * @param fenced whether the agent is fenced now
   */
  public static Verdict decide(Duration timeout, Duration silence, boolean fenced) {
    if (timeout.isZero()) {
      return fenced ? Verdict.LIFT : Verdict.KEEP_RUNNING;
    }
    boolean tooLong = silence.compareTo(timeout) > 0;
    if (fenced) {
      return tooLong ? Verdict.STAY_FENCED : Verdict.LIFT;
    }
    return tooLong ? Verdict.FENCE : Verdict.KEEP_RUNNING;
  }

  /** The message the stopped tasks are reported with, e.g. {@code fenced: no contact with Kafka for 6.1s (fencing timeout 6s)}. */
  public static String reason(Duration silence, Duration timeout) {
    return String.format(java.util.Locale.ROOT, "fenced: no contact with Kafka for %.1fs (fencing timeout %s)",
        silence.toMillis() / 1000.0, Durations.format(timeout));
  }

  /**
   * The assignment as a fenced agent converges to it: every task its runtimes hold is desired
   * SHUTDOWN, so each one that runs is stopped and then reported SHUTDOWN, which makes it terminal —
   * after contact returns, a stale copy of the assignment cannot start it again. Tasks not started
   * yet are left as they are (and {@link #restrict} drops their start): no copy of them runs, and
   * one assigned just as contact returns — the assignment reader may reconnect before a heartbeat
   * is acknowledged — should start after the lift rather than be reported gone and replaced.
   *
   * @param held ids of the tasks the runtimes hold for this node
   */
  public static Map<String, Task> stopAll(Map<String, Task> assigned, java.util.Set<String> held) {
    Map<String, Task> out = new TreeMap<>();
    assigned.forEach((id, t) -> out.put(id, held.contains(id) && t.desiredState() == DesiredState.RUNNING
        ? t.withDesiredState(DesiredState.SHUTDOWN, t.updatedAt()) : t));
    return out;
  }

  /**
   * A fenced agent's plan: no starts, and no removes either — ended tasks stay in their runtime (so
   * the agent keeps remembering what it reported for them) until contact returns.
   */
  public static List<TaskAction> restrict(List<TaskAction> plan) {
    List<TaskAction> out = new ArrayList<>();
    for (TaskAction a : plan) {
      if (!(a instanceof TaskAction.Start) && !(a instanceof TaskAction.Remove)) {
        out.add(a);
      }
    }
    return out;
  }

  /** The action with a SHUTDOWN report explained by {@code reason}; anything else (or a null reason) unchanged. */
  public static TaskAction explain(TaskAction action, String reason) {
    if (reason == null || !(action instanceof TaskAction.Report r) || r.status().state() != TaskState.SHUTDOWN) {
      return action;
    }
    TaskStatus s = r.status();
    return new TaskAction.Report(new TaskStatus(s.taskId(), s.nodeId(), s.state(), reason, s.error(), s.exitCode(),
        s.endpoint(), s.ports(), s.health(), s.containerId(), s.timestamp()));
  }
}
