package dev.shoal.ops.fuzz;

import dev.shoal.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes malformed records byte for byte, as any Kafka client may (DESIGN principle 3), and
 * keeps each record's offset: a control-log rejection names the offset, not the key.
 */
public final class RecordFuzzer implements AutoCloseable {
  private final KafkaProducer<byte[], byte[]> producer;
  private final Topics topics;

  /** A record as published. */
  public record Sent(RecordCase c, long offset) {}

  public RecordFuzzer(String bootstrap, Topics topics) {
    this.topics = topics;
    this.producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.LINGER_MS_CONFIG, 5,
        // Room for a record up to the broker's own limit; the broker is the judge of the rest.
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024,
        ProducerConfig.CLIENT_ID_CONFIG, "shoal-fuzz"), new ByteArraySerializer(), new ByteArraySerializer());
  }

  public List<Sent> send(List<RecordCase> cases) throws Exception {
    List<Future<RecordMetadata>> acks = new ArrayList<>(cases.size());
    for (RecordCase c : cases) {
      acks.add(producer.send(new ProducerRecord<>(c.topic().name(topics), null, c.key(), c.value(), c.headers())));
    }
    List<Sent> sent = new ArrayList<>(cases.size());
    for (int i = 0; i < cases.size(); i++) {
      sent.add(new Sent(cases.get(i), acks.get(i).get().offset()));
    }
    return sent;
  }

  @Override
  public void close() {
    producer.close();
  }
}
