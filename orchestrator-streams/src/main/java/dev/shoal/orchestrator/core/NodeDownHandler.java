package dev.shoal.orchestrator.core;

import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.Node;
import java.util.Optional;

/** Liveness declared a node down: its tasks are replaced elsewhere by the reconcilers. */
final class NodeDownHandler implements ControlHandler<ControlMessage.NodeDown> {
  @Override
  public Scope handle(ControlMessage.NodeDown m, Decision d) {
    Optional<Node> n = d.state.node(m.nodeId());
    if (n.isEmpty() || !n.get().isReady()) {
      return Scope.NOTHING;
    }
    Node node = n.get();
    d.state.put(node.with(node.role(), node.availability(), node.labels(), node.description(), Node.DOWN, m.reason(),
        d.time));
    d.event("node.down", "node", node.id(), "node " + node.hostname() + " is down: " + m.reason());
    return Scope.node(node.id(), d.state);
  }
}
