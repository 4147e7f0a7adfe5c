package dev.shoal.orchestrator.streams;

import dev.shoal.schemas.HashChain;
import dev.shoal.schemas.NodeHeartbeat;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a chained heartbeat ({@link NodeHeartbeat#chained()}: a hash-chain element instead of a
 * signature) comes from the node it names, now. The chain's top was signed by the node's key in an
 * anchor heartbeat that {@link HeartbeatCheck} accepted; what liveness remembers of it is
 * {@link LivenessEntry.Chain}. A chained beat passes only if
 *
 * <ul>
 *   <li>liveness holds an anchor of the node's chain, of the same boot, made with the node's recorded
 *       key (a liveness that lost its state refuses chained beats until the node's next anchor);</li>
 *   <li>its index is 1 to {@value #MAX_STEPS} below the last accepted one (an element is used once, so a
 *       copy is a replay; more lost beats than that wait for the next anchor) and its sequence moved by
 *       the same steps (nothing in it is chosen freely by whoever publishes it);</li>
 *   <li>it changes nothing: no description, or the anchor's (a change takes a signed heartbeat);</li>
 *   <li>its broker append time is within {@link HeartbeatCheck#MAX_SKEW} of its due time (the anchor's
 *       signed send time plus one signed interval per step): a beat withheld and published later
 *       keeps nobody up, exactly as a signed heartbeat's send time bounds it;</li>
 *   <li>hashing its element that many times gives the last accepted element.</li>
 * </ul>
 *
 * Pure: no Kafka, no clock (the broker's time comes in). Cheap checks first, hashing last.
 */
final class HeartbeatChain {
  /** Most steps down the chain one beat may take: 15 lost beats in a row (agents re-anchor after 8 unacknowledged). */
  static final int MAX_STEPS = 16;

  private HeartbeatChain() {}

  /**
   * Why chained {@code hb} must be refused, or empty.
   *
   * @param recordedKey the node's key as recorded by the orchestrator, null when not known (yet)
   * @param before what liveness remembers of the node, or null
   * @param appendTime the broker's append time of the heartbeat
   */
  static Optional<String> refusal(NodeHeartbeat hb, String recordedKey, LivenessEntry before, long appendTime) {
    String node = hb.nodeId();
    if (before == null || before.chain() == null || before.publicKey() == null) {
      return Optional.of("chained heartbeat for node " + node + ", but liveness holds no anchor of its chain (a"
          + " liveness that lost its state, or an anchor that was refused): refused until the node's next signed"
          + " heartbeat");
    }
    if (recordedKey != null && !recordedKey.equals(before.publicKey())) {
      return Optional.of("chained heartbeat for node " + node + " continues a chain anchored with a key other than"
          + " the node's");
    }
    if (!Objects.equals(hb.boot(), before.boot())) {
      return Optional.of("chained heartbeat for node " + node + " is of boot " + hb.boot() + ", its chain was anchored"
          + " in boot " + before.boot());
    }
    LivenessEntry.Chain chain = before.chain();
    int steps = chain.index() - hb.chainIndex();
    if (steps < 1) {
      return Optional.of("replayed chained heartbeat for node " + node + ": element " + hb.chainIndex()
          + " is not below the last accepted (" + chain.index() + ")");
    }
    if (steps > MAX_STEPS) {
      return Optional.of("chained heartbeat for node " + node + " is " + steps + " steps below the last accepted"
          + " element (at most " + MAX_STEPS + "): too many beats lost, refused until the node's next signed heartbeat");
    }
    if (hb.sequence() != before.sequence() + steps) {
      return Optional.of("chained heartbeat for node " + node + " has sequence " + hb.sequence() + ", its element"
          + " says " + (before.sequence() + steps));
    }
    if (hb.description() != null && !hb.description().equals(before.description())) {
      return Optional.of("chained heartbeat for node " + node + " changes the node's description: that takes a"
          + " signed heartbeat");
    }
    long due = chain.dueTime(hb.chainIndex());
    long skew = Math.abs(appendTime - due);
    if (skew > HeartbeatCheck.MAX_SKEW.toMillis()) {
      return Optional.of("chained heartbeat for node " + node + " was stored " + skew + " ms from when it was due"
          + " (at most " + HeartbeatCheck.MAX_SKEW.toMillis() + " ms): a stale copy, or the node's clock is off");
    }
    if (!HashChain.leadsTo(hb.chainElement(), steps, chain.element())) {
      return Optional.of("chained heartbeat for node " + node + " has an element that does not hash to its chain");
    }
    return Optional.empty();
  }
}
