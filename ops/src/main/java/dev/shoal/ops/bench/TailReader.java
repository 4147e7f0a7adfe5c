package dev.shoal.ops.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads every partition of some topics from their ends, no group, on a daemon thread of its own,
 * handing each record over: what a bench reads to see when the records of what it does are
 * appended or committed. Its fetches wait the usual 500 ms on the broker, which answers at once
 * when records (or, read-committed, a commit) arrive.
 */
final class TailReader implements AutoCloseable {
  private final KafkaConsumer<String, String> consumer;
  private final Thread thread;
  private volatile boolean closed;

  private TailReader(String bootstrap, String isolation, List<String> topics, String threadName,
                     Consumer<ConsumerRecord<String, String>> onRecord) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    List<TopicPartition> parts = new ArrayList<>();
    for (String name : topics) {
      consumer.partitionsFor(name).forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
    }
    consumer.assign(parts);
    consumer.seekToEnd(parts);
    parts.forEach(consumer::position); // the end now, not at the first poll
    thread = new Thread(() -> run(onRecord), threadName);
    thread.setDaemon(true);
  }

  /** Positioned at the ends when this returns; records appended afterwards reach {@code onRecord}. */
  static TailReader start(String bootstrap, String isolation, List<String> topics, String threadName,
                          Consumer<ConsumerRecord<String, String>> onRecord) {
    TailReader r = new TailReader(bootstrap, isolation, topics, threadName, onRecord);
    r.thread.start();
    return r;
  }

  private void run(Consumer<ConsumerRecord<String, String>> onRecord) {
    while (!closed) {
      for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
        onRecord.accept(r);
      }
    }
    consumer.close();
  }

  @Override
  public void close() {
    closed = true;
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
