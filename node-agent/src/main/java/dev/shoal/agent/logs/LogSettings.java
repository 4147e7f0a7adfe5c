package dev.shoal.agent.logs;

import dev.shoal.schemas.LogBatch;
import java.time.Duration;

/**
 * How an agent ships its tasks' output: the rate limits each task gets (lines and bytes per second,
 * each with a burst), the longest line, and how much work one task may cost the shipper per tick.
 * The values and their reasons are in {@code docs/limits.md}.
 *
 * @param linesPerSecond lines a task may ship per second, sustained
 * @param lineBurst lines it may ship at once after a quiet while (a task's start-up output, a stack trace)
 * @param bytesPerSecond bytes of text it may ship per second, sustained
 * @param byteBurst bytes it may ship at once
 * @param maxLineBytes longer lines are cut to this
 * @param tick how often the shipper reads every task's output
 * @param readPerTick bytes the shipper reads of one task per tick at most
 * @param readPerTickAllTasks bytes it reads of all tasks together per tick at most
 * @param maxBacklog output waiting beyond this many bytes per stream is skipped unread
 * @param drainTimeout how long a closing agent waits for the output of its stopped tasks to be shipped
 */
public record LogSettings(long linesPerSecond, long lineBurst, long bytesPerSecond, long byteBurst, int maxLineBytes,
                          Duration tick, int readPerTick, int readPerTickAllTasks, long maxBacklog,
                          Duration drainTimeout) {
  public static final LogSettings DEFAULTS = new LogSettings(1_000, 10_000, 1024 * 1024, 4 * 1024 * 1024,
      LogBatch.MAX_LINE_BYTES, Duration.ofMillis(100), 256 * 1024, 4 * 1024 * 1024, 64L * 1024 * 1024,
      Duration.ofSeconds(3));

  public LogSettings {
    if (linesPerSecond <= 0 || lineBurst < linesPerSecond || bytesPerSecond <= 0 || byteBurst < bytesPerSecond) {
      throw new IllegalArgumentException("rates must be positive and bursts at least one second of their rate");
    }
    if (maxLineBytes < 1 || maxLineBytes > LogBatch.MAX_LINE_BYTES) {
      throw new IllegalArgumentException("maxLineBytes must be 1.." + LogBatch.MAX_LINE_BYTES);
    }
    if (byteBurst < maxLineBytes) {
      throw new IllegalArgumentException("byteBurst must hold a line of maxLineBytes");
    }
    if (readPerTick < 1 || readPerTickAllTasks < readPerTick || maxBacklog < readPerTick) {
      throw new IllegalArgumentException("read budgets must be positive and nested");
    }
  }

  /** These settings with other rate limits (tests use small ones). */
  public LogSettings withRates(long lines, long lineBurst, long bytes, long byteBurst) {
    return new LogSettings(lines, lineBurst, bytes, byteBurst, maxLineBytes, tick, readPerTick, readPerTickAllTasks,
        maxBacklog, drainTimeout);
  }

  public LogSettings withMaxLineBytes(int max) {
    return new LogSettings(linesPerSecond, lineBurst, bytesPerSecond, byteBurst, max, tick, readPerTick,
        readPerTickAllTasks, maxBacklog, drainTimeout);
  }

  public LogSettings withDrainTimeout(Duration d) {
    return new LogSettings(linesPerSecond, lineBurst, bytesPerSecond, byteBurst, maxLineBytes, tick, readPerTick,
        readPerTickAllTasks, maxBacklog, d);
  }
}
