package dev.shoal.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What an agent observed of one task (value of {@code shoal.task-status}, key = task id), and the
 * status part of a {@link Task}. {@code endpoint} is where the task's first target port answers,
 * e.g. {@code 127.0.0.1:41234}; {@code ports} lists every target port's binding.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskStatus(
    String taskId,
    String nodeId,
    TaskState state,
    String message,
    String error,
    Integer exitCode,
    String endpoint,
    List<PortBinding> ports,
    String health,
    String containerId,
    long timestamp) {

  /** A target port of the task and where the node exposes it. */
  public record PortBinding(int target, String hostIp, int hostPort, String protocol) {}

  public static TaskStatus of(String taskId, String nodeId, TaskState state, String message, long timestamp) {
    return new TaskStatus(taskId, nodeId, state, message, null, null, null, null, null, null, timestamp);
  }
}
