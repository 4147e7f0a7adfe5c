package dev.shoal.orchestrator.streams;

import dev.shoal.schemas.NodeDescription;

/**
 * What liveness remembers of a node: last accepted heartbeat time (broker time), its boot and
 * sequence (the next one must come after them), up or not, its description, and the key it was
 * signed with (the order is kept per key, so heartbeats signed by someone else cannot move it).
 * {@code boot} and {@code publicKey} are null in entries written before heartbeats were signed.
 *
 * <p>{@code chain} is the node's current hash chain ({@link HeartbeatChain}) as far as it was accepted:
 * null until a signed anchor of the node's current boot was accepted (and in entries written before
 * chains existed), and after a signed heartbeat without a chain. Kept in the changelogged store so a
 * restarted or moved liveness goes on accepting the chain.
 */
public record LivenessEntry(long lastSeen, long sequence, boolean up, NodeDescription description, Long boot,
                            String publicKey, Chain chain) {

  LivenessEntry(long lastSeen, long sequence, boolean up, NodeDescription description, Long boot, String publicKey) {
    this(lastSeen, sequence, up, description, boot, publicKey, null);
  }

  LivenessEntry down() {
    return new LivenessEntry(lastSeen, sequence, false, description, boot, publicKey, chain);
  }

  /**
   * A chain as accepted so far: {@code element} = c_{@code index}, the last element accepted (the top
   * c_N at first); {@code length} N, {@code anchorTime} (the anchor's signed send time) and
   * {@code intervalMs} as the signed anchor announced them, which fix every element's due time.
   */
  public record Chain(String element, int index, int length, long anchorTime, long intervalMs) {

    /** When c_{@code i} is due: the anchor's send time plus one interval per beat since. */
    long dueTime(int i) {
      return anchorTime + (long) (length - i) * intervalMs;
    }

    Chain advancedTo(String element, int index) {
      return new Chain(element, index, length, anchorTime, intervalMs);
    }
  }
}
