package dev.shoal.schemas;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Observed state of a task, in Swarm mode's order. Observed state only moves forward: a task may
 * go from any non-terminal state to any later state, never back, and nothing leaves a terminal
 * state. The agent is the one writer of observed state after ASSIGNED; the orchestrator writes
 * NEW, PENDING, ASSIGNED and, for tasks on nodes that are gone, ORPHANED.
 */
public enum TaskState {
  NEW, PENDING, ASSIGNED, ACCEPTED, PREPARING, STARTING, RUNNING,
  COMPLETE, SHUTDOWN, FAILED, REJECTED, ORPHANED;

  private static final Set<TaskState> TERMINAL = EnumSet.of(COMPLETE, SHUTDOWN, FAILED, REJECTED, ORPHANED);

  /**
   * The transition table, written out: from each state, the states it may move to. Skipping
   * states is allowed (an agent may report RUNNING right after ASSIGNED); going back is not.
   */
  private static final Map<TaskState, Set<TaskState>> NEXT = new EnumMap<>(TaskState.class);

  static {
    Set<TaskState> ends = EnumSet.of(COMPLETE, SHUTDOWN, FAILED, REJECTED, ORPHANED);
    NEXT.put(NEW, union(EnumSet.of(PENDING, ASSIGNED, ACCEPTED, PREPARING, STARTING, RUNNING), ends));
    NEXT.put(PENDING, union(EnumSet.of(ASSIGNED, ACCEPTED, PREPARING, STARTING, RUNNING), ends));
    NEXT.put(ASSIGNED, union(EnumSet.of(ACCEPTED, PREPARING, STARTING, RUNNING), ends));
    NEXT.put(ACCEPTED, union(EnumSet.of(PREPARING, STARTING, RUNNING), ends));
    NEXT.put(PREPARING, union(EnumSet.of(STARTING, RUNNING), ends));
    NEXT.put(STARTING, union(EnumSet.of(RUNNING), ends));
    NEXT.put(RUNNING, ends);
    for (TaskState t : TERMINAL) {
      NEXT.put(t, EnumSet.noneOf(TaskState.class));
    }
  }

  /** A terminal task will never run again; its slot needs a new task to be served. */
  public boolean isTerminal() {
    return TERMINAL.contains(this);
  }

  /** Whether observed state may move from this state to {@code next}, per the table above. */
  public boolean canTransitionTo(TaskState next) {
    return NEXT.get(this).contains(next);
  }

  /** The states an agent has taken over from the orchestrator: the task is in a runtime's hands. */
  public boolean isOnNode() {
    return ordinal() >= ACCEPTED.ordinal() && !isTerminal();
  }

  private static Set<TaskState> union(Set<TaskState> a, Set<TaskState> b) {
    Set<TaskState> s = EnumSet.copyOf(a);
    s.addAll(b);
    return s;
  }
}
