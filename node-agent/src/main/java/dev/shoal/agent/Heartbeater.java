package dev.shoal.agent;

import dev.shoal.schemas.HashChain;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.NodeDescription;
import dev.shoal.schemas.NodeHeartbeat;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the node's heartbeat when run; the sequence starts at 0 with every agent start, whose boot
 * number is one more, which reads as a rejoin.
 *
 * <p>Heartbeats are authenticated by a hash chain ({@link HashChain}): the first of each start is an
 * anchor, signed ({@link NodeSigner}) and carrying a new chain's top, its length and the beat interval;
 * each later one reveals the next element down and is not signed, so a beat costs a hash instead of an
 * Ed25519 signature (on the agent, and its check on the orchestrator). {@link AnchorRule} says when a
 * new chain starts: every {@value AnchorRule#CHAIN_LENGTH} beats, when the schedule drifted from the
 * chain's due times, and when Kafka stopped acknowledging beats. The description is fixed for an
 * agent's start, so it cannot change within a chain (a chained beat carries none).
 *
 * <p>A heartbeat no longer lists the node's running tasks ({@code runningTaskIds}, deprecated): the
 * orchestrator never read them (statuses say what runs), and at 100 tasks a node they made a
 * heartbeat ~3 KB, half the bytes written per placement at 1,000 nodes. It also spares every beat a
 * listing of the runtimes, so a slow engine cannot delay a heartbeat.
 */
final class Heartbeater implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(Heartbeater.class);

  private final String nodeId;
  private final NodeDescription description;
  private final KafkaSender sender;
  private final String topic;
  private final LongSupplier clock;
  private final KafkaContact contact;
  private final String joinProof;
  private final NodeSigner signer;
  private final long intervalMs;
  private final SecureRandom random = new SecureRandom();
  private long sequence;
  /** The current chain, its anchor's sequence and send time; null before this start's first beat. */
  private HashChain chain;
  private long anchorSequence;
  private long anchorTime;
  /** The highest sequence Kafka acknowledged; written by the producer's callback. */
  private final AtomicLong acknowledged = new AtomicLong(-1);

  Heartbeater(String nodeId, NodeDescription description, KafkaSender sender, String topic, LongSupplier clock, KafkaContact contact, String joinProof,
              NodeSigner signer, long intervalMs) {
    this.nodeId = nodeId;
    this.intervalMs = intervalMs;
    this.joinProof = joinProof;
    this.signer = signer;
    this.contact = contact;
    this.description = description;
    this.sender = sender;
    this.topic = topic;
    this.clock = clock;
  }

  @Override
  public void run() {
    // A scheduled task that throws is never run again: nothing may escape.
    try {
      long seq = sequence++;
      NodeHeartbeat hb = next(seq, clock.getAsLong());
      long sentAt = contact.sending();
      sender.sendFromCaller(topic, nodeId, Json.toString(hb)).thenRun(() -> {
        contact.acknowledged(sentAt);
        acknowledged.accumulateAndGet(seq, Math::max);
      });
    } catch (RuntimeException e) {
      LOG.warn("heartbeat of node {} failed", nodeId, e);
    }
  }

  /** Heartbeat {@code seq}: the next element of the chain, or the signed anchor of a new one. */
  private NodeHeartbeat next(long seq, long now) {
    long beat = chain == null ? 0 : seq - anchorSequence;
    if (AnchorRule.anchorDue(beat, anchorTime, intervalMs, now, seq - 1 - acknowledged.get())) {
      chain = HashChain.draw(AnchorRule.CHAIN_LENGTH, random);
      anchorSequence = seq;
      anchorTime = now;
      return signer.sign(new NodeHeartbeat(nodeId, seq, description, null, now, joinProof)
          .anchoring(chain.top(), chain.length(), intervalMs));
    }
    int index = (int) (chain.length() - beat);
    return NodeHeartbeat.chainedBeat(nodeId, signer.boot(), seq, now, chain.element(index), index);
  }
}
