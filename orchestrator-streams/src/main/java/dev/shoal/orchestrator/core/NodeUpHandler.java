package dev.shoal.orchestrator.core;

import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.Node;
import java.util.Map;
import java.util.Optional;

/**
 * A node sent a heartbeat while unknown or down, or its description changed. An unknown node
 * joins only with a valid join proof ({@link JoinPolicy}) for its id and key, and its key is recorded;
 * nodes that joined are not asked for a token again, so a token rotation leaves them alone, but must
 * keep their key ({@link NodeIdentityCheck}).
 */
final class NodeUpHandler implements ControlHandler<ControlMessage.NodeUp> {
  private final JoinPolicy joinPolicy;
  private final NodeIdentityCheck identity;

  NodeUpHandler(JoinPolicy joinPolicy, NodeIdentityCheck identity) {
    this.joinPolicy = joinPolicy;
    this.identity = identity;
  }

  @Override
  public Scope handle(ControlMessage.NodeUp m, Decision d) {
    Optional<Node> n = d.state.node(m.nodeId());
    if (n.isEmpty()) {
      Optional<String> keyless = identity.keyless(m);
      Optional<String> role = keyless.isPresent() ? Optional.empty()
          : joinPolicy.admit(m.nodeId(), m.publicKey(), m.joinProof(), d.state.clusterInfo());
      String host = m.description() == null ? m.nodeId() : m.description().hostname();
      if (role.isEmpty()) {
        String reason = "node " + host + " (" + m.nodeId() + ") was refused: " + keyless.orElse(
            m.joinProof() == null ? "no join token given" : "the join token is invalid or was rotated");
        d.state.refuse(m.nodeId(), reason);
        d.event("node.join-refused", "node", m.nodeId(), reason);
        return Scope.NOTHING;
      }
      Node node = new Node(m.nodeId(), 1, role.get(), Node.ACTIVE, Map.of(), m.description(), Node.READY, null,
          d.time, d.time, m.publicKey());
      d.state.put(node);
      d.event("node.joined", "node", node.id(), "node " + node.hostname() + " joined");
      return Scope.node(node.id(), d.state);
    }
    Node node = n.get();
    Optional<String> impostor = identity.nodeUp(node, m, joinPolicy, d.state.clusterInfo());
    if (impostor.isPresent()) {
      d.events.add(NodeIdentityCheck.rejection("heartbeat.rejected", "node", node.id(), impostor.get(), d.time));
      return Scope.NOTHING;
    }
    boolean wasDown = !node.isReady();
    Node keyed = node.publicKey() == null && m.publicKey() != null ? node.withPublicKey(m.publicKey()) : node;
    d.state.put(keyed.with(node.role(), node.availability(), node.labels(), m.description(), Node.READY, null, d.time));
    if (wasDown) {
      d.event("node.ready", "node", node.id(), "node " + node.hostname() + " is ready");
    }
    return Scope.node(node.id(), d.state);
  }
}
