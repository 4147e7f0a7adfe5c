package dev.shoal.agent.runtime;

import dev.shoal.schemas.TaskStatus;
import java.time.Duration;
import java.util.List;

/**
 * What a runtime holds for one task, as the agent sees it: an immutable snapshot.
 *
 * @param name Swarm's container name, see {@link RuntimeNames#of}
 * @param exitCode set once {@link State#EXITED}, null if the runtime could not learn it (e.g. a
 *     process adopted after an agent restart, or one that never started)
 * @param exitMessage why it ended when there is more to say than the exit code
 * @param stopRequested the task ended (or is ending) because {@link ContainerRuntime#stop} asked it to
 * @param health the runtime's health status ({@code starting}, {@code healthy}, {@code unhealthy}),
 *     null without a health check
 * @param endpoint {@code host:port} where the first target port answers, null without ports
 * @param containerId the runtime's own handle: a container id, or a pid for the process runtime
 */
public record RuntimeTask(
    String taskId,
    String nodeId,
    String name,
    String driver,
    State state,
    Integer exitCode,
    String exitMessage,
    boolean stopRequested,
    String health,
    String endpoint,
    List<TaskStatus.PortBinding> ports,
    String containerId,
    Duration stopGracePeriod) {

  /** Lifecycle of a runtime entry; it only moves forward. */
  public enum State { CREATED, RUNNING, EXITED }

  public RuntimeTask {
    ports = ports == null ? List.of() : List.copyOf(ports);
  }

  public boolean isLive() {
    return state != State.EXITED;
  }
}
