package dev.shoal.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What an agent observed of one task (value of {@code shoal.task-status}, key = task id), and the
 * status part of a {@link Task}. {@code endpoint} is where the task's first target port answers,
 * e.g. {@code 127.0.0.1:41234}; {@code ports} lists every target port's binding.
 *
 * <p>A status from an agent is signed by its node ({@link NodeSignatures}): {@code boot} counts the
 * agent's starts and {@code sequence} the statuses it sent since, so {@code (boot, sequence)} only
 * grows and a copied status is refused; {@code signature} covers every other field. Statuses the
 * orchestrator writes into a task itself (NEW, PENDING, ASSIGNED) carry none of the three.
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
    long timestamp,
    Long boot,
    Long sequence,
    String signature) {

  public TaskStatus(String taskId, String nodeId, TaskState state, String message, String error, Integer exitCode,
                    String endpoint, List<PortBinding> ports, String health, String containerId, long timestamp) {
    this(taskId, nodeId, state, message, error, exitCode, endpoint, ports, health, containerId, timestamp, null, null,
        null);
  }

  /** This status as sent by the {@code sequence}-th send of the agent's {@code boot}-th start, not signed yet. */
  public TaskStatus withOrder(long boot, long sequence) {
    return new TaskStatus(taskId, nodeId, state, message, error, exitCode, endpoint, ports, health, containerId,
        timestamp, boot, sequence, null);
  }

  /** This status with {@code signature} (null: the unsigned form that is signed). */
  public TaskStatus withSignature(String signature) {
    return new TaskStatus(taskId, nodeId, state, message, error, exitCode, endpoint, ports, health, containerId,
        timestamp, boot, sequence, signature);
  }

  /** A target port of the task and where the node exposes it. */
  public record PortBinding(int target, String hostIp, int hostPort, String protocol) {}

  public static TaskStatus of(String taskId, String nodeId, TaskState state, String message, long timestamp) {
    return new TaskStatus(taskId, nodeId, state, message, null, null, null, null, null, null, timestamp);
  }
}
