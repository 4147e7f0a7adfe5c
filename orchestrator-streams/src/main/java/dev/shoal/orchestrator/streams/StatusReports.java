package dev.shoal.orchestrator.streams;

import dev.shoal.schemas.Json;
import dev.shoal.schemas.Limits;
import dev.shoal.schemas.RejectionCode;
import dev.shoal.schemas.TaskStatus;
import dev.shoal.schemas.TaskStatusBatch;
import dev.shoal.schemas.TaskStatusRecords;
import dev.shoal.schemas.Validated;
import dev.shoal.schemas.Utf8;

/**
 * Reads a record of {@code shoal.task-status}, which holds either a single signed {@link TaskStatus}
 * (older agents, any Kafka client) or a signed {@link TaskStatusBatch} (agents now): told apart by
 * shape ({@link TaskStatusRecords#isBatch}), then parsed as exactly that type. Each
 * shape has its size limit; the record as a whole was already held to the larger one.
 */
final class StatusReports {
  private StatusReports() {}

  /** The status or batch of {@code text}; refused when a single status is over its limit. */
  static Validated<Object> read(String text) {
    if (TaskStatusRecords.isBatch(text)) {
      return Validated.ok(Json.fromString(text, TaskStatusBatch.class));
    }
    if (Utf8.longerThan(text, Limits.MAX_STATUS_BYTES)) {
      return Validated.refused(RejectionCode.TOO_LARGE, "a TaskStatus record is at most " + Limits.MAX_STATUS_BYTES
          + " bytes (a TaskStatusBatch at most " + Limits.MAX_STATUS_BATCH_BYTES + ")");
    }
    return Validated.ok(Json.fromString(text, TaskStatus.class));
  }
}
