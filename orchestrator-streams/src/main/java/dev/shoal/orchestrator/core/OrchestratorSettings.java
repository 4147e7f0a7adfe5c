package dev.shoal.orchestrator.core;

import dev.shoal.schemas.Limits;

/**
 * Tunables of the decision logic. {@code taskHistoryLimit} is how many tasks each slot keeps,
 * the running one included, as Swarm's task history retention limit (default 5).
 * {@code maxOutputRecordBytes} is the largest record a decision may publish: a decision that would
 * publish more is quarantined. Keep it below the brokers' {@code max.message.bytes} (1 MiB by default).
 */
public record OrchestratorSettings(int taskHistoryLimit, int maxOutputRecordBytes) {
  public static final OrchestratorSettings DEFAULTS = new OrchestratorSettings(5, Limits.MAX_OUTPUT_RECORD_BYTES);

  public OrchestratorSettings(int taskHistoryLimit) {
    this(taskHistoryLimit, Limits.MAX_OUTPUT_RECORD_BYTES);
  }
}
