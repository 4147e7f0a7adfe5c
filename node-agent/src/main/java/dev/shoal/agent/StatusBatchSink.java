package dev.shoal.agent;

import dev.shoal.schemas.TaskStatus;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Where batches of task statuses go (the task-status topic, signed); must not block the caller. */
@FunctionalInterface
interface StatusBatchSink {
  /** Completes when every status of {@code statuses} (in this order) is stored, exceptionally when one could not be. */
  CompletableFuture<?> send(List<TaskStatus> statuses);
}
