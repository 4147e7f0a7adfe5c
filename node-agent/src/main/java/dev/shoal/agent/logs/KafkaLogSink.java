package dev.shoal.agent.logs;

import dev.shoal.schemas.LogBatch;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends batches to {@code shoal.logs} with a producer of its own: the agent's other producer
 * carries heartbeats with one request in flight, and output must never queue in front of them.
 */
final class KafkaLogSink implements LogSink {
  private final Producer<String, byte[]> producer;
  private final String topic;

  KafkaLogSink(Producer<String, byte[]> producer, String topic) {
    this.producer = producer;
    this.topic = topic;
  }

  /** A producer for {@code bootstrap} with the agent's extra client settings ({@code kafkaProperties}). */
  static KafkaLogSink create(String bootstrap, String clientId, Map<String, ?> kafkaProperties, String topic) {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    // One record (a batch of lines, up to 256 KiB) per producer batch at most, below the topic's limit.
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, LogBatch.MAX_BYTES);
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * LogBatch.MAX_BYTES);
    // The shipper's own thread waits at most this long for metadata while Kafka is away.
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000);
    p.putAll(kafkaProperties);
    return new KafkaLogSink(new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer()), topic);
  }

  Producer<String, byte[]> producer() {
    return producer;
  }

  @Override
  public CompletableFuture<Void> send(LogBatch batch, byte[] value) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      producer.send(new ProducerRecord<>(topic, batch.taskId(), value), (meta, err) -> {
        if (err == null) {
          done.complete(null);
        } else {
          done.completeExceptionally(err);
        }
      });
    } catch (RuntimeException e) {
      done.completeExceptionally(e);
    }
    return done;
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(2));
  }
}
