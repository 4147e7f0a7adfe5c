package dev.shoal.orchestrator.audit;

import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.TaskStatus;

/**
 * A control-log record made ready for {@link Replayer#apply}: its message read (or why it cannot be
 * read), and, for a task status, the verdict on its signature under the key its node most likely
 * has ({@link ControlReadAhead} reads and checks ahead, on other threads). What the decision then
 * asks of the signature it answers from the verdict when the status and key are these very ones,
 * and checks itself otherwise, so a wrong guess of the key costs time, never a different decision.
 */
public record ReplayInput(LogRecord record, ControlMessage message, String unreadable, CheckedSignature signature) {

  /**
   * {@code signed} (a {@link TaskStatus} or a {@link dev.shoal.schemas.TaskStatusBatch}) is signed by
   * {@code publicKey} ({@code valid}) or not: a verdict of {@link dev.shoal.schemas.NodeSignatures}.
   */
  public record CheckedSignature(Object signed, String publicKey, boolean valid) {}

  /** {@code r} read here and now, with no verdict checked ahead. */
  public static ReplayInput read(LogRecord r) {
    try {
      return new ReplayInput(r, Json.fromBytes(r.value(), ControlMessage.class), null, null);
    } catch (RuntimeException e) {
      return new ReplayInput(r, null, "the recorded input cannot be read: " + e.getMessage(), null);
    }
  }

  /** This input with {@code checked}, the verdict on its task status's signature. */
  ReplayInput with(CheckedSignature checked) {
    return new ReplayInput(record, message, unreadable, checked);
  }
}
