package dev.shoal.schemas;

import java.util.List;

/**
 * Checks an agent's task status. A status whose essentials are readable (task id, node id, state)
 * is never refused for its texts: a long message or error is cut to {@link Limits#MAX_STATUS_TEXT},
 * because refusing it would leave the task shown in a state it has left.
 */
public final class TaskStatusValidator {
  private static final int MAX_PORTS = 100;

  private TaskStatusValidator() {}

  public static Validated<TaskStatus> validate(TaskStatus s) {
    if (s == null || s.taskId() == null || s.nodeId() == null || s.state() == null) {
      return Validated.refused(RejectionCode.INVALID, "a task status needs taskId, nodeId and state");
    }
    if (!Identifiers.id(s.taskId()) || !Identifiers.id(s.nodeId())) {
      return Validated.refused(RejectionCode.INVALID, "taskId and nodeId must be ids (letters, digits, _ . -; at most 128)");
    }
    List<TaskStatus.PortBinding> ports = s.ports();
    if (ports != null && ports.size() > MAX_PORTS) {
      ports = ports.subList(0, MAX_PORTS);
    }
    if (tooLong(s.signature()) || (s.boot() != null && s.boot() < 0) || (s.sequence() != null && s.sequence() < 0)) {
      return Validated.refused(RejectionCode.INVALID, "boot and sequence must be 0 or more, a signature at most "
          + NodeSignatures.MAX_TEXT + " characters");
    }
    // A cut status no longer matches its signature: the agent cuts first (StatusLimits), so only a
    // status that was not within limits when signed is refused for it, later, as unauthenticated.
    return Validated.ok(new TaskStatus(s.taskId(), s.nodeId(), s.state(), cut(s.message()), cut(s.error()),
        s.exitCode(), cut(s.endpoint()), ports, cut(s.health()), cut(s.containerId()), s.timestamp(), s.boot(),
        s.sequence(), s.signature()));
  }

  private static boolean tooLong(String text) {
    return text != null && text.length() > NodeSignatures.MAX_TEXT;
  }

  /** Keeps the start of a long text and marks the cut. */
  public static String cut(String text) {
    if (text == null || text.length() <= Limits.MAX_STATUS_TEXT) {
      return text;
    }
    return text.substring(0, Limits.MAX_STATUS_TEXT - 1) + "…";
  }
}
