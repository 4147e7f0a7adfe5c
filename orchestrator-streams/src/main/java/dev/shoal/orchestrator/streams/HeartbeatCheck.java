package dev.shoal.orchestrator.streams;

import dev.shoal.schemas.NodeHeartbeat;
import dev.shoal.schemas.NodeSignatures;
import java.time.Duration;
import java.util.Optional;

/**
 * Whether a heartbeat comes from the node it names, now: liveness counts only heartbeats that pass,
 * so a node whose agent died goes down whoever keeps publishing in its name. Input validation, not a
 * decision: the control processor checks the key of every node-up again against the node's record.
 *
 * <ul>
 *   <li>It must be signed ({@link NodeSignatures}) with the node's recorded key. A heartbeat of a node
 *       whose key liveness does not know (not joined yet, or its record not read yet) must verify
 *       with the key it carries: that proves only that the sender holds that key, and the node-up it
 *       makes is judged by the control processor, which admits a new node only with a join proof for
 *       that key and refuses any other key for a known node.</li>
 *   <li>Its {@code (boot, sequence)} must come after the last accepted one for that key: a copy of a
 *       heartbeat already seen is a replay.</li>
 *   <li>Its send time (the node's clock) must be within {@link #MAX_SKEW} of its append time (the
 *       broker's): a copy kept for later, or one replayed to an orchestrator that lost its liveness
 *       state, is refused, and so is a node whose clock is that far off (which its operator must fix).</li>
 * </ul>
 *
 * A signed heartbeat may anchor a hash chain (its signature covers the chain's top, length and beat
 * interval); the node's later chained heartbeats carry no signature and are checked by
 * {@link HeartbeatChain} instead.
 */
final class HeartbeatCheck {
  static final Duration MAX_SKEW = Duration.ofSeconds(60);

  private HeartbeatCheck() {}

  /**
   * Why {@code hb} must be refused, or empty.
   *
   * @param recordedKey the node's key as recorded by the orchestrator, null when not known (yet)
   * @param before what liveness remembers of the node, or null
   * @param appendTime the broker's append time of the heartbeat
   */
  static Optional<String> refusal(NodeHeartbeat hb, String recordedKey, LivenessEntry before, long appendTime) {
    if (hb.chained()) {
      return HeartbeatChain.refusal(hb, recordedKey, before, appendTime);
    }
    if (hb.signature() == null || hb.publicKey() == null || hb.boot() == null) {
      return Optional.of("unsigned heartbeat for node " + hb.nodeId());
    }
    if (recordedKey != null && !recordedKey.equals(hb.publicKey())) {
      return Optional.of("heartbeat for node " + hb.nodeId() + " is signed with a key other than the node's");
    }
    if (!NodeSignatures.verifies(hb, hb.publicKey())) {
      return Optional.of("heartbeat for node " + hb.nodeId() + " has a signature that does not verify");
    }
    long skew = Math.abs(appendTime - hb.timestamp());
    if (skew > MAX_SKEW.toMillis()) {
      return Optional.of("heartbeat for node " + hb.nodeId() + " was sent " + skew + " ms from when the broker stored"
          + " it (at most " + MAX_SKEW.toMillis() + " ms): a stale copy, or the node's clock is off");
    }
    if (before != null && before.boot() != null && hb.publicKey().equals(before.publicKey())
        && !after(hb.boot(), hb.sequence(), before.boot(), before.sequence())) {
      return Optional.of("replayed heartbeat for node " + hb.nodeId() + ": (boot " + hb.boot() + ", sequence "
          + hb.sequence() + ") is not after the last accepted (boot " + before.boot() + ", sequence "
          + before.sequence() + ")");
    }
    return Optional.empty();
  }

  private static boolean after(long boot, long sequence, long lastBoot, long lastSequence) {
    return boot != lastBoot ? boot > lastBoot : sequence > lastSequence;
  }
}
