package dev.shoal.orchestrator.core;

import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.RejectionCode;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.ServiceSpec;
import java.util.Optional;

/**
 * A spec was published: create the service, or update it (starting a rolling update when the task
 * template changed). {@code expectedVersion} 0 means "create only", N means "update only if still
 * at version N"; without it the spec is created or updated as it comes (a plain Kafka client).
 */
final class SpecAppliedHandler implements ControlHandler<ControlMessage.SpecApplied> {
  @Override
  public Scope handle(ControlMessage.SpecApplied m, Decision d) {
    ServiceSpec spec = m.spec().withDefaults();
    String name = spec.name();
    Optional<Service> current = d.state.service(name);
    Long expected = m.expectedVersion();
    if (expected != null && expected == 0 && current.isPresent()) {
      d.reject(RejectionCode.CONFLICT, "spec.rejected", "service", name, "service " + current.get().name()
          + " already exists");
      return Scope.NOTHING;
    }
    if (expected != null && expected > 0 && current.isEmpty()) {
      d.reject(RejectionCode.NOT_FOUND, "spec.rejected", "service", name, "service " + name + " not found");
      return Scope.NOTHING;
    }
    if (expected != null && expected > 0 && current.get().version() != expected) {
      d.reject(RejectionCode.CONFLICT, "spec.rejected", "service", name, "version " + expected
          + " is stale: the service is at version " + current.get().version() + " (update out of sequence)");
      return Scope.NOTHING;
    }
    if (current.isEmpty()) {
      if (portTaken(spec, d)) {
        return Scope.NOTHING;
      }
      Service s = new Service(Ids.of("service", name, d.position), name, d.state.nextVersion(), spec, null, null,
          d.time, d.time);
      d.state.put(s);
      d.applied("service.created", "service", name, "service " + name + " created", s.version());
      return Scope.service(name);
    }
    Service s = current.get();
    if (!s.name().equals(name)) {
      d.reject(RejectionCode.CONFLICT, "spec.rejected", "service", name, "a service named " + s.name()
          + " exists (service names are compared regardless of case)");
      return Scope.NOTHING;
    }
    if (s.spec().equals(spec)) {
      d.unchanged("service.unchanged", "service", name, "spec of " + name + " is unchanged", s.version());
      return Scope.NOTHING;
    }
    if (s.spec().isGlobal() != spec.isGlobal()) {
      d.reject(RejectionCode.INVALID, "spec.rejected", "service", name, "mode of service " + name
          + " cannot be changed from " + s.spec().mode() + " to " + spec.mode());
      return Scope.NOTHING;
    }
    if (portTaken(spec, d)) {
      return Scope.NOTHING;
    }
    Service next = s.withSpec(spec, d.state.nextVersion(), d.time);
    next = s.spec().taskTemplate().equals(spec.taskTemplate()) ? Updates.clearFinished(next, d.time)
        : Updates.start(next, false, d);
    d.state.put(next);
    d.applied("service.updated", "service", name, "service " + name + " updated to version " + next.version(),
        next.version());
    return Scope.serviceAndCapacity(name);
  }

  /** Refuses a spec that publishes a port another service holds ({@link PublishedPorts}). */
  private static boolean portTaken(ServiceSpec spec, Decision d) {
    Optional<String> why = PublishedPorts.conflict(spec, d.state.services());
    why.ifPresent(w -> d.reject(RejectionCode.CONFLICT, "spec.rejected", "service", spec.name(), w));
    return why.isPresent();
  }
}
