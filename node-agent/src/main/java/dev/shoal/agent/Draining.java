package dev.shoal.agent;

import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import java.time.Duration;

/**
 * How long to wait between learning that a task must stop and sending it the stop signal: the drain
 * delay, like a Kubernetes preStop sleep. The gateways learn that the task is told to stop from
 * {@code shoal.tasks} at about the moment this agent learns it from its assignment; they stop sending
 * it new requests at once, and the delay gives them time to, so requests already under way finish
 * before the process is signalled (see "Ingress" in docs/design.md).
 *
 * <p>Only a task the gateways may be sending traffic to waits: one the orchestrator told to stop
 * (assigned, desired SHUTDOWN or REMOVE) that was reported RUNNING and publishes a port through the
 * ingress. A fenced node or a closing agent never waits.
 */
final class Draining {
  private Draining() {}

  /** The delay for stopping {@code assigned} (null when no longer assigned), last reported {@code reported}. */
  static Duration delay(Task assigned, TaskState reported, Duration drainDelay) {
    if (drainDelay.isZero() || assigned == null || assigned.desiredState() == DesiredState.RUNNING) {
      return Duration.ZERO;
    }
    if (reported != TaskState.RUNNING && assigned.state() != TaskState.RUNNING) {
      return Duration.ZERO;
    }
    ServiceSpec spec = assigned.spec();
    boolean published = spec != null && spec.ports() != null
        && spec.ports().stream().anyMatch(ServiceSpec.PortConfig::isIngress);
    return published ? drainDelay : Duration.ZERO;
  }
}
