package dev.shoal.ops.stack;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Finds the processes of process-driver tasks on this machine by a marker in their argv, and the
 * slot and node each one runs for: arguments {@code slot-<n>} and {@code node-<id>}, which the agent
 * writes in when the spec says {@code slot-${SHOAL_TASK_SLOT}} and {@code node-${SHOAL_NODE_ID}}
 * ({@link #ARGS}). This looks at the machine, not at what the agents report: it sees a stale copy
 * that no agent reports any more.
 */
public final class TaskProcesses {
  /** Arguments to put in a task's argv so that its slot and node can be read off the process. */
  public static final List<String> ARGS = List.of("slot-${SHOAL_TASK_SLOT}", "node-${SHOAL_NODE_ID}");

  private TaskProcesses() {}

  /** How many processes with {@code marker} run for the node {@code nodeId}. */
  public static long onNode(String marker, String nodeId) {
    return withArgument(marker).stream().filter(p -> arguments(p).contains("node-" + nodeId)).count();
  }

  /** Running processes with {@code marker} as one of their arguments. */
  public static List<ProcessHandle> withArgument(String marker) {
    return ProcessHandle.allProcesses().filter(p -> arguments(p).contains(marker)).toList();
  }

  /** How many processes with {@code marker} run each slot. */
  public static Map<Integer, Integer> perSlot(String marker) {
    Map<Integer, Integer> slots = new TreeMap<>();
    for (ProcessHandle p : withArgument(marker)) {
      slot(p).ifPresent(s -> slots.merge(s, 1, Integer::sum));
    }
    return slots;
  }

  /** SIGKILLs every process with {@code marker} and its children: clean-up after tasks whose agent was killed for good. */
  public static int killAll(String marker) {
    List<ProcessHandle> found = withArgument(marker);
    for (ProcessHandle p : found) {
      // Children first: once the parent is gone they are no longer its descendants.
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    return found.size();
  }

  static Optional<Integer> slot(ProcessHandle p) {
    for (String a : arguments(p)) {
      if (a.startsWith("slot-")) {
        try {
          return Optional.of(Integer.parseInt(a.substring(5)));
        } catch (NumberFormatException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  private static List<String> arguments(ProcessHandle p) {
    return p.info().arguments().map(List::of).orElse(List.of());
  }
}
