package dev.shoal.agent;

import dev.shoal.schemas.Json;
import dev.shoal.schemas.NodeDescription;
import dev.shoal.schemas.NodeHeartbeat;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the node's heartbeat when run, signed ({@link NodeSigner}); the sequence starts at 0 with
 * every agent start, whose boot number is one more, which reads as a rejoin.
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
  private long sequence;

  Heartbeater(String nodeId, NodeDescription description, KafkaSender sender, String topic, LongSupplier clock, KafkaContact contact, String joinProof,
              NodeSigner signer) {
    this.nodeId = nodeId;
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
      NodeHeartbeat hb = signer.sign(new NodeHeartbeat(nodeId, sequence++, description, null, clock.getAsLong(),
          joinProof));
      long sentAt = contact.sending();
      sender.sendFromCaller(topic, nodeId, Json.toString(hb)).thenRun(() -> contact.acknowledged(sentAt));
    } catch (RuntimeException e) {
      LOG.warn("heartbeat of node {} failed", nodeId, e);
    }
  }
}
