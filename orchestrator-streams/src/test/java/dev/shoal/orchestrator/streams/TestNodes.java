package dev.shoal.orchestrator.streams;

import dev.shoal.schemas.HashChain;
import dev.shoal.schemas.JoinTokens;
import dev.shoal.schemas.NodeHeartbeat;
import dev.shoal.schemas.NodeSignatures;
import dev.shoal.schemas.TaskStatus;
import dev.shoal.schemas.TaskStatusBatch;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.util.HashMap;
import java.util.Map;

/**
 * Plays the agents' part in signing: one key pair per node id, derived from the id so that two
 * drivers fed the same input produce the same output, and a boot and sequences per node. Thread-safe.
 */
final class TestNodes {
  private final Map<String, KeyPair> keys = new HashMap<>();
  private final Map<String, Long> boots = new HashMap<>();
  private final Map<String, Long> heartbeatSequences = new HashMap<>();
  private final Map<String, Long> statusSequences = new HashMap<>();
  private final Map<String, Long> anchorSequences = new HashMap<>();

  /** The node's key pair (the same for the same id, in every instance). */
  synchronized KeyPair keys(String nodeId) {
    return keys.computeIfAbsent(nodeId, TestNodes::derive);
  }

  synchronized String publicKey(String nodeId) {
    return NodeSignatures.encode(keys(nodeId).getPublic());
  }

  /** Restarts the node's agent: a new boot, sequences from 0. */
  synchronized void restart(String nodeId) {
    boots.put(nodeId, boot(nodeId) + 1);
    heartbeatSequences.remove(nodeId);
    statusSequences.remove(nodeId);
  }

  synchronized long boot(String nodeId) {
    return boots.getOrDefault(nodeId, 1L);
  }

  /** {@code hb} as the node sends it: its boot, next sequence, key, a proof made with {@code token}, signed. */
  synchronized NodeHeartbeat sign(NodeHeartbeat hb, String token) {
    String id = hb.nodeId();
    long seq = heartbeatSequences.merge(id, 1L, Long::sum);
    String proof = token == null ? null : JoinTokens.proof(token, id, publicKey(id));
    return NodeSignatures.sign(new NodeHeartbeat(id, seq, hb.description(), hb.runningTaskIds(), hb.timestamp(), proof,
        boot(id), publicKey(id), null), keys(id).getPrivate());
  }

  /**
   * {@code hb} as the node sends it when it anchors {@code chain} (beats {@code intervalMs} apart): its
   * boot, next sequence, key, the chain's top, length and interval, signed.
   */
  synchronized NodeHeartbeat signAnchor(NodeHeartbeat hb, HashChain chain, long intervalMs) {
    String id = hb.nodeId();
    long seq = heartbeatSequences.merge(id, 1L, Long::sum);
    anchorSequences.put(id, seq);
    return NodeSignatures.sign(new NodeHeartbeat(id, seq, hb.description(), hb.runningTaskIds(), hb.timestamp(), null,
        boot(id), publicKey(id), null).anchoring(chain.top(), chain.length(), intervalMs), keys(id).getPrivate());
  }

  /**
   * The node's chained heartbeat revealing {@code chain}'s element {@code index} (anchored last by
   * {@link #signAnchor}): its sequence is the anchor's plus the steps down the chain.
   */
  synchronized NodeHeartbeat chained(String nodeId, HashChain chain, int index, long timestamp) {
    long seq = anchorSequences.get(nodeId) + (chain.length() - index);
    heartbeatSequences.put(nodeId, seq);
    return NodeHeartbeat.chainedBeat(nodeId, boot(nodeId), seq, timestamp, chain.element(index), index);
  }

  /** {@code s} as its node sends it: with its boot and next sequence, signed. */
  synchronized TaskStatus sign(TaskStatus s) {
    long seq = statusSequences.merge(s.nodeId(), 1L, Long::sum);
    return NodeSignatures.sign(s.withOrder(boot(s.nodeId()), seq), keys(s.nodeId()).getPrivate());
  }

  /** {@code statuses} as one batch from {@code nodeId}: its boot, the next sequences (one per status), signed. */
  synchronized TaskStatusBatch sign(String nodeId, java.util.List<TaskStatus> statuses) {
    long first = statusSequences.getOrDefault(nodeId, 0L) + 1;
    statusSequences.put(nodeId, first + statuses.size() - 1);
    return NodeSignatures.sign(TaskStatusBatch.of(nodeId, boot(nodeId), first, statuses), keys(nodeId).getPrivate());
  }

  private static KeyPair derive(String nodeId) {
    try {
      SecureRandom seeded = SecureRandom.getInstance("SHA1PRNG");
      seeded.setSeed(("test node " + nodeId).getBytes(StandardCharsets.UTF_8));
      KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
      g.initialize(NamedParameterSpec.ED25519, seeded);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
