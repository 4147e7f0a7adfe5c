package dev.shoal.agent.runtime;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * How the log shipper ({@code dev.shoal.agent.logs}) reads what a runtime's tasks write, stdout
 * and stderr apart, from where it left off. A runtime offers it through {@link ContainerRuntime#outputs()}.
 */
public interface TaskOutputs {

  /**
   * The node's tasks whose output can be read now: running, or ended and not removed yet. Answers
   * from what the runtime holds in memory (no engine call), so the shipper may ask often.
   */
  List<RuntimeTask> readable(String nodeId);

  /**
   * Opens a task's output after {@code from}: per stream ({@code stdout}, {@code stderr}), the
   * {@link OutputPiece#pos} of the last piece already shipped; a stream not in the map is read from
   * its start.
   *
   * @throws IOException when the task is unknown or its output cannot be opened
   */
  OutputReader open(String taskId, Map<String, Long> from) throws IOException;
}
