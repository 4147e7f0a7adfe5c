package dev.shoal.schemas;

/** What the orchestrator wants of a task; the orchestrator is its one writer. */
public enum DesiredState {
  RUNNING, SHUTDOWN, REMOVE
}
