package dev.shoal.ops.fuzz;

import dev.shoal.schemas.Topics;

/** The doors on Kafka: every input log the orchestrator reads, with the event type its refusals carry. */
public enum InputTopic {
  SPECS("spec.rejected"),
  COMMANDS("command.rejected"),
  TASK_STATUS("task-status.rejected"),
  HEARTBEATS("heartbeat.rejected"),
  CONTROL("control.rejected");

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
      case CONTROL -> topics.control.name();
    };
  }
}
