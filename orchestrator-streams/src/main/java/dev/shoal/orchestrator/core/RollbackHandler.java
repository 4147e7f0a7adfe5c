package dev.shoal.orchestrator.core;

import dev.shoal.schemas.Command;
import dev.shoal.schemas.RejectionCode;
import dev.shoal.schemas.Service;
import java.util.Optional;

/** Rolls a service back to its previous spec, paced by its rollback config. */
final class RollbackHandler implements CommandHandler<Command.RollbackService> {
  @Override
  public Scope handle(Command.RollbackService c, Decision d) {
    Optional<Service> found = d.state.service(c.service());
    if (found.isEmpty()) {
      d.reject(RejectionCode.NOT_FOUND, "command.rejected", "service", c.service(), "service " + c.service() + " not found");
      return Scope.NOTHING;
    }
    Service s = found.get();
    if (c.expectedVersion() != null && c.expectedVersion() != s.version()) {
      d.reject(RejectionCode.CONFLICT, "command.rejected", "service", s.name(), "version " + c.expectedVersion()
          + " is stale: the service is at version " + s.version() + " (update out of sequence)");
      return Scope.NOTHING;
    }
    if (s.previousSpec() == null) {
      d.reject(RejectionCode.INVALID, "command.rejected", "service", s.name(), "service " + s.name()
          + " has no previous spec to roll back to");
      return Scope.NOTHING;
    }
    java.util.Optional<String> portTaken = PublishedPorts.conflict(s.previousSpec(), d.state.services());
    if (portTaken.isPresent()) {
      d.reject(RejectionCode.CONFLICT, "command.rejected", "service", s.name(), "cannot roll back: "
          + portTaken.get());
      return Scope.NOTHING;
    }
    Service next = Updates.start(s.withSpec(s.previousSpec(), d.state.nextVersion(), d.time), true, d);
    d.state.put(next);
    d.applied("service.rollback", "service", s.name(), "service " + s.name() + " is rolling back to its previous spec",
        next.version());
    return Scope.serviceAndCapacity(s.name());
  }
}
