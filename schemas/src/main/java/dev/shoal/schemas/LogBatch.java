package dev.shoal.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Output lines of one task, as its agent shipped them: value of {@code shoal.logs}, key = task id.
 * An agent sends a task's batches in order and one at a time, so a task's lines are in order in its
 * partition.
 *
 * <p>Each line carries its place in the task's output ({@link Line#pos}): a number that grows along
 * each stream. An agent resumes after a restart from the last place Kafka acknowledged, so a batch
 * may be sent twice but never skipped; a reader drops a line whose {@code pos} is not beyond the last
 * one it read of that task's stream, and so reads each line once.
 *
 * @param taskId the task whose output this is (also the record key)
 * @param nodeId the node that ran it
 * @param lines in the order the task wrote them, per stream; never empty
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LogBatch(String taskId, String nodeId, List<Line> lines) {
  /** The largest record value an agent writes: well below the topic's and the broker's 1 MiB. */
  public static final int MAX_BYTES = 256 * 1024;
  /** Longer lines are cut to this many bytes of UTF-8 and say so ({@link #cutNote}). */
  public static final int MAX_LINE_BYTES = 16 * 1024;
  /** Room for a cut line's note, on top of {@link #MAX_LINE_BYTES}. */
  public static final int MAX_NOTE_BYTES = 256;
  public static final String STDOUT = "stdout";
  public static final String STDERR = "stderr";

  public LogBatch {
    lines = lines == null ? List.of() : List.copyOf(lines);
  }

  /**
   * One line of output, without its line feed.
   *
   * @param time when the agent (process runtime) or the engine (Docker) read it, epoch nanoseconds
   * @param stream {@link #STDOUT} or {@link #STDERR}
   * @param text the line as UTF-8 text (invalid bytes replaced)
   * @param pos where the line ends in its stream: a byte offset (process runtime) or the engine's
   *     timestamp (Docker); grows along the stream
   * @param marker true for a line the agent wrote about the output (lines dropped by the rate limit),
   *     null for the task's own
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Line(long time, String stream, String text, long pos, Boolean marker) {
    public static Line of(long time, String stream, String text, long pos) {
      return new Line(time, stream, text, pos, null);
    }

    public boolean isMarker() {
      return Boolean.TRUE.equals(marker);
    }
  }

  /** What a cut line ends with: the bytes it lost. */
  public static String cutNote(long droppedBytes) {
    return " … [line cut: " + droppedBytes + " more bytes]";
  }

  /** The marker line for lines a rate limit dropped. */
  public static String droppedNote(long lines, long bytes) {
    return "… " + lines + " lines dropped by rate limit (" + bytes + " bytes)";
  }

  /** The marker line for output skipped unread, because the task wrote faster than its agent could read. */
  public static String skippedNote(long bytes) {
    return "… " + bytes + " bytes dropped by rate limit without reading them (the task writes faster than its "
        + "agent reads)";
  }
}
