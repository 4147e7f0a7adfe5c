package dev.shoal.orchestrator.core;

import dev.shoal.schemas.Command;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.RejectionCode;
import java.util.Optional;
import java.util.TreeMap;

/** Changes a node's availability, role or labels; {@code expectedVersion} guards against lost updates. */
final class NodeUpdateHandler implements CommandHandler<Command.UpdateNode> {
  @Override
  public Scope handle(Command.UpdateNode c, Decision d) {
    Optional<Node> n = d.state.node(c.nodeId());
    if (n.isEmpty()) {
      d.reject(RejectionCode.NOT_FOUND, "command.rejected", "node", c.nodeId(), "node " + c.nodeId() + " not found");
      return Scope.NOTHING;
    }
    Node node = n.get();
    if (c.expectedVersion() != null && c.expectedVersion() != node.version()) {
      d.reject(RejectionCode.CONFLICT, "command.rejected", "node", c.nodeId(), "version " + c.expectedVersion()
          + " is stale: the node is at version " + node.version() + " (update out of sequence)");
      return Scope.NOTHING;
    }
    Node next = node.with(c.role() != null ? c.role() : node.role(),
        c.availability() != null ? c.availability() : node.availability(),
        c.labels() != null ? new TreeMap<>(c.labels()) : node.labels(),
        node.description(), node.status(), node.statusMessage(), d.time);
    d.state.put(next);
    d.applied("node.updated", "node", node.id(), "node " + node.hostname() + " updated: availability "
        + next.availability() + ", role " + next.role() + ", labels " + next.labels(), next.version());
    // Availability moves the node's tasks (drain) or not; labels or a role may now match (or stop
    // matching) any service's constraints, which placement (capacity) and global services read.
    // Every other service is looked at for its due work, as when a node update reconciled them all.
    return Scope.node(node.id(), d.state).andDueWork();
  }
}
