package dev.shoal.orchestrator.core;

import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.Node;
import java.util.Map;
import java.util.Optional;

/**
 * A node sent a heartbeat while unknown or down, or its description changed. An unknown node
 * joins only with a valid join proof ({@link JoinPolicy}); nodes that joined are not checked again,
 * so a token rotation leaves them alone.
 */
final class NodeUpHandler implements ControlHandler<ControlMessage.NodeUp> {
  private final JoinPolicy joinPolicy;

  NodeUpHandler(JoinPolicy joinPolicy) {
    this.joinPolicy = joinPolicy;
  }

  @Override
  public Scope handle(ControlMessage.NodeUp m, Decision d) {
    Optional<Node> n = d.state.node(m.nodeId());
    if (n.isEmpty()) {
      Optional<String> role = joinPolicy.admit(m.nodeId(), m.joinProof(), d.state.clusterInfo());
      String host = m.description() == null ? m.nodeId() : m.description().hostname();
      if (role.isEmpty()) {
        String reason = "node " + host + " (" + m.nodeId() + ") was refused: "
            + (m.joinProof() == null ? "no join token given" : "the join token is invalid or was rotated");
        d.state.refuse(m.nodeId(), reason);
        d.event("node.join-refused", "node", m.nodeId(), reason);
        return Scope.NOTHING;
      }
      Node node = new Node(m.nodeId(), 1, role.get(), Node.ACTIVE, Map.of(), m.description(), Node.READY, null,
          d.time, d.time);
      d.state.put(node);
      d.event("node.joined", "node", node.id(), "node " + node.hostname() + " joined");
      return Scope.node(node.id(), d.state);
    }
    Node node = n.get();
    boolean wasDown = !node.isReady();
    d.state.put(node.with(node.role(), node.availability(), node.labels(), m.description(), Node.READY, null, d.time));
    if (wasDown) {
      d.event("node.ready", "node", node.id(), "node " + node.hostname() + " is ready");
    }
    return Scope.node(node.id(), d.state);
  }
}
