package dev.shoal.agent;

import dev.shoal.schemas.Topics;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One producer and one assignment reader shared by many agents in this JVM (hollow nodes for
 * {@code shoal bench scale}): a thousand agents need not hold two thousand Kafka clients.
 */
public final class SharedClients implements AutoCloseable {
  private final KafkaSender sender;
  private final SharedAssignments assignments;

  public SharedClients(Map<String, Object> producerProperties, Map<String, Object> consumerProperties, Topics topics) {
    this.sender = new KafkaSender(new KafkaProducer<>(producerProperties, new StringSerializer(), new StringSerializer()),
        "shoal-shared-send");
    this.assignments = new SharedAssignments(consumerProperties, topics.assignments.name(),
        topics.assignments.valueSerde().deserializer());
  }

  KafkaSender sender() {
    return sender;
  }

  SharedAssignments assignments() {
    return assignments;
  }

  /**
   * The longest a record waited in the shared producer before it was sent, over the producer's
   * recent window (Kafka's {@code record-queue-time-max}, milliseconds): a thousand agents' heartbeats
   * and statuses share this one producer, where each real node has its own, so a queue here delays
   * heartbeats in a way no real node sees (and liveness then declares live nodes down).
   */
  public double queueTimeMaxMillis() {
    return sender.producerMetric("record-queue-time-max");
  }

  /** Starts reading assignments: after every agent has been started (subscribed). */
  public void start() {
    assignments.start();
  }

  @Override
  public void close() {
    assignments.close();
    sender.close(Duration.ofSeconds(5));
  }
}
