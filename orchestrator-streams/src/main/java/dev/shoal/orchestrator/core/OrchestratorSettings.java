package dev.shoal.orchestrator.core;

/**
 * Tunables of the decision logic. {@code taskHistoryLimit} is how many tasks each slot keeps,
 * the running one included, as Swarm's task history retention limit (default 5).
 */
public record OrchestratorSettings(int taskHistoryLimit) {
  public static final OrchestratorSettings DEFAULTS = new OrchestratorSettings(5);
}
