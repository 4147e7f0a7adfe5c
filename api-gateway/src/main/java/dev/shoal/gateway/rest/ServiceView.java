package dev.shoal.gateway.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.UpdateStatus;
import java.util.Collection;

/** A service as the REST API shows it: the stored {@link Service} plus how many replicas run. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServiceView(
    String id,
    String name,
    long version,
    ServiceSpec spec,
    ServiceSpec previousSpec,
    UpdateStatus updateStatus,
    long createdAt,
    long updatedAt,
    Replicas replicas) {

  /**
   * {@code desired}: the spec's replicas, or for a global service the tasks desired running;
   * {@code running}: tasks desired running that are observed running.
   */
  public record Replicas(int running, int desired) {}

  /** {@code tasks} may hold any tasks; only the service's own count. */
  public static ServiceView of(Service s, Collection<Task> tasks) {
    int running = 0;
    int desiredRunning = 0;
    for (Task t : tasks) {
      if (!s.id().equals(t.serviceId()) || t.desiredState() != DesiredState.RUNNING) {
        continue;
      }
      desiredRunning++;
      if (t.state() == TaskState.RUNNING) {
        running++;
      }
    }
    ServiceSpec spec = s.spec();
    int desired = spec == null || spec.isGlobal() || spec.replicas() == null ? desiredRunning : spec.replicas();
    return new ServiceView(s.id(), s.name(), s.version(), spec, s.previousSpec(), s.updateStatus(),
        s.createdAt(), s.updatedAt(), new Replicas(running, desired));
  }
}
