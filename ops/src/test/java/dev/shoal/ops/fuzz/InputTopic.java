package dev.shoal.ops.fuzz;

import dev.shoal.schemas.Topics;

/** The doors on Kafka: every input log the orchestrator reads (the control log is its output, read by no one), with the event type its refusals carry. */
public enum InputTopic {
  SPECS("spec.rejected"),
  COMMANDS("command.rejected"),
  TASK_STATUS("task-status.rejected"),
  HEARTBEATS("heartbeat.rejected"),
  /** The orchestrator's own node up/down log: any client with write access could add to it. */
  LIVENESS("control.rejected"),
  /** The orchestrator's own due-timer log, the same. */
  TIMERS("control.rejected");

  /** The type of the rejection event a bad record on this topic becomes. */
  public final String rejection;

  InputTopic(String rejection) {
    this.rejection = rejection;
  }

  public String name(Topics topics) {
    return switch (this) {
      case SPECS -> topics.specs.name();
      case COMMANDS -> topics.commands.name();
      case TASK_STATUS -> topics.taskStatus.name();
      case HEARTBEATS -> topics.heartbeats.name();
      case LIVENESS -> topics.liveness.name();
      case TIMERS -> topics.timers.name();
    };
  }
}
