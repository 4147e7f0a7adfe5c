package dev.shoal.orchestrator.streams;

import dev.shoal.schemas.Json;
import dev.shoal.schemas.NodeHeartbeat;
import dev.shoal.schemas.NodeSignatures;
import dev.shoal.schemas.TaskStatus;
import dev.shoal.schemas.TaskStatusBatch;
import dev.shoal.schemas.TaskStatusRecords;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
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
 * Checks signatures of an input log (task statuses, heartbeats) on a thread of its own as they
 * arrive, ahead of the stream thread that reads them, which then finds each check already passed
 * ({@link NodeSignatures} remembers passed checks by digest of everything checked) instead of doing
 * the curve arithmetic itself: at scale that was half of the decision thread's time, and four fifths
 * of liveness's. It decides nothing and writes nothing; when it is behind, or a node's key is not
 * known here yet, the stream thread simply checks in full. Works only while this instance holds the
 * task that reads the log (a standby would check for nobody). Paced to the position of the stream
 * thread it works for on the log ({@link PreVerifierPace}: liveness for heartbeats, the decision task
 * for statuses), so a check made ahead is still remembered when that thread reaches it, and nothing
 * that thread has already read is checked again.
 */
final class SignaturePreVerifier implements AutoCloseable {
  /** Checks one record of the log ahead; true when a check was made. */
  @FunctionalInterface
  interface Check {
    boolean ahead(String value, ReadOnlyKeyValueStore<String, String> keys);
  }

  private static final Logger LOG = LoggerFactory.getLogger(SignaturePreVerifier.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration ROLE_CHECK = Duration.ofSeconds(1);
  /** How long a paced pre-verifier far enough ahead waits before looking at the reader's position again. */
  private static final Duration PACE_WAIT = Duration.ofMillis(20);

  private final BooleanSupplier readHere;
  private final Supplier<ReadOnlyKeyValueStore<String, String>> keysFrom;
  /** The pace kept to {@link #reader}'s position. */
  private final PreVerifierPace pace;
  private final LongSupplier reader;
  private final TopicPartition log;
  private final String what;
  private final Check check;
  private final KafkaConsumer<String, String> consumer;
  private final Thread thread;
  private final AtomicLong checked = new AtomicLong();
  private final AtomicLong jumps = new AtomicLong();
  /** The next offset to read, or {@link PreVerifierPace#UNKNOWN} until placed. */
  private long position = PreVerifierPace.UNKNOWN;
  private volatile boolean closed;
  private boolean started;

  /**
   * Statuses and batches of statuses, checked against each node's recorded key, paced to the
   * decision task's position on the log ({@code decided}; {@link PreVerifierPace}, half the memory
   * of checks ahead). Unpaced, it went on checking what the decision had already read: after a large
   * placement the decision ran through the statuses that had queued, overtook it and checked the
   * rest itself while this thread checked the same records again behind it (at 100,000 tasks the two
   * threads made about as many checks each).
   *
   * @param decisions the decision application (is the status log decided here?)
   * @param keysFrom the application that holds the {@value OrchestratorTopology#NODE_KEYS_STORE} global store
   * @param decided the next offset of the log the decision task will process, or {@link PreVerifierPace#UNKNOWN}
   */
  static SignaturePreVerifier forStatuses(KafkaStreams decisions, KafkaStreams keysFrom, String topic,
                                          Map<String, Object> consumerConfig, LongSupplier decided) {
    TopicPartition log = new TopicPartition(topic, 0);
    return new SignaturePreVerifier(() -> readHere(decisions, log), () -> nodeKeys(keysFrom), topic, "status",
        consumerConfig, SignaturePreVerifier::checkStatusAhead, new PreVerifierPace(NodeSignatures.REMEMBERED_CHECKS / 2),
        decided);
  }

  private static boolean checkStatusAhead(String value, ReadOnlyKeyValueStore<String, String> keys) {
    if (keys == null) {
      return false;
    }
    if (TaskStatusRecords.isBatch(value)) {
      TaskStatusBatch b = Json.fromString(value, TaskStatusBatch.class);
      String key = b.nodeId() == null ? null : keys.get(b.nodeId());
      if (key != null && b.signature() != null) {
        NodeSignatures.verifies(b, key);
        return true;
      }
      return false;
    }
    TaskStatus s = Json.fromString(value, TaskStatus.class);
    String key = s.nodeId() == null ? null : keys.get(s.nodeId());
    if (key != null && s.signature() != null) {
      NodeSignatures.verifies(s, key);
      return true;
    }
    return false;
  }

  /**
   * Heartbeats, checked against the key each carries, as liveness checks them first
   * ({@link HeartbeatCheck}); that the key is the node's recorded one liveness checks itself. Only
   * signed ones (anchors, and heartbeats of agents older than hash chains): a chained heartbeat has no
   * signature, and liveness's check of it (a few hashes) costs less than remembering it here. Kept
   * within half the memory of checks ({@link NodeSignatures#REMEMBERED_HEARTBEATS}) ahead of
   * {@code livenessRead}, liveness's position.
   */
  static SignaturePreVerifier forHeartbeats(KafkaStreams liveness, String topic, Map<String, Object> consumerConfig,
                                            ProcessedOffset livenessRead) {
    return forHeartbeats(() -> readHere(liveness, new TopicPartition(topic, 0)), topic, consumerConfig,
        livenessRead::next, NodeSignatures.REMEMBERED_HEARTBEATS / 2);
  }

  /**
   * Heartbeats, paced to {@code reader} ({@link PreVerifierPace}, {@code ahead} records).
   *
   * @param readHere whether this instance's liveness reads the log now
   */
  static SignaturePreVerifier forHeartbeats(BooleanSupplier readHere, String topic, Map<String, Object> consumerConfig,
                                            LongSupplier reader, long ahead) {
    return new SignaturePreVerifier(readHere, () -> null, topic, "heartbeat", consumerConfig, (value, keys) -> {
      NodeHeartbeat hb = Json.fromString(value, NodeHeartbeat.class);
      if (hb.publicKey() != null && hb.signature() != null) {
        NodeSignatures.checksAhead(hb, hb.publicKey());
        return true;
      }
      return false;
    }, new PreVerifierPace(ahead), reader);
  }

  private SignaturePreVerifier(BooleanSupplier readHere, Supplier<ReadOnlyKeyValueStore<String, String>> keysFrom,
                               String topic, String what, Map<String, Object> consumerConfig, Check check,
                               PreVerifierPace pace, LongSupplier reader) {
    this.readHere = readHere;
    this.keysFrom = keysFrom;
    this.pace = pace;
    this.reader = reader;
    this.what = what;
    this.check = check;
    this.log = new TopicPartition(topic, 0);
    Map<String, Object> c = new java.util.HashMap<>(consumerConfig);
    c.remove(ConsumerConfig.GROUP_ID_CONFIG);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // Agents write without transactions; read what they write the moment it is appended. A fetch
    // waits on the broker until something is appended (then it answers at once) or the consumer's
    // default wait has passed: a 5 ms wait made each idle pre-verifier 200 fetches a second, which
    // kept the broker's request threads busy for nothing.
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer());
    this.thread = new Thread(this::run, "shoal-" + what + "-pre-verifier");
    thread.setDaemon(true);
  }

  synchronized void start() {
    started = true;
    thread.start();
  }

  /** Records checked ahead so far; for tests. */
  long checked() {
    return checked.get();
  }

  /** How often it moved to the reader's position (taking up the log, or found behind); for tests. */
  long jumps() {
    return jumps.get();
  }

  private void run() {
    try {
      consumer.assign(List.of(log));
      consumer.seekToEnd(List.of(log));
      long roleCheckedAt = 0;
      boolean deciding = false;
      while (!closed) {
        if (System.nanoTime() - roleCheckedAt > ROLE_CHECK.toNanos()) {
          roleCheckedAt = System.nanoTime();
          boolean now = readHere.getAsBoolean();
          if (now && !deciding) {
            position = PreVerifierPace.UNKNOWN; // placed where the stream thread reads, once it does
          }
          deciding = now;
        }
        if (!deciding) {
          sleepQuietly(POLL);
          continue;
        }
        readPaced();
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      // Never fatal: the decision checks every status itself.
      LOG.warn("{} pre-verifier stopped; the stream thread checks every signature itself", what, e);
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  /** One step of {@link PreVerifierPace}: wait, move to the reader, or check a batch within the pace. */
  private void readPaced() {
    PreVerifierPace.Step step = pace.next(position, reader.getAsLong());
    if (step instanceof PreVerifierPace.SeekTo to) {
      consumer.seek(log, to.offset());
      position = to.offset();
      jumps.incrementAndGet();
      return;
    }
    if (!(step instanceof PreVerifierPace.Read read)) {
      sleepQuietly(PACE_WAIT);
      return;
    }
    ReadOnlyKeyValueStore<String, String> keys = keysFrom.get();
    for (ConsumerRecord<String, String> r : consumer.poll(POLL)) {
      if (r.offset() >= read.end()) {
        consumer.seek(log, r.offset()); // past the pace: read again once the reader has moved on
        position = r.offset();
        return;
      }
      if (PreVerifierPace.unread(r.offset(), reader.getAsLong())) {
        checkAhead(r, keys);
      }
    }
    position = consumer.position(log);
  }

  private void checkAhead(ConsumerRecord<String, String> r, ReadOnlyKeyValueStore<String, String> keys) {
    if (r.value() == null) {
      return;
    }
    try {
      if (check.ahead(r.value(), keys)) {
        checked.incrementAndGet();
      }
    } catch (RuntimeException e) {
      // Unreadable or refused: the intake and the stream thread say why.
    }
  }

  private static ReadOnlyKeyValueStore<String, String> nodeKeys(KafkaStreams keysFrom) {
    try {
      return keysFrom.store(StoreQueryParameters.fromNameAndType(OrchestratorTopology.NODE_KEYS_STORE,
          QueryableStoreTypes.keyValueStore()));
    } catch (RuntimeException e) {
      return null; // not queryable yet (starting, rebalancing)
    }
  }

  /** Whether a stream thread of this instance has the log among its active tasks' inputs. */
  private static boolean readHere(KafkaStreams streams, TopicPartition log) {
    try {
      return streams.metadataForLocalThreads().stream()
          .flatMap(t -> t.activeTasks().stream())
          .anyMatch(task -> task.topicPartitions().contains(log));
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
    LOG.info("{} pre-verifier: {} checked ahead; {} signature checks answered from earlier ones", what,
        checked.get(), NodeSignatures.rememberedChecks());
  }
}
