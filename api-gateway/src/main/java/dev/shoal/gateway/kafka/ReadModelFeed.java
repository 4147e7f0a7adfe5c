package dev.shoal.gateway.kafka;

import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.SpecSharing;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that feeds a {@link ReadModel}: it assigns itself every partition of the
 * services, tasks, nodes and events topics, reads them from the beginning with no consumer group
 * (each gateway holds the whole picture; nothing to commit), and applies each record. A tombstone
 * deletes. A record that cannot be read is logged and skipped, never stops the feed.
 */
public final class ReadModelFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReadModelFeed.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final long TOPIC_RETRY_MILLIS = 1000;

  private final ReadModel model;
  private final Topics topics;
  private final Consumer<String, byte[]> consumer;
  private final Thread thread;
  private final CountDownLatch closing = new CountDownLatch(1);
  private final Deserializer<Service> services;
  private final Deserializer<Task> tasks;
  /** Tasks of one service version share one spec object: the model keeps every task it reads. */
  private final SpecSharing specs = new SpecSharing();
  private final Deserializer<Node> nodes;
  private final Deserializer<ClusterEvent> events;
  private volatile boolean closed;
  private volatile boolean started;
  private volatile boolean stopped;
  private volatile String failure;
  private volatile long failures;
  private volatile long lastPollNanos = System.nanoTime();
  private volatile long lagCheckedNanos;
  private volatile long behind;
  /** A feed that has not polled for this long is stuck. */
  static final Duration STALL = Duration.ofSeconds(10);
  /** Further behind than this, reads are too old to answer from. */
  static final long MAX_BEHIND = 10_000;
  private static final Duration LAG_CHECK = Duration.ofSeconds(2);

  /** A feed with its own consumer built from {@code bootstrapServers} and {@code extraProperties}. */
  public ReadModelFeed(ReadModel model, Topics topics, String bootstrapServers, Map<String, String> extraProperties) {
    this(model, topics, new KafkaConsumer<>(consumerProperties(bootstrapServers, extraProperties),
        new StringDeserializer(), new ByteArrayDeserializer()));
  }

  /** A feed over a given consumer, which it owns and closes. */
  public ReadModelFeed(ReadModel model, Topics topics, Consumer<String, byte[]> consumer) {
    this.model = model;
    this.topics = topics;
    this.consumer = consumer;
    this.services = topics.services.valueSerde().deserializer();
    this.tasks = topics.tasks.valueSerde().deserializer();
    this.nodes = topics.nodes.valueSerde().deserializer();
    this.events = topics.events.valueSerde().deserializer();
    this.thread = new Thread(this::run, "shoal-gateway-read-model");
    this.thread.setDaemon(true);
  }

  static Map<String, Object> consumerProperties(String bootstrapServers, Map<String, String> extra) {
    Map<String, Object> p = new HashMap<>(extra);
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // The orchestrator writes its derived topics in transactions; aborted writes never happened.
    p.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "shoal-gateway-read-model");
    p.remove(ConsumerConfig.GROUP_ID_CONFIG);
    return p;
  }

  /** How many times the feed failed and restarted itself since start. */
  long failures() {
    return failures;
  }

  /** The feed's consumer, for its metrics only: the feed's thread is the only one that polls it. */
  public Consumer<String, byte[]> consumer() {
    return consumer;
  }

  public void start() {
    started = true;
    thread.start();
  }

  private void run() {
    List<TopicPartition> partitions = null;
    Map<TopicPartition, Long> ends = null;
    try {
      while (!closed) {
        try {
          if (partitions == null) {
            List<TopicPartition> found = discoverPartitions();
            if (found == null) {
              return;
            }
            consumer.assign(found);
            consumer.seekToBeginning(found);
            ends = consumer.endOffsets(found);
            partitions = found;
            LOG.info("read model feed assigned {} partitions", partitions.size());
          }
          pollOnce(partitions, ends);
          if (failure != null) {
            LOG.info("read model feed reads again after: {}", failure);
            failure = null;
          }
        } catch (WakeupException e) {
          if (!closed) {
            LOG.warn("read model feed woken up unexpectedly; going on");
          }
        } catch (RuntimeException e) {
          // The feed restarts itself: positions are kept, so nothing is read twice or skipped.
          failure = e.toString();
          failures++;
          LOG.error("read model feed failed ({} so far); retrying", failures, e);
          backOff();
        }
      }
    } finally {
      stopped = true;
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }

  private void pollOnce(List<TopicPartition> partitions, Map<TopicPartition, Long> ends) {
    // Decoded outside the model's lock, applied in one go: readers never see half a decision.
    List<Runnable> changes = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
      Runnable change = decode(r);
      if (change != null) {
        changes.add(change);
      }
    }
    if (!changes.isEmpty()) {
      model.applyTogether(() -> changes.forEach(Runnable::run));
    }
    lastPollNanos = System.nanoTime();
    if (!model.isCaughtUp() && reached(ends)) {
      model.markCaughtUp();
      LOG.info("read model caught up");
    }
    if (System.nanoTime() - lagCheckedNanos > LAG_CHECK.toNanos()) {
      lagCheckedNanos = System.nanoTime();
      try {
        long sum = 0;
        for (Map.Entry<TopicPartition, Long> e : consumer.endOffsets(partitions, LAG_CHECK).entrySet()) {
          sum += Math.max(0, e.getValue() - consumer.position(e.getKey()));
        }
        behind = sum;
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        // Only the lag figure is late (a busy broker): the feed itself reads on; try again next time.
        LOG.debug("read model lag check timed out; keeping {} records behind", behind);
      }
    }
  }

  private void backOff() {
    try {
      closing.await(Math.min(10_000, 500L * failures), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }

  /**
   * Whether reads are current: the feed runs, polled within {@link #STALL}, has caught up with what
   * the topics held at start, and is not more than {@link #MAX_BEHIND} records behind.
   */
  public dev.shoal.gateway.ClusterBackend.Health health() {
    if (!started || stopped) {
      return dev.shoal.gateway.ClusterBackend.Health.failing("the read model feed is not running"
          + (failure == null ? "" : ": " + failure), behind);
    }
    if (failure != null) {
      return dev.shoal.gateway.ClusterBackend.Health.failing("the read model feed cannot read Kafka: " + failure, behind);
    }
    if (!model.isCaughtUp()) {
      return dev.shoal.gateway.ClusterBackend.Health.failing("the read model is still catching up with the cluster", behind);
    }
    long silentMs = (System.nanoTime() - lastPollNanos) / 1_000_000;
    if (silentMs > STALL.toMillis()) {
      return dev.shoal.gateway.ClusterBackend.Health.failing("the read model feed has not polled for " + silentMs + " ms",
          behind);
    }
    if (behind > MAX_BEHIND) {
      return dev.shoal.gateway.ClusterBackend.Health.failing("the read model is " + behind + " records behind", behind);
    }
    return dev.shoal.gateway.ClusterBackend.Health.ok(behind);
  }

  /** Every partition of the four topics, waiting for topics that do not exist yet; null if closed meanwhile. */
  private List<TopicPartition> discoverPartitions() {
    List<String> names = List.of(topics.services.name(), topics.tasks.name(), topics.nodes.name(),
        topics.events.name(), topics.cluster.name());
    while (!closed) {
      List<TopicPartition> result = new ArrayList<>();
      List<String> missing = new ArrayList<>();
      for (String name : names) {
        List<PartitionInfo> infos = consumer.partitionsFor(name);
        if (infos == null || infos.isEmpty()) {
          missing.add(name);
        } else {
          infos.forEach(i -> result.add(new TopicPartition(i.topic(), i.partition())));
        }
      }
      if (missing.isEmpty()) {
        return result;
      }
      LOG.info("waiting for topics {}", missing);
      try {
        if (closing.await(TOPIC_RETRY_MILLIS, TimeUnit.MILLISECONDS)) {
          return null;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return null;
  }

  private boolean reached(Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** The change a record makes to the model, or null for a record to skip. */
  private Runnable decode(ConsumerRecord<String, byte[]> r) {
    String topic = r.topic();
    String key = r.key();
    try {
      if (topic.equals(topics.events.name())) {
        ClusterEvent e = events.deserialize(topic, r.value());
        return e == null ? null : () -> model.addEvent(e);
      } else if (key == null) {
        LOG.warn("skipping a record without key at {}-{}@{}", topic, r.partition(), r.offset());
      } else if (topic.equals(topics.services.name())) {
        Service s = services.deserialize(topic, r.value());
        return s == null ? () -> model.removeService(key) : () -> model.putService(key, s);
      } else if (topic.equals(topics.tasks.name())) {
        Task t = specs.share(tasks.deserialize(topic, r.value()));
        return t == null ? () -> model.removeTask(key) : () -> model.putTask(key, t);
      } else if (topic.equals(topics.cluster.name())) {
        dev.shoal.schemas.ClusterInfo info = topics.cluster.valueSerde().deserializer().deserialize(topic, r.value());
        return () -> model.putClusterInfo(info == null ? dev.shoal.schemas.ClusterInfo.INITIAL : info);
      } else if (topic.equals(topics.nodes.name())) {
        Node n = nodes.deserialize(topic, r.value());
        return n == null ? () -> model.removeNode(key) : () -> model.putNode(key, n);
      }
    } catch (RuntimeException e) {
      LOG.warn("skipping an unreadable record at {}-{}@{}: {}", topic, r.partition(), r.offset(), e.toString());
    }
    return null;
  }

  @Override
  public void close() {
    closed = true;
    closing.countDown();
    if (!started) {
      consumer.close(CloseOptions.timeout(Duration.ZERO));
      return;
    }
    consumer.wakeup();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
