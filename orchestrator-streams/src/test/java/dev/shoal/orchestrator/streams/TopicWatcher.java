package dev.shoal.orchestrator.streams;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Test helper: follows one topic from the beginning (read_committed) into a latest-value map and a log. */
final class TopicWatcher<V> implements AutoCloseable {
  final Map<String, V> latest = new ConcurrentHashMap<>();
  final List<V> all = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;

  TopicWatcher(String bootstrap, String topic, Deserializer<V> values) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaConsumer<String, V> consumer = new KafkaConsumer<>(p, new StringDeserializer(), values);
    List<TopicPartition> parts = new ArrayList<>();
    consumer.partitionsFor(topic).forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
    consumer.assign(parts);
    consumer.seekToBeginning(parts);
    thread = new Thread(() -> {
      try (consumer) {
        while (running) {
          for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(100))) {
            if (r.value() == null) {
              latest.remove(r.key());
            } else {
              latest.put(r.key(), r.value());
              all.add(r.value());
            }
          }
        }
      }
    }, "watch-" + topic);
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(5000);
  }
}
