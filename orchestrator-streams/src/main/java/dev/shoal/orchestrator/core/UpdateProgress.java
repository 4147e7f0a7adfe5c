package dev.shoal.orchestrator.core;

import java.util.List;

/**
 * Where a rolling update (or rollback) of one service stands: the slots of the group being
 * replaced, when the next group may start (the delay after the last one), and the new tasks that
 * failed. Kept by the orchestrator so an update survives a restart or failover and carries on
 * without redoing finished groups.
 */
public record UpdateProgress(boolean rollback, long startedAt, List<String> group, long nextGroupAt,
                             List<String> failedTaskIds) {
  public static UpdateProgress start(boolean rollback, long now) {
    return new UpdateProgress(rollback, now, List.of(), now, List.of());
  }
}
