package dev.shoal.ops.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A consumer of every partition of some topics from their ends, no group: what a bench reads to see
 * when the records of what it does are appended or committed. Its fetches wait the usual 500 ms on
 * the broker, which answers at once when records (or, read-committed, a commit) arrive.
 */
final class TailConsumer {
  private TailConsumer() {
  }

  static KafkaConsumer<String, String> open(String bootstrap, String isolation, List<String> topics) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    List<TopicPartition> parts = new ArrayList<>();
    for (String name : topics) {
      c.partitionsFor(name).forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
    }
    c.assign(parts);
    c.seekToEnd(parts);
    parts.forEach(c::position); // the end now, not at the first poll
    return c;
  }
}
