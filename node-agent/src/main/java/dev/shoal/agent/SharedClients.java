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
