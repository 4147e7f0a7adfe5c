package dev.shoal.orchestrator.core;

import dev.shoal.schemas.ClusterEvent;
import java.util.List;

/**
 * What one control message decided, before it is applied: the state changes (ids to look up in
 * the open transaction), the events and the timers. The processor checks it (every output within
 * the size limits) and then commits it, or rolls it back and quarantines the message.
 */
public record Plan(long time, ClusterState.Changes changes, List<ClusterEvent> events,
                   List<ReconcilePlan.Timer> timers) {}
