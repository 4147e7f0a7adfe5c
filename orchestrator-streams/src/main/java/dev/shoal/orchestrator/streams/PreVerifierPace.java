package dev.shoal.orchestrator.streams;

/**
 * How far ahead of the reader it works for a pre-verifier may check ({@link SignaturePreVerifier},
 * heartbeats): within {@code ahead} records of the next record that reader (liveness) will process.
 *
 * <p>Why: checks made ahead are remembered in a bounded memory ({@code NodeSignatures}, 20,000
 * heartbeats) that starts over when full. A pre-verifier running freely from the log's end while
 * liveness lags further behind than that memory fills it with checks that are forgotten before
 * liveness reaches them: both threads then check every signature, twice the CPU exactly when CPU is
 * short, and liveness falls further behind (at 1,000 nodes it stalled and declared live nodes down).
 * Paced to half the memory, every check made ahead is still there when liveness comes to it; and a
 * pre-verifier that finds itself behind liveness jumps to it, since checking what liveness has
 * already read helps nobody.
 *
 * <p>Pure: offsets in, a step out.
 */
final class PreVerifierPace {
  /** An offset not known: the reader has processed nothing here yet, or the pre-verifier is not placed. */
  static final long UNKNOWN = -1;

  /** What the pre-verifier does next. */
  sealed interface Step permits Wait, SeekTo, Read {}

  /** Nothing to do now: the reader's position is not known, or the pre-verifier is far enough ahead. */
  record Wait() implements Step {}

  /** Move to {@code offset} (the reader's position) before reading on. */
  record SeekTo(long offset) implements Step {}

  /** Check records from the current position up to, not including, {@code end}. */
  record Read(long end) implements Step {}

  private static final Wait WAIT = new Wait();

  private final long ahead;

  /** @param ahead how many records past the reader's position the pre-verifier may check */
  PreVerifierPace(long ahead) {
    if (ahead < 1) {
      throw new IllegalArgumentException("a pre-verifier must be allowed at least one record ahead, not " + ahead);
    }
    this.ahead = ahead;
  }

  long ahead() {
    return ahead;
  }

  /**
   * @param position the pre-verifier's next offset, or {@link #UNKNOWN} when it has just taken up the log
   * @param reader the next offset the reader will process, or {@link #UNKNOWN}
   */
  Step next(long position, long reader) {
    if (reader == UNKNOWN) {
      return WAIT;
    }
    if (position == UNKNOWN || position < reader) {
      return new SeekTo(reader);
    }
    long end = reader + ahead;
    return position < end ? new Read(end) : WAIT;
  }

  /**
   * Whether the record at {@code offset}, in a batch already fetched, is worth checking now: the
   * reader (which may have moved on since the batch was fetched) has not processed it.
   */
  static boolean unread(long offset, long reader) {
    return reader != UNKNOWN && offset >= reader;
  }
}
