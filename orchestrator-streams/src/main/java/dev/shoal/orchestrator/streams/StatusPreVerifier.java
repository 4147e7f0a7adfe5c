package dev.shoal.orchestrator.streams;

import dev.shoal.schemas.Json;
import dev.shoal.schemas.NodeSignatures;
import dev.shoal.schemas.TaskStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks task statuses' signatures on a thread of its own as they arrive, ahead of the decision
 * thread, which then finds each check already passed ({@link NodeSignatures} remembers passed checks
 * by digest of everything checked) instead of doing the curve arithmetic itself: at scale that was
 * half of the decision thread's time. It decides nothing and writes nothing; when it is behind, or a
 * node's key is not known here yet, the decision simply checks in full. Works only while this
 * instance holds the decision task (a standby would check for nobody). Reads from the end at start.
 */
final class StatusPreVerifier implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StatusPreVerifier.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration ROLE_CHECK = Duration.ofSeconds(1);

  private final KafkaStreams streams;
  private final KafkaStreams keysFrom;
  private final TopicPartition statuses;
  private final KafkaConsumer<String, String> consumer;
  private final Thread thread;
  private final AtomicLong checked = new AtomicLong();
  private volatile boolean closed;
  private boolean started;

  /**
   * @param streams the decision application (is the status log decided here?)
   * @param keysFrom the application that holds the {@value OrchestratorTopology#NODE_KEYS_STORE} global store
   */
  StatusPreVerifier(KafkaStreams streams, KafkaStreams keysFrom, String statusTopic, Map<String, Object> consumerConfig) {
    this.streams = streams;
    this.keysFrom = keysFrom;
    this.statuses = new TopicPartition(statusTopic, 0);
    Map<String, Object> c = new java.util.HashMap<>(consumerConfig);
    c.remove(ConsumerConfig.GROUP_ID_CONFIG);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // Agents write statuses without transactions; read them the moment they are appended.
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
    this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer());
    this.thread = new Thread(this::run, "shoal-status-pre-verifier");
    thread.setDaemon(true);
  }

  synchronized void start() {
    started = true;
    thread.start();
  }

  /** Statuses checked ahead so far; for tests. */
  long checked() {
    return checked.get();
  }

  private void run() {
    try {
      consumer.assign(List.of(statuses));
      consumer.seekToEnd(List.of(statuses));
      long roleCheckedAt = 0;
      boolean deciding = false;
      while (!closed) {
        if (System.nanoTime() - roleCheckedAt > ROLE_CHECK.toNanos()) {
          roleCheckedAt = System.nanoTime();
          boolean now = decidesHere();
          if (now && !deciding) {
            consumer.seekToEnd(List.of(statuses)); // what came before is the decision's backlog, read by now
          }
          deciding = now;
        }
        if (!deciding) {
          sleepQuietly(POLL);
          continue;
        }
        ReadOnlyKeyValueStore<String, String> keys = nodeKeys();
        for (ConsumerRecord<String, String> r : consumer.poll(POLL)) {
          checkAhead(r, keys);
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      // Never fatal: the decision checks every status itself.
      LOG.warn("status pre-verifier stopped; the decision thread checks every signature itself", e);
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  private void checkAhead(ConsumerRecord<String, String> r, ReadOnlyKeyValueStore<String, String> keys) {
    if (keys == null || r.value() == null) {
      return;
    }
    try {
      TaskStatus s = Json.fromString(r.value(), TaskStatus.class);
      String key = s.nodeId() == null ? null : keys.get(s.nodeId());
      if (key != null && s.signature() != null) {
        NodeSignatures.verifies(s, key);
        checked.incrementAndGet();
      }
    } catch (RuntimeException e) {
      // Unreadable or refused: the intake and the decision say why.
    }
  }

  private ReadOnlyKeyValueStore<String, String> nodeKeys() {
    try {
      return keysFrom.store(StoreQueryParameters.fromNameAndType(OrchestratorTopology.NODE_KEYS_STORE,
          QueryableStoreTypes.keyValueStore()));
    } catch (RuntimeException e) {
      return null; // not queryable yet (starting, rebalancing)
    }
  }

  /** Whether a stream thread of this instance has the status log among its active tasks' inputs. */
  private boolean decidesHere() {
    try {
      return streams.metadataForLocalThreads().stream()
          .flatMap(t -> t.activeTasks().stream())
          .anyMatch(task -> task.topicPartitions().contains(statuses));
    } catch (RuntimeException e) {
      return false;
    }
  }

  private void sleepQuietly(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (!started) {
      consumer.close(Duration.ZERO);
      return;
    }
    consumer.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.info("status pre-verifier: {} statuses checked ahead; {} signature checks answered from earlier ones",
        checked.get(), NodeSignatures.rememberedChecks());
  }
}
