package dev.shoal.agent.runtime;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * A task's output, read a little at a time by one thread (the log shipper's). Never blocks: it hands
 * over what is there.
 */
public interface OutputReader extends Closeable {

  /** What was written since the last call, in order per stream, about {@code maxBytes} at most. */
  List<OutputPiece> read(int maxBytes) throws IOException;

  /** True once the task has ended and everything it wrote was read: {@link #read} returns nothing more. */
  boolean ended();

  /**
   * Output waiting to be read beyond {@code limit} bytes per stream is skipped unread (each stream
   * then resumes at its next line): what a task writes faster than the agent can read is not worth
   * the agent's time. Returns what was skipped; readers that cannot tell their backlog skip nothing.
   */
  default List<Skipped> skipBacklog(long limit) throws IOException {
    return List.of();
  }

  /** Bytes of one stream skipped unread, up to {@code pos}. */
  record Skipped(String stream, long bytes, long pos) {}

  @Override
  void close();
}
