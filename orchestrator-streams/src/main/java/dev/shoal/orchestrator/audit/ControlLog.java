package dev.shoal.orchestrator.audit;

import java.util.List;
import java.util.Optional;

/**
 * The control log ({@code shoal.control}, one partition) as replay reads it: committed records only,
 * in offset order, up to the end it had when opened (later decisions are not part of this run).
 */
public interface ControlLog {
  /** The first offset still in the log (0 unless records were deleted). */
  long startOffset();

  /** The offset after the last committed record when the log was opened. */
  long endOffset();

  /** Positions the reader at {@code offset}; {@link #next} then returns records from there. */
  void seek(long offset);

  /** The next records (empty at {@link #endOffset}). */
  List<LogRecord> next();

  /** The record at {@code offset}, if it is still there (to check a snapshot against the log). */
  Optional<LogRecord> at(long offset);

  /** The offset of the first record with a timestamp at or after {@code time}, or {@link #endOffset}. */
  long offsetForTime(long time);
}
