package dev.shoal.orchestrator.core;

import java.util.ArrayList;
import java.util.List;

/**
 * What a reconciler wants done for one service: tasks to create (in a slot, or for a node),
 * tasks to shut down with the reason, restart decisions to record, and timers to set.
 */
public final class ReconcilePlan {
  /** A new task for {@code slot} (replicated) or {@code nodeId} (global). */
  public record Create(Integer slot, String nodeId, String replaces) {}

  public record Shutdown(String taskId, String reason) {}

  public record Timer(long dueAt, String name, String target) {}

  public record RestartDecision(String key, RestartRecord record) {}

  public final List<Create> creates = new ArrayList<>();
  public final List<Shutdown> shutdowns = new ArrayList<>();
  public final List<RestartDecision> restarts = new ArrayList<>();
  public final List<Timer> timers = new ArrayList<>();
  /** How many slots (or global nodes) the reconciler looked at to make this plan. */
  public int slotsVisited;
}
