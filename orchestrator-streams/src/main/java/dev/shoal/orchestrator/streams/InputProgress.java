package dev.shoal.orchestrator.streams;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;

/**
 * How far the decisions' consumer has fetched each input partition, and how far the decision task
 * has processed it. When everything fetched is processed, no input is waiting, so the transaction
 * can commit at once instead of at the end of the commit interval: a lone write is decided and
 * visible without waiting out the interval, while inputs that queue up (a burst of writes, a flood
 * of statuses) still share one transaction. Being wrong either way costs only time, never
 * correctness: a commit is exactly-once whenever it happens.
 */
final class InputProgress {
  /** The key under which the application hands this object to {@link FetchedOffsetsInterceptor}. */
  static final String CONFIG_KEY = "shoal.input-progress";

  private final Map<TopicPartition, Long> fetched = new ConcurrentHashMap<>();
  private final Map<TopicPartition, Long> processed = new ConcurrentHashMap<>();

  void fetched(TopicPartition partition, long lastOffset) {
    fetched.merge(partition, lastOffset, Math::max);
  }

  void processed(String topic, int partition, long offset) {
    processed.put(new TopicPartition(topic, partition), offset);
  }

  /** Whether every record fetched so far has been processed. */
  boolean caughtUp() {
    for (Map.Entry<TopicPartition, Long> f : fetched.entrySet()) {
      Long done = processed.get(f.getKey());
      if (done == null || done < f.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** Forgets both sides, when the decision task leaves this instance (its partitions may not come back). */
  void reset() {
    fetched.clear();
    processed.clear();
  }
}
