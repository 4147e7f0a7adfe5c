package dev.shoal.orchestrator.core;

import dev.shoal.schemas.Command;
import dev.shoal.schemas.RejectionCode;
import dev.shoal.schemas.Service;
import java.util.Optional;

/** Sets a replicated service's replica count. */
final class ScaleHandler implements CommandHandler<Command.ScaleService> {
  @Override
  public Scope handle(Command.ScaleService c, Decision d) {
    Optional<Service> found = d.state.service(c.service());
    if (found.isEmpty()) {
      d.reject(RejectionCode.NOT_FOUND, "command.rejected", "service", c.service(), "service " + c.service() + " not found");
      return Scope.NOTHING;
    }
    Service s = found.get();
    if (s.spec().isGlobal()) {
      d.reject(RejectionCode.INVALID, "command.rejected", "service", s.name(),
          "scale can only be used with replicated mode");
      return Scope.NOTHING;
    }
    if (s.spec().replicas() != null && s.spec().replicas() == c.replicas()) {
      d.unchanged("service.unchanged", "service", s.name(), "service " + s.name() + " already has " + c.replicas()
          + " replicas", s.version());
      return Scope.NOTHING;
    }
    Service next = Updates.clearFinished(s.withSpec(s.spec().withReplicas(c.replicas()), d.state.nextVersion(), d.time),
        d.time);
    d.state.put(next);
    d.applied("service.scaled", "service", s.name(), "service " + s.name() + " scaled to " + c.replicas(),
        next.version());
    return Scope.serviceAndCapacity(s.name());
  }
}
