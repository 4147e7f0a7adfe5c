package dev.shoal.orchestrator.streams;

import dev.shoal.schemas.NodeDescription;

/**
 * What liveness remembers of a node: last accepted heartbeat time (broker time), its boot and
 * sequence (the next one must come after them), up or not, its description, and the key it was
 * signed with (the order is kept per key, so heartbeats signed by someone else cannot move it).
 * {@code boot} and {@code publicKey} are null in entries written before heartbeats were signed.
 */
public record LivenessEntry(long lastSeen, long sequence, boolean up, NodeDescription description, Long boot,
                            String publicKey) {

  LivenessEntry down() {
    return new LivenessEntry(lastSeen, sequence, false, description, boot, publicKey);
  }
}
