package dev.shoal.agent.runtime.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import dev.shoal.agent.runtime.RuntimeTask;
import dev.shoal.schemas.Drivers;
import dev.shoal.schemas.TaskStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One task's container as the runtime knows it: the engine's latest word on it (from an inspect),
 * and what only the agent knows — that it asked the task to stop, so that its end reads as a
 * shutdown. Completes {@link #exit()} once the container is seen ended or gone.
 */
final class ContainerEntry {
  private final String containerId;
  private final String taskId;
  private final String nodeId;
  private final CompletableFuture<RuntimeTask> exit = new CompletableFuture<>();
  private boolean stopRequested;
  private RuntimeTask view;
  private String engineState;
  private boolean healthChecked;

  private ContainerEntry(String containerId, String taskId, String nodeId) {
    this.containerId = containerId;
    this.taskId = taskId;
    this.nodeId = nodeId;
  }

  /** An entry for an inspected container, which must carry Shoal's labels. */
  static ContainerEntry of(InspectContainerResponse r) {
    Map<String, String> labels = r.getConfig().getLabels();
    ContainerEntry e = new ContainerEntry(r.getId(), labels.get(ContainerLabels.TASK_ID), labels.get(ContainerLabels.NODE_ID));
    e.update(r);
    return e;
  }

  /**
   * An entry for a container this runtime has just created from {@code labels}, without asking the
   * engine again: a created container has no state to read yet but "created".
   */
  static ContainerEntry created(String containerId, String name, Map<String, String> labels) {
    ContainerEntry e = new ContainerEntry(containerId, labels.get(ContainerLabels.TASK_ID), labels.get(ContainerLabels.NODE_ID));
    synchronized (e) {
      e.engineState = "created";
      e.view = new RuntimeTask(e.taskId, e.nodeId, name, Drivers.DOCKER, RuntimeTask.State.CREATED, null, null, false,
          null, null, List.of(), containerId, ContainerLabels.stopGrace(labels, ContainerSpecs.DEFAULT_STOP_GRACE));
    }
    return e;
  }

  String containerId() {
    return containerId;
  }

  String taskId() {
    return taskId;
  }

  String nodeId() {
    return nodeId;
  }

  CompletableFuture<RuntimeTask> exit() {
    return exit;
  }

  synchronized RuntimeTask view() {
    return view;
  }

  /**
   * Whether a list showing the container in {@code listedState} says something the entry does not
   * know: another state, or a health status, which only an inspect shows.
   */
  synchronized boolean needsInspect(String listedState) {
    return !listedState.equals(engineState) || (healthChecked && view.isLive());
  }

  /** Marks the stop as asked for if the container is still live; returns whether it was. */
  synchronized boolean requestStop() {
    if (!view.isLive()) {
      return false;
    }
    stopRequested = true;
    view = with(view, view.state(), view.exitCode(), view.exitMessage());
    return true;
  }

  /** Takes in what the engine says about the container now. */
  RuntimeTask update(InspectContainerResponse r) {
    RuntimeTask v;
    synchronized (this) {
      InspectContainerResponse.ContainerState s = r.getState();
      Map<String, String> labels = r.getConfig().getLabels();
      engineState = s.getStatus();
      healthChecked = s.getHealth() != null;
      RuntimeTask.State state = switch (engineState) {
        // A container whose start failed stays "created", with the reason in its error.
        case "created" -> stopRequested || notBlank(s.getError()) ? RuntimeTask.State.EXITED : RuntimeTask.State.CREATED;
        case "running", "paused", "restarting" -> RuntimeTask.State.RUNNING;
        default -> RuntimeTask.State.EXITED;
      };
      boolean ran = !"created".equals(engineState);
      Integer code = state == RuntimeTask.State.EXITED && ran && s.getExitCodeLong() != null
          ? s.getExitCodeLong().intValue() : null;
      List<TaskStatus.PortBinding> ports = state == RuntimeTask.State.RUNNING ? ports(r, labels)
          : view != null ? view.ports() : List.of();
      String name = r.getName() == null ? null : r.getName().replaceFirst("^/", "");
      // Health only while it runs: the engine turns it to "unhealthy" when the container stops.
      String health = healthChecked && state != RuntimeTask.State.EXITED ? s.getHealth().getStatus() : null;
      view = new RuntimeTask(taskId, nodeId, name, Drivers.DOCKER, state, code, exitMessage(s, state), stopRequested,
          health, ports.isEmpty() ? null : endpoint(ports.get(0)), ports,
          containerId, ContainerLabels.stopGrace(labels, ContainerSpecs.DEFAULT_STOP_GRACE));
      v = view;
    }
    if (!v.isLive()) {
      exit.complete(v);
    }
    return v;
  }

  /** The container no longer exists (removed by the agent or by someone else). */
  RuntimeTask gone(String why) {
    RuntimeTask v;
    synchronized (this) {
      view = with(view, RuntimeTask.State.EXITED, view.exitCode(), view.isLive() ? why : view.exitMessage());
      v = view;
    }
    exit.complete(v);
    return v;
  }

  private String exitMessage(InspectContainerResponse.ContainerState s, RuntimeTask.State state) {
    if (state != RuntimeTask.State.EXITED) {
      return null;
    }
    if (Boolean.TRUE.equals(s.getOOMKilled())) {
      return "the container ran out of memory (OOM killed)";
    }
    if (notBlank(s.getError())) {
      return s.getError();
    }
    return "created".equals(engineState) ? "stopped before it started" : null;
  }

  /** Every target port's binding on the publish address, in spec order (the first is the endpoint). */
  private static List<TaskStatus.PortBinding> ports(InspectContainerResponse r, Map<String, String> labels) {
    Ports published = r.getNetworkSettings() == null ? null : r.getNetworkSettings().getPorts();
    if (published == null || published.getBindings() == null) {
      return List.of();
    }
    List<TaskStatus.PortBinding> out = new ArrayList<>();
    for (String spec : ContainerLabels.portOrder(labels)) {
      ExposedPort port = ExposedPort.parse(spec);
      Ports.Binding[] bindings = published.getBindings().get(port);
      if (bindings == null) {
        continue;
      }
      for (Ports.Binding b : bindings) {
        if (ContainerSpecs.PUBLISH_IP.equals(b.getHostIp()) && notBlank(b.getHostPortSpec())) {
          out.add(new TaskStatus.PortBinding(port.getPort(), b.getHostIp(), Integer.parseInt(b.getHostPortSpec()),
              port.getProtocol().toString()));
          break;
        }
      }
    }
    return out;
  }

  private static String endpoint(TaskStatus.PortBinding p) {
    return p.hostIp() + ":" + p.hostPort();
  }

  private RuntimeTask with(RuntimeTask t, RuntimeTask.State state, Integer code, String message) {
    return new RuntimeTask(t.taskId(), t.nodeId(), t.name(), t.driver(), state, code, message, stopRequested,
        state == RuntimeTask.State.EXITED ? null : t.health(), t.endpoint(), t.ports(), t.containerId(),
        t.stopGracePeriod());
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }
}
