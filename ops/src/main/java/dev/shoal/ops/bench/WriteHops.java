package dev.shoal.ops.bench;

import dev.shoal.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Where a write's time goes: a consumer of the input logs, the control log and the events (read
 * uncommitted, so records count from their append, not from their transaction's commit), noting
 * per request id the broker's append time at each hop. {@link #summary} gives the median of each hop.
 */
final class WriteHops implements AutoCloseable {
  private final KafkaConsumer<String, String> consumer;
  private final Thread thread;
  private final Map<String, long[]> hops = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private WriteHops(String bootstrap) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    Topics t = Topics.defaults();
    List<TopicPartition> parts = new ArrayList<>();
    for (String name : List.of(t.specs.name(), t.commands.name(), t.control.name(), t.events.name())) {
      consumer.partitionsFor(name).forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
    }
    consumer.assign(parts);
    consumer.seekToEnd(parts);
    parts.forEach(consumer::position);
    thread = new Thread(this::run, "bench-write-hops");
    thread.setDaemon(true);
  }

  static WriteHops start(String bootstrap) {
    WriteHops h = new WriteHops(bootstrap);
    h.thread.start();
    return h;
  }

  private void run() {
    Topics t = Topics.defaults();
    while (!closed) {
      for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
        String rid = requestId(r);
        if (rid == null) {
          continue;
        }
        long[] h = hops.computeIfAbsent(rid, k -> new long[3]);
        int i = r.topic().equals(t.control.name()) ? 1 : r.topic().equals(t.events.name()) ? 2 : 0;
        if (h[i] == 0) {
          h[i] = r.timestamp();
        }
      }
    }
    consumer.close();
  }

  /** The request id from the headers (inputs) or the JSON body (control messages and events). */
  private static String requestId(ConsumerRecord<String, String> r) {
    Header h = r.headers().lastHeader("shoal-request-id");
    if (h != null) {
      return new String(h.value());
    }
    String v = r.value();
    int at = v == null ? -1 : v.indexOf("\"requestId\":\"");
    if (at < 0) {
      return null;
    }
    int from = at + 13;
    return v.substring(from, v.indexOf('"', from));
  }

  String summary() {
    List<Long> toControl = new ArrayList<>();
    List<Long> toEvent = new ArrayList<>();
    for (long[] h : hops.values()) {
      if (h[0] > 0 && h[1] > 0 && h[2] > 0) {
        toControl.add(h[1] - h[0]);
        toEvent.add(h[2] - h[1]);
      }
    }
    return String.format(Locale.ROOT, "hops (broker append times, median over %d writes): input log -> control log %d ms;"
        + " control log -> outcome event %d ms. The rest of a write's time is the wait for the decision's"
        + " transaction to commit and the gateway's read model to fetch it.", toControl.size(), median(toControl),
        median(toEvent));
  }

  private static long median(List<Long> xs) {
    if (xs.isEmpty()) {
      return -1;
    }
    List<Long> s = xs.stream().sorted().toList();
    return s.get(s.size() / 2);
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
