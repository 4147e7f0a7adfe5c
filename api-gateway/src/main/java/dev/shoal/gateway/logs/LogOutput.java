package dev.shoal.gateway.logs;

import dev.shoal.schemas.LogBatch;
import java.io.IOException;

/** Where a reader writes the lines it found, in one of the response formats. */
interface LogOutput {
  /** A line of a task's output (or a marker line its agent wrote). */
  void line(LogTask task, LogBatch.Line line) throws IOException;

  /** A word from the gateway itself: why the response stops short ({@code task} is the first one asked for). */
  void note(LogTask task, String text) throws IOException;

  /** Sends what was written so far to the client. */
  void flush() throws IOException;
}
