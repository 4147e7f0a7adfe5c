package dev.shoal.orchestrator.streams;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How far a stream task of this instance has processed its one input partition (liveness: the
 * heartbeat log), published for a helper thread of the same instance (the heartbeat pre-verifier,
 * {@link PreVerifierPace}) without a round trip to the broker. Advice only: nothing is decided by it.
 */
final class ProcessedOffset {
  private final AtomicLong next = new AtomicLong(PreVerifierPace.UNKNOWN);

  /** The task has processed the record at {@code offset}. */
  void processed(long offset) {
    next.set(offset + 1);
  }

  /** The task (re)starts here: where it will read from is not known until it processes a record. */
  void restarted() {
    next.set(PreVerifierPace.UNKNOWN);
  }

  /** The next offset the task will process, or {@link PreVerifierPace#UNKNOWN}. */
  long next() {
    return next.get();
  }
}
