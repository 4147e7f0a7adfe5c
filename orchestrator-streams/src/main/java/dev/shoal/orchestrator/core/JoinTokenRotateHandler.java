package dev.shoal.orchestrator.core;

import dev.shoal.schemas.ClusterInfo;
import dev.shoal.schemas.Command;

/** Replaces a role's join token: its generation goes up, so the old token stops admitting nodes. */
final class JoinTokenRotateHandler implements CommandHandler<Command.RotateJoinToken> {
  @Override
  public Scope handle(Command.RotateJoinToken c, Decision d) {
    ClusterInfo next = d.state.clusterInfo().rotated(c.role(), d.time);
    d.state.put(next);
    d.applied("cluster.join-token-rotated", "cluster", ClusterInfo.KEY, c.role() + " join token rotated",
        next.generation(c.role()));
    return Scope.NOTHING;
  }
}
