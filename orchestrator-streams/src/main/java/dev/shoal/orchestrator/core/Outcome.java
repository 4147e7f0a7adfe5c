package dev.shoal.orchestrator.core;

import dev.shoal.schemas.ClusterEvent;
import java.util.ArrayList;
import java.util.List;

/** What handling one control message produced besides state changes: events and timers. */
public final class Outcome {
  public final List<ClusterEvent> events = new ArrayList<>();
  public final List<ReconcilePlan.Timer> timers = new ArrayList<>();
}
