package dev.shoal.gateway.docker;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.UpdateStatus;
import java.util.Collection;
import java.util.List;

/**
 * A service as the engine shows it ({@code GET /services}, {@code GET /services/{id}}). The CLI
 * reads {@code Version.Index} (sent back with every update), {@code Spec},
 * {@code Endpoint.Ports} (the PORTS column), {@code UpdateStatus} (what its progress display
 * does) and, when asked with {@code status=true}, {@code ServiceStatus} (the REPLICAS column).
 */
final class ServiceObjects {
  private ServiceObjects() {}

  /** {@code tasks} may hold any tasks; only the service's own count. Null tasks: no ServiceStatus. */
  static ObjectNode of(Service s, Collection<Task> tasks) {
    ObjectNode out = DockerJson.object();
    out.put("ID", s.id());
    out.set("Version", DockerJson.version(s.version()));
    out.put("CreatedAt", DockerJson.time(s.createdAt()));
    out.put("UpdatedAt", DockerJson.time(s.updatedAt()));
    out.set("Spec", SwarmSpecWriter.serviceSpec(s.spec()));
    if (s.previousSpec() != null) {
      out.set("PreviousSpec", SwarmSpecWriter.serviceSpec(s.previousSpec()));
    }
    out.set("Endpoint", endpoint(s.spec()));
    ObjectNode update = updateStatus(s);
    if (update != null) {
      out.set("UpdateStatus", update);
    }
    if (tasks != null) {
      out.set("ServiceStatus", status(s, tasks));
    }
    return out;
  }

  private static ObjectNode endpoint(ServiceSpec spec) {
    ObjectNode out = DockerJson.object();
    ObjectNode endpointSpec = out.putObject("Spec");
    List<ServiceSpec.PortConfig> ports = spec.ports() == null ? List.of() : spec.ports();
    if (!ports.isEmpty()) {
      endpointSpec.put("Mode", "vip");
      endpointSpec.set("Ports", SwarmSpecWriter.ports(ports, false));
      ArrayNode published = SwarmSpecWriter.ports(ports, true);
      if (!published.isEmpty()) {
        out.set("Ports", published);
      }
    }
    return out;
  }

  /**
   * The update's progress. A finished update's status is not shown once the spec changed again
   * without starting another (a scale): the engine resets it with every update, and the CLI
   * takes a {@code completed} status it sees before convergence as "done, stop waiting".
   */
  static ObjectNode updateStatus(Service s) {
    UpdateStatus u = s.updateStatus();
    if (u == null || u.state() == null) {
      return null;
    }
    boolean finished = UpdateStatus.COMPLETED.equals(u.state()) || UpdateStatus.ROLLBACK_COMPLETED.equals(u.state());
    if (finished && u.completedAt() != null && s.updatedAt() > u.completedAt()) {
      return null;
    }
    ObjectNode out = DockerJson.object();
    out.put("State", u.state());
    if (u.startedAt() != null) {
      out.put("StartedAt", DockerJson.time(u.startedAt()));
    }
    if (u.completedAt() != null) {
      out.put("CompletedAt", DockerJson.time(u.completedAt()));
    }
    out.put("Message", u.message() == null ? "" : u.message());
    return out;
  }

  /** Running: tasks desired and observed running; desired: the replica count, or for global the tasks desired running. */
  static ObjectNode status(Service s, Collection<Task> tasks) {
    int running = 0;
    int desiredRunning = 0;
    int completed = 0;
    for (Task t : tasks) {
      if (!s.id().equals(t.serviceId())) {
        continue;
      }
      if (t.desiredState() == DesiredState.RUNNING) {
        desiredRunning++;
        if (t.state() == TaskState.RUNNING) {
          running++;
        }
      }
      if (t.state() == TaskState.COMPLETE) {
        completed++;
      }
    }
    ServiceSpec spec = s.spec();
    int desired = spec.isGlobal() || spec.replicas() == null ? desiredRunning : spec.replicas();
    ObjectNode out = DockerJson.object();
    out.put("RunningTasks", running);
    out.put("DesiredTasks", desired);
    out.put("CompletedTasks", completed);
    return out;
  }
}
