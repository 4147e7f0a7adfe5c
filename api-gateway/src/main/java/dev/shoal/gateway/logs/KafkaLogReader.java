package dev.shoal.gateway.logs;

import dev.shoal.gateway.ApiException;
import dev.shoal.gateway.GatewayConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads {@code shoal.logs} on demand: each request gets a consumer of its own, without a group,
 * assigned the partitions its tasks' ids hash to ({@link KafkaLogStream}). Nothing is kept between
 * requests, so any gateway answers any request, and a gateway that does not serve logs costs nothing.
 */
public final class KafkaLogReader implements LogReader {
  private final Map<String, Object> consumerProperties;
  private final String topic;
  private final LogLimits limits;
  private final AtomicInteger clients = new AtomicInteger();
  private final Set<KafkaLogStream> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  public KafkaLogReader(String bootstrapServers, Map<String, String> kafkaProperties, String topic, LogLimits limits) {
    Map<String, Object> p = new HashMap<>(kafkaProperties);
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // Offsets are always sought; one that retention deleted meanwhile starts at the oldest kept.
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // A follower sees a new batch within this of its append.
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
    p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    this.consumerProperties = p;
    this.topic = topic;
    this.limits = limits;
  }

  /** A reader of the topics and Kafka of {@code config}, with {@code limits}. */
  public static KafkaLogReader of(GatewayConfig config, LogLimits limits) {
    return new KafkaLogReader(config.bootstrapServers(), config.kafkaProperties(), config.topics().logs.name(), limits);
  }

  public LogLimits limits() {
    return limits;
  }

  @Override
  public LogStream open(LogQuery query) {
    if (closed) {
      throw ApiException.unavailable("the gateway is stopping");
    }
    Map<String, Object> p = new HashMap<>(consumerProperties);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "shoal-gateway-logs-" + clients.incrementAndGet());
    KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    KafkaLogStream s = new KafkaLogStream(consumer, topic, query, limits, () -> closed) {
      @Override
      public void close() {
        open.remove(this);
        super.close();
      }
    };
    open.add(s);
    try {
      s.prepare();
      return s;
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
  }

  @Override
  public void close() {
    closed = true;
    open.forEach(KafkaLogStream::wakeup);
  }
}
