package dev.shoal.schemas;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.util.ArrayList;
import java.util.List;

/**
 * The two shapes of a {@code shoal.task-status} record value: a single {@link TaskStatus} or a
 * {@link TaskStatusBatch}, told apart by a top-level {@code statuses} field. For every reader of the
 * topic (the intake, the pre-verifier, tests and benches that watch statuses).
 */
public final class TaskStatusRecords {
  private TaskStatusRecords() {}

  /**
   * Whether {@code text} is a JSON object with a top-level {@code statuses} field: one pass over the
   * tokens, values skipped, stopping at that field (a batch writes it after three short fields).
   * Anything that is not a JSON object is not a batch.
   */
  public static boolean isBatch(String text) {
    try (JsonParser p = Json.MAPPER.getFactory().createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        if ("statuses".equals(p.currentName())) {
          return true;
        }
        p.nextToken();
        p.skipChildren();
      }
      return false;
    } catch (java.io.IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * The statuses a record carries, each as the decision applies it (a batch's with its node id, boot
   * and sequence, {@link TaskStatusBatch#status}); throws for a record of neither shape.
   */
  public static List<TaskStatus> statuses(String text) {
    if (!isBatch(text)) {
      return List.of(Json.fromString(text, TaskStatus.class));
    }
    TaskStatusBatch b = Json.fromString(text, TaskStatusBatch.class);
    List<TaskStatus> out = new ArrayList<>(b.size());
    for (int i = 0; i < b.size(); i++) {
      out.add(b.status(i));
    }
    return out;
  }
}
