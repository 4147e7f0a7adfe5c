package dev.shoal.gateway.docker;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskStatus;
import java.util.Locale;

/**
 * A task as the engine shows it ({@code GET /tasks}). The CLI has no task name: it prints
 * {@code <service>.<Slot>} (or {@code .<NodeID>} for a global task) and resolves both through
 * further requests; it reads {@code DesiredState}, {@code Status.State} with
 * {@code Status.Timestamp} ("Running 5 seconds ago"), {@code Status.Err} and
 * {@code Status.PortStatus}, and groups tasks by {@code Slot} or {@code NodeID} while it waits for
 * convergence. Shoal publishes every target port of a task on its node's 127.0.0.1; those bindings
 * are the task's port status (host mode), which is where the task really answers.
 */
final class TaskObjects {
  private TaskObjects() {}

  static ObjectNode of(Task t) {
    ObjectNode out = DockerJson.object();
    out.put("ID", t.id());
    // Tasks carry no store index; their last change time orders their versions.
    out.set("Version", DockerJson.version(t.updatedAt()));
    out.put("CreatedAt", DockerJson.time(t.createdAt()));
    out.put("UpdatedAt", DockerJson.time(t.updatedAt()));
    out.putObject("Labels");
    out.set("Spec", t.spec() == null ? DockerJson.object() : SwarmSpecWriter.taskSpec(t.spec()));
    if (t.serviceId() != null) {
      out.put("ServiceID", t.serviceId());
    }
    if (t.slot() != null) {
      out.put("Slot", t.slot());
    }
    if (t.nodeId() != null) {
      out.put("NodeID", t.nodeId());
    }
    out.set("Status", status(t));
    out.put("DesiredState", t.desiredState() == null ? "running" : lower(t.desiredState().name()));
    return out;
  }

  private static ObjectNode status(Task t) {
    TaskStatus s = t.status();
    ObjectNode out = DockerJson.object();
    out.put("Timestamp", DockerJson.time(s == null ? t.createdAt() : s.timestamp()));
    out.put("State", lower(t.state().name()));
    out.put("Message", s == null || s.message() == null ? "" : s.message());
    if (s != null && s.error() != null && !s.error().isEmpty()) {
      out.put("Err", s.error());
    }
    if (s != null && (s.containerId() != null || s.exitCode() != null)) {
      ObjectNode container = out.putObject("ContainerStatus");
      if (s.containerId() != null) {
        container.put("ContainerID", s.containerId());
      }
      container.put("ExitCode", s.exitCode() == null ? 0 : s.exitCode());
    }
    ObjectNode portStatus = out.putObject("PortStatus");
    if (s != null && s.ports() != null && !s.ports().isEmpty()) {
      ArrayNode ports = portStatus.putArray("Ports");
      for (TaskStatus.PortBinding b : s.ports()) {
        ObjectNode p = ports.addObject();
        p.put("Protocol", b.protocol() == null ? "tcp" : b.protocol());
        p.put("TargetPort", b.target());
        p.put("PublishedPort", b.hostPort());
        p.put("PublishMode", "host");
      }
    }
    return out;
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
