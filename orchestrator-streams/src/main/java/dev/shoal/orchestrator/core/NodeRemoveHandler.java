package dev.shoal.orchestrator.core;

import dev.shoal.schemas.Command;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.RejectionCode;
import dev.shoal.schemas.Task;
import java.util.Optional;

/**
 * Forgets a node (only a node that is down, unless forced). Tasks of removed services that were
 * waiting on it to report their end are forgotten with it; its other tasks are replaced elsewhere.
 */
final class NodeRemoveHandler implements CommandHandler<Command.RemoveNode> {
  @Override
  public Scope handle(Command.RemoveNode c, Decision d) {
    Optional<Node> n = d.state.node(c.nodeId());
    if (n.isEmpty()) {
      d.reject(RejectionCode.NOT_FOUND, "command.rejected", "node", c.nodeId(), "node " + c.nodeId() + " not found");
      return Scope.NOTHING;
    }
    if (n.get().isReady() && !c.force()) {
      d.reject(RejectionCode.CONFLICT, "command.rejected", "node", c.nodeId(), "node " + n.get().hostname()
          + " is not down and can't be removed (use force)");
      return Scope.NOTHING;
    }
    Scope scope = Scope.node(c.nodeId(), d.state);
    for (Task t : d.state.tasksOn(c.nodeId())) {
      if (t.desiredState() == DesiredState.REMOVE) {
        d.state.remove(t);
      }
    }
    d.state.remove(n.get());
    d.applied("node.removed", "node", c.nodeId(), "node " + n.get().hostname() + " removed", n.get().version());
    return scope;
  }
}
