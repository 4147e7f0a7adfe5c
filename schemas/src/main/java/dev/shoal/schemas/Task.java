package dev.shoal.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One scheduled instance of a service: value of {@code shoal.tasks} (key = task id) and element of
 * an {@link Assignment}. A task is placed once and never changes node; a replacement is a new
 * task in the same slot (replicated) or for the same node (global, where {@code slot} is null).
 * {@code spec} is the service spec at {@code specVersion}, so an agent needs nothing else to run it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Task(
    String id,
    String serviceId,
    String serviceName,
    Integer slot,
    String nodeId,
    long specVersion,
    ServiceSpec spec,
    DesiredState desiredState,
    TaskStatus status,
    long createdAt,
    long updatedAt) {

  public TaskState state() {
    return status == null ? TaskState.NEW : status.state();
  }

  /** Swarm's task name: {@code web.2} for a replicated slot, {@code web.<node id>} for a global task. */
  public String name() {
    return serviceName + "." + (slot != null ? String.valueOf(slot) : nodeId);
  }

  public Task withDesiredState(DesiredState d, long time) {
    return new Task(id, serviceId, serviceName, slot, nodeId, specVersion, spec, d, status, createdAt, time);
  }

  /** The same task carrying {@code s} as its spec (an equal one: {@link SpecSharing}). */
  public Task withSpec(ServiceSpec s) {
    return new Task(id, serviceId, serviceName, slot, nodeId, specVersion, s, desiredState, status, createdAt, updatedAt);
  }

  public Task withStatus(TaskStatus s, long time) {
    return new Task(id, serviceId, serviceName, slot, nodeId, specVersion, spec, desiredState, s, createdAt, time);
  }

  public Task withNode(String node, TaskStatus s, long time) {
    return new Task(id, serviceId, serviceName, slot, node, specVersion, spec, desiredState, s, createdAt, time);
  }
}
