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
 *
 * <p>Only work someone waits for is committed at once ({@link #markUrgent}): a client's write, a
 * node coming or going, a timer, and any decision that changes what an agent must run. A task
 * status that changes nothing an agent acts on (a task reported running) waits for the interval,
 * or for the next urgent commit, so it does not put a transaction in front of the write that comes
 * right after it.
 */
final class InputProgress {
  /** The key under which the application hands this object to {@link FetchedOffsetsInterceptor}. */
  static final String CONFIG_KEY = "shoal.input-progress";

  private final Map<TopicPartition, Long> fetched = new ConcurrentHashMap<>();
  private final Map<TopicPartition, Long> processed = new ConcurrentHashMap<>();
  private volatile boolean urgent;

  void fetched(TopicPartition partition, long lastOffset) {
    fetched.merge(partition, lastOffset, Math::max);
  }

  void processed(String topic, int partition, long offset) {
    processed.put(new TopicPartition(topic, partition), offset);
  }

  /**
   * The next offset of {@code partition} the decision task will process, or
   * {@link PreVerifierPace#UNKNOWN} before it has processed one here: the status pre-verifier's pace.
   */
  long nextToProcess(TopicPartition partition) {
    Long done = processed.get(partition);
    return done == null ? PreVerifierPace.UNKNOWN : done + 1;
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

  /** Something processed since the last commit asked for is waited for: commit once caught up. */
  void markUrgent() {
    urgent = true;
  }

  /** Whether to commit now: caught up with urgent work done since the last time this said yes. */
  boolean commitNow() {
    if (urgent && caughtUp()) {
      urgent = false;
      return true;
    }
    return false;
  }

  /** Forgets both sides, when the decision task leaves this instance (its partitions may not come back). */
  void reset() {
    fetched.clear();
    processed.clear();
    urgent = false;
  }
}
