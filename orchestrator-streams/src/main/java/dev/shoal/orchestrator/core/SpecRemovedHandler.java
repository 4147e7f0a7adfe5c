package dev.shoal.orchestrator.core;

import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.RejectionCode;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import java.util.Optional;

/**
 * A service was removed. Its tasks that a node holds are not forgotten at once: they are set to
 * desired REMOVE and stay visible until their agent reports them ended (or their node is removed),
 * so nothing runs that the API does not show. Tasks never placed are forgotten at once.
 */
final class SpecRemovedHandler implements ControlHandler<ControlMessage.SpecRemoved> {
  @Override
  public Scope handle(ControlMessage.SpecRemoved m, Decision d) {
    Optional<Service> found = d.state.service(m.name());
    if (found.isEmpty()) {
      d.reject(RejectionCode.NOT_FOUND, "spec.rejected", "service", m.name(), "service " + m.name() + " not found");
      return Scope.NOTHING;
    }
    Service s = found.get();
    int stopping = 0;
    for (Task t : d.state.tasksOf(s.id())) {
      if (heldByNode(t)) {
        if (t.desiredState() != DesiredState.REMOVE) {
          d.state.put(t.withDesiredState(DesiredState.REMOVE, d.time));
        }
        stopping++;
      } else {
        d.state.remove(t);
      }
    }
    for (String key : d.state.restartKeysOf(s.id())) {
      d.state.removeRestart(key);
    }
    d.state.removeUpdate(s.id());
    d.state.remove(s);
    d.applied("service.removed", "service", s.name(), "service " + s.name() + " removed"
        + (stopping > 0 ? "; " + stopping + " task(s) stopping" : ""), s.version());
    return Scope.capacity();
  }

  /** A task an agent may be running: placed and not ended. */
  static boolean heldByNode(Task t) {
    return t.nodeId() != null && t.state().ordinal() >= TaskState.ASSIGNED.ordinal() && !t.state().isTerminal();
  }
}
