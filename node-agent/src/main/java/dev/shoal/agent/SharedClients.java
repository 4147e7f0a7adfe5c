package dev.shoal.agent;

import dev.shoal.schemas.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Two producers (statuses, heartbeats), one heartbeat thread and one assignment reader shared by
 * many agents in this JVM (hollow nodes for {@code shoal bench scale}): a thousand agents need not
 * hold two thousand Kafka clients.
 */
public final class SharedClients implements AutoCloseable {
  private final KafkaSender sender;
  private final KafkaSender heartbeatSender;
  private final SharedAssignments assignments;
  /**
   * One set of operation pools for every agent here: a pool per agent (8 start and up to 128 stop
   * threads each) made tens of thousands of threads in a JVM of 1,000 agents on two cores, which
   * starved the orchestrator's JVM beside it; a real node's pools serve its own tasks only.
   */
  private final OpsPool ops = OpsPool.bounded("hollow", 16, 64);
  /**
   * One thread beats for every agent here. A thread of its own per agent (as a real agent has) was
   * sometimes not run for seconds between stamping a heartbeat and sending it, among the thousands
   * of threads of a thousand agents starting 100,000 tasks on two cores; liveness, which measures
   * each node's silence against the others', then declared that one node down. One thread falling
   * behind delays every node alike, which liveness does not mistake for a node's death.
   */
  private final ScheduledExecutorService heartbeatClock = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "shoal-shared-heartbeats");
    t.setDaemon(true);
    return t;
  });

  public SharedClients(Map<String, Object> producerProperties, Map<String, Object> consumerProperties, Topics topics) {
    this.sender = new KafkaSender(new KafkaProducer<>(producerProperties, new StringSerializer(), new StringSerializer()),
        "shoal-shared-send");
    // Heartbeats by a producer of their own: a real node's heartbeat waits at most behind its own
    // node's statuses, not behind a thousand nodes' (100,000 statuses at the start of a scale run).
    this.heartbeatSender = new KafkaSender(new KafkaProducer<>(producerProperties, new StringSerializer(),
        new StringSerializer()), "shoal-shared-heartbeat-send");
    this.assignments = new SharedAssignments(consumerProperties, topics.assignments.name(),
        topics.assignments.valueSerde().deserializer());
  }

  KafkaSender sender() {
    return sender;
  }

  KafkaSender heartbeatSender() {
    return heartbeatSender;
  }

  ScheduledExecutorService heartbeatClock() {
    return heartbeatClock;
  }

  SharedAssignments assignments() {
    return assignments;
  }

  OpsPool ops() {
    return ops.unowned();
  }

  /**
   * The longest a status waited in the shared producer before it was sent, over the producer's
   * recent window (Kafka's {@code record-queue-time-max}, milliseconds): a real node's statuses wait
   * behind its own only.
   */
  public double statusQueueTimeMaxMillis() {
    return sender.producerMetric("record-queue-time-max");
  }

  /**
   * The same for heartbeats: a queue here delays heartbeats in a way no real node sees, and liveness
   * then declares live nodes down.
   */
  public double heartbeatQueueTimeMaxMillis() {
    return heartbeatSender.producerMetric("record-queue-time-max");
  }

  /** Starts reading assignments: after every agent has been started (subscribed). */
  public void start() {
    assignments.start();
  }

  @Override
  public void close() {
    heartbeatClock.shutdownNow();
    ops.shutdownNow();
    assignments.close();
    sender.close(Duration.ofSeconds(5));
    heartbeatSender.close(Duration.ofSeconds(5));
  }
}
