package dev.shoal.agent;

import dev.shoal.schemas.Json;
import dev.shoal.schemas.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Keeps every task status the agent sends within the limits the orchestrator's intake enforces, so
 * that none is refused for its size (and a task's end is never lost to a long error text). Free text
 * ({@code message}, {@code error}) is cut to {@value #MAX_TEXT} characters, keeping its start; runtime
 * handles ({@code endpoint}, {@code health}, {@code containerId}) to {@value #MAX_HANDLE}; and a task
 * with very many ports reports the first ones that fit in {@value #MAX_BYTES} bytes of JSON, well under
 * the 256 KiB a batch of statuses may have ({@link dev.shoal.schemas.Limits#MAX_STATUS_BATCH_BYTES}).
 */
final class StatusLimits {
  static final int MAX_TEXT = 1024;
  static final int MAX_HANDLE = 256;
  static final int MAX_BYTES = 32 * 1024;
  static final String ELLIPSIS = "…";

  private StatusLimits() {}

  /** {@code s} if it is within limits, else a copy cut down to them. */
  static TaskStatus bound(TaskStatus s) {
    TaskStatus out = new TaskStatus(s.taskId(), s.nodeId(), s.state(), cut(s.message(), MAX_TEXT),
        cut(s.error(), MAX_TEXT), s.exitCode(), cut(s.endpoint(), MAX_HANDLE), s.ports(), cut(s.health(), MAX_HANDLE),
        cut(s.containerId(), MAX_HANDLE), s.timestamp());
    if (out.ports() == null || size(out) <= MAX_BYTES) {
      return out.equals(s) ? s : out;
    }
    // The longest prefix of the ports that fits, by bisection: a few serialisations even for thousands.
    List<TaskStatus.PortBinding> ports = out.ports();
    int fits = 0;
    int tooMany = ports.size();
    while (tooMany - fits > 1) {
      int mid = (fits + tooMany) >>> 1;
      if (size(withPorts(out, ports.subList(0, mid))) <= MAX_BYTES) {
        fits = mid;
      } else {
        tooMany = mid;
      }
    }
    return withPorts(out, fits == 0 ? null : List.copyOf(ports.subList(0, fits)));
  }

  /**
   * At most {@code max} UTF-16 characters: the start of {@code text} and an ellipsis. Never splits a
   * surrogate pair, so what is sent is still valid text.
   */
  static String cut(String text, int max) {
    if (text == null || text.length() <= max) {
      return text;
    }
    int end = max - ELLIPSIS.length();
    if (Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end) + ELLIPSIS;
  }

  static int size(TaskStatus s) {
    return Json.toString(s).getBytes(StandardCharsets.UTF_8).length;
  }

  private static TaskStatus withPorts(TaskStatus s, List<TaskStatus.PortBinding> ports) {
    return new TaskStatus(s.taskId(), s.nodeId(), s.state(), s.message(), s.error(), s.exitCode(), s.endpoint(),
        ports, s.health(), s.containerId(), s.timestamp());
  }
}
