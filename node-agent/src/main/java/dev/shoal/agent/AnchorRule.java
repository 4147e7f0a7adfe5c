package dev.shoal.agent;

import java.time.Duration;

/**
 * When the agent's next heartbeat must be a signed anchor of a new hash chain
 * ({@link dev.shoal.schemas.HashChain}) rather than the next chained beat. Liveness accepts a chained
 * beat only within its due time (anchor time + beats × interval, ± 60 s), at most 16 steps below the
 * last element it accepted, and only while it holds the anchor: so the agent anchors again before any
 * of these could fail, and the cost stays one signature per {@link #CHAIN_LENGTH} beats. Pure.
 */
final class AnchorRule {
  /**
   * Beats per chain after its anchor: 10 minutes at 1 s, 5 at 500 ms. A hundredth of a second of
   * hashing per chain, one signature per 600 beats instead of each; and it bounds how long a liveness
   * that lost its state refuses the chained beats of a node (until its next anchor).
   */
  static final int CHAIN_LENGTH = 600;
  /**
   * How far the agent's own schedule may drift from the chain's due times before it anchors anew. The
   * schedule is a fixed delay, so every beat is a little late (the beat's own work, the thread's
   * wake-up); liveness allows 60 s between due time and append time, of which this leaves 55 s for the
   * node's clock against the broker's.
   */
  static final Duration MAX_DRIFT = Duration.ofSeconds(5);
  /**
   * Beats sent and not acknowledged before the agent anchors anew. Liveness takes at most 16 steps at
   * once; a beat Kafka did not acknowledge may be lost, and after more lost beats than that only an
   * anchor would bring the node back.
   */
  static final int MAX_UNACKNOWLEDGED = 8;

  private AnchorRule() {}

  /**
   * @param beatsSinceAnchor the next beat's number after the current anchor (1 for the first chained
   *     beat), or 0 when there is no chain yet (this start's first beat)
   * @param anchorTime the current anchor's send time (the agent's clock)
   * @param now the next beat's send time
   * @param unacknowledged beats sent since the last acknowledged one
   */
  static boolean anchorDue(long beatsSinceAnchor, long anchorTime, long intervalMs, long now, long unacknowledged) {
    if (beatsSinceAnchor < 1 || beatsSinceAnchor > CHAIN_LENGTH) {
      return true;
    }
    long due = anchorTime + beatsSinceAnchor * intervalMs;
    return Math.abs(now - due) > MAX_DRIFT.toMillis() || unacknowledged > MAX_UNACKNOWLEDGED;
  }
}
