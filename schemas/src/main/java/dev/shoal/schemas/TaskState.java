package dev.shoal.schemas;

import java.util.EnumSet;
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

  /** A terminal task will never run again; its slot needs a new task to be served. */
  public boolean isTerminal() {
    return TERMINAL.contains(this);
  }

  /** The transition table: forward only, never out of a terminal state. */
  public boolean canTransitionTo(TaskState next) {
    return !isTerminal() && next.ordinal() > ordinal();
  }

  /** The states an agent has taken over from the orchestrator: the task is in a runtime's hands. */
  public boolean isOnNode() {
    return ordinal() >= ACCEPTED.ordinal() && !isTerminal();
  }
}
