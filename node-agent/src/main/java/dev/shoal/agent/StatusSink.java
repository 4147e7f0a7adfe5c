package dev.shoal.agent;

import dev.shoal.schemas.TaskStatus;
import java.util.concurrent.CompletableFuture;

/** Where task statuses go (the task-status topic); must not block the caller. */
@FunctionalInterface
interface StatusSink {
  /** Completes when the status is stored, exceptionally when it could not be. */
  CompletableFuture<?> send(TaskStatus status);
}
