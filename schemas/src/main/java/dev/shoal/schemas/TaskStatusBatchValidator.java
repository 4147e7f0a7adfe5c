package dev.shoal.schemas;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks an agent's batch of task statuses ({@link TaskStatusBatch}) before it becomes a decision:
 * its node id, order and size, and each status as {@link TaskStatusValidator} checks a single one.
 * A batch is refused whole, with the reason naming the status, when any status in it is refused:
 * one signature covers all of them, so a batch with a bad part is not what its node signed or not
 * what its agent should have sent, and applying part of it would be applying something nobody sent.
 */
public final class TaskStatusBatchValidator {
  private TaskStatusBatchValidator() {}

  public static Validated<TaskStatusBatch> validate(TaskStatusBatch b) {
    if (b == null || b.nodeId() == null || b.boot() == null || b.sequence() == null || b.statuses() == null) {
      return invalid("a task status batch needs nodeId, boot, sequence and statuses");
    }
    if (!Identifiers.id(b.nodeId())) {
      return invalid("nodeId must be an id (letters, digits, _ . -; at most 128)");
    }
    int n = b.statuses().size();
    if (n == 0) {
      return invalid("a task status batch carries at least one status");
    }
    if (n > Limits.MAX_STATUS_BATCH) {
      return Validated.refused(RejectionCode.TOO_LARGE, "a task status batch carries at most " + Limits.MAX_STATUS_BATCH
          + " statuses, not " + n);
    }
    if (b.boot() < 0 || b.sequence() < 0 || b.sequence() > Long.MAX_VALUE - n) {
      return invalid("boot and sequence must be 0 or more, and sequence + statuses within a long");
    }
    if (b.signature() != null && b.signature().length() > NodeSignatures.MAX_TEXT) {
      return invalid("a signature is at most " + NodeSignatures.MAX_TEXT + " characters");
    }
    List<TaskStatus> kept = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      TaskStatus s = b.statuses().get(i);
      String which = "status " + i + (s != null && Identifiers.id(s.taskId()) ? " (task " + s.taskId() + ")" : "");
      if (s == null) {
        return invalid(which + " is empty");
      }
      if (s.nodeId() != null || s.boot() != null || s.sequence() != null || s.signature() != null) {
        return invalid(which + ": a status in a batch carries no nodeId, boot, sequence or signature of its own"
            + " (the batch's are its)");
      }
      Validated<TaskStatus> v = TaskStatusValidator.validate(b.status(i));
      if (!v.valid()) {
        return Validated.refused(v.code(), which + ": " + v.reason());
      }
      TaskStatus c = v.value();
      kept.add(new TaskStatus(c.taskId(), null, c.state(), c.message(), c.error(), c.exitCode(), c.endpoint(),
          c.ports(), c.health(), c.containerId(), c.timestamp()));
    }
    return Validated.ok(new TaskStatusBatch(b.nodeId(), b.boot(), b.sequence(), List.copyOf(kept), b.signature()));
  }

  private static Validated<TaskStatusBatch> invalid(String reason) {
    return Validated.refused(RejectionCode.INVALID, reason);
  }
}
