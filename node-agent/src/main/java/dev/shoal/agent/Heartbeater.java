package dev.shoal.agent;

import dev.shoal.schemas.Json;
import dev.shoal.schemas.NodeDescription;
import dev.shoal.schemas.NodeHeartbeat;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the node's heartbeat when run, signed ({@link NodeSigner}); the sequence starts at 0 with
 * every agent start, whose boot number is one more, which reads as a rejoin.
 */
final class Heartbeater implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(Heartbeater.class);

  private final String nodeId;
  private final NodeDescription description;
  private final Supplier<List<String>> runningTaskIds;
  private final KafkaSender sender;
  private final String topic;
  private final LongSupplier clock;
  private final KafkaContact contact;
  private final String joinProof;
  private final NodeSigner signer;
  private long sequence;

  Heartbeater(String nodeId, NodeDescription description, Supplier<List<String>> runningTaskIds,
              KafkaSender sender, String topic, LongSupplier clock, KafkaContact contact, String joinProof,
              NodeSigner signer) {
    this.nodeId = nodeId;
    this.joinProof = joinProof;
    this.signer = signer;
    this.contact = contact;
    this.description = description;
    this.runningTaskIds = runningTaskIds;
    this.sender = sender;
    this.topic = topic;
    this.clock = clock;
  }

  @Override
  public void run() {
    // A scheduled task that throws is never run again: nothing may escape.
    try {
      NodeHeartbeat hb = signer.sign(new NodeHeartbeat(nodeId, sequence++, description, runningTaskIds.get(),
          clock.getAsLong(), joinProof));
      long sentAt = contact.sending();
      sender.sendFromCaller(topic, nodeId, Json.toString(hb)).thenRun(() -> contact.acknowledged(sentAt));
    } catch (RuntimeException e) {
      LOG.warn("heartbeat of node {} failed", nodeId, e);
    }
  }
}
