package dev.shoal.orchestrator.audit;

import dev.shoal.orchestrator.streams.Headers;
import dev.shoal.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * An {@link AuditSource} over a Kafka cluster: plain consumers without a group, reading committed
 * records only (a transaction the orchestrator aborted never happened), one for the control log and
 * one per derived partition, so each partition is read in step with the replay. Topic ids, partition
 * counts and cleanup policies come from the Admin API. Reads only: nothing is written to Kafka.
 */
public final class KafkaAuditSource implements AuditSource, DerivedLogs {
  private static final Duration POLL = Duration.ofMillis(500);
  // A poll that gets only a transaction's commit marker moves the position past it but returns no
  // record, and then waits out its whole timeout. The last record a run stopped at is followed by
  // such a marker in every partition, so a run resumed there would wait POLL per partition: reads
  // poll in short steps and look at the position between them.
  private static final Duration STEP = Duration.ofMillis(20);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Map<String, Object> consumerConfig;
  private final Topics topics;
  private final Map<String, String> ids = new TreeMap<>();
  private final Map<String, Integer> partitions = new HashMap<>();
  private final Map<String, Boolean> compacted = new HashMap<>();
  private final List<AutoCloseable> open = new ArrayList<>();
  private KafkaControlLog control;

  /**
   * Connects with {@code clientConfig} (security settings and the like) to {@code bootstrapServers}
   * and describes the topics of {@code topics}.
   *
   * @throws ReplayException when a topic is missing (not a Shoal cluster, or another --topic-prefix)
   */
  public KafkaAuditSource(String bootstrapServers, Map<String, ?> clientConfig, Topics topics) {
    this.topics = topics;
    Map<String, Object> base = new HashMap<>(clientConfig);
    base.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    Map<String, Object> c = new HashMap<>(base);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    // A fetch at a partition's end waits on the broker for new records up to this long, and the
    // broker answers a connection's requests in order: the endOffsets() asked at each partition's
    // end queued behind that fetch (the default 500 ms, for each of the 19 partitions). Audit reads
    // history that is already written, so a long wait for new records buys nothing.
    c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "20");
    c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(16 << 20));
    c.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(64 << 20));
    c.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "shoal-audit");
    c.remove(ConsumerConfig.GROUP_ID_CONFIG);
    this.consumerConfig = c;
    List<String> names = new ArrayList<>(List.of(topics.control.name(), topics.services.name(), topics.tasks.name(),
        topics.nodes.name(), topics.assignments.name(), topics.events.name(), topics.cluster.name()));
    try (Admin admin = Admin.create(base)) {
      Map<String, TopicDescription> d = admin.describeTopics(names).allTopicNames().get();
      d.forEach((name, td) -> {
        ids.put(name, td.topicId().toString());
        partitions.put(name, td.partitions().size());
      });
      List<ConfigResource> resources = names.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
      Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get();
      configs.forEach((r, cfg) -> {
        var policy = cfg.get("cleanup.policy");
        compacted.put(r.name(), policy != null && policy.value() != null && policy.value().contains("compact"));
      });
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        throw new ReplayException("a topic of the catalogue is missing on " + bootstrapServers + " (" + names
            + "): is this a Shoal cluster, with this --topic-prefix?");
      }
      throw new ReplayException("cannot describe Shoal's topics on " + bootstrapServers + ": " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReplayException("interrupted");
    }
  }

  @Override
  public synchronized ControlLog control() {
    if (control == null) {
      control = new KafkaControlLog(new TopicPartition(topics.control.name(), 0));
      open.add(control);
    }
    return control;
  }

  @Override
  public DerivedLogs derived() {
    return this;
  }

  @Override
  public Map<String, String> topicIds() {
    return Map.copyOf(ids);
  }

  @Override
  public int partitions(String topic) {
    return partitions.getOrDefault(topic, 1);
  }

  @Override
  public boolean compacted(String topic) {
    return compacted.getOrDefault(topic, false);
  }

  /** Kafka's default partitioner for a keyed record, which the orchestrator's producer uses. */
  @Override
  public int partitionFor(String topic, String key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  @Override
  public synchronized PartitionLog open(String topic, int partition, long position) {
    KafkaPartitionLog log = new KafkaPartitionLog(new TopicPartition(topic, partition), position);
    open.add(log);
    return log;
  }

  @Override
  public synchronized void close() {
    for (AutoCloseable c : open) {
      try {
        c.close();
      } catch (Exception e) {
        // closing consumers: nothing to save
      }
    }
    open.clear();
  }

  private KafkaConsumer<String, byte[]> consumer() {
    return new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
  }

  static LogRecord record(ConsumerRecord<String, byte[]> r) {
    Long sequence = number(r.headers().lastHeader(Headers.SEQUENCE));
    Long code = number(r.headers().lastHeader(Headers.DECISION_CODE));
    return new LogRecord(r.topic(), r.partition(), r.offset(), r.key(), r.value(), r.timestamp(),
        r.timestampType() == TimestampType.LOG_APPEND_TIME, sequence,
        code == null || code < 0 || code > Integer.MAX_VALUE ? null : code.intValue());
  }

  /** A header holding a decimal number, or null: a header that is not a decision's counts as none. */
  private static Long number(Header h) {
    if (h == null || h.value() == null || h.value().length > 20) {
      return null;
    }
    try {
      return Long.parseLong(new String(h.value(), StandardCharsets.UTF_8));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The control log: one consumer, its end taken when opened. */
  private final class KafkaControlLog implements ControlLog, AutoCloseable {
    private final TopicPartition tp;
    private final KafkaConsumer<String, byte[]> consumer;
    private final long start;
    private final long end;
    private KafkaConsumer<String, byte[]> single; // for at(offset), so the main position stays put

    KafkaControlLog(TopicPartition tp) {
      this.tp = tp;
      this.consumer = consumer();
      consumer.assign(List.of(tp));
      this.start = consumer.beginningOffsets(List.of(tp), TIMEOUT).get(tp);
      this.end = consumer.endOffsets(List.of(tp), TIMEOUT).get(tp);
      consumer.seek(tp, start);
    }

    @Override
    public long startOffset() {
      return start;
    }

    @Override
    public long endOffset() {
      return end;
    }

    @Override
    public void seek(long offset) {
      consumer.seek(tp, Math.max(offset, start));
    }

    @Override
    public List<LogRecord> next() {
      while (consumer.position(tp, TIMEOUT) < end) {
        List<LogRecord> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : consumer.poll(STEP).records(tp)) {
          if (r.offset() < end) {
            out.add(record(r));
          }
        }
        if (!out.isEmpty()) {
          return out;
        }
      }
      return List.of();
    }

    @Override
    public Optional<LogRecord> at(long offset) {
      if (offset < start || offset >= end) {
        return Optional.empty();
      }
      if (single == null) {
        single = consumer();
        single.assign(List.of(tp));
      }
      single.seek(tp, offset);
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (System.nanoTime() < deadline && single.position(tp, TIMEOUT) < end) {
        for (ConsumerRecord<String, byte[]> r : single.poll(POLL).records(tp)) {
          return r.offset() == offset ? Optional.of(record(r)) : Optional.empty();
        }
      }
      return Optional.empty();
    }

    @Override
    public long offsetForTime(long time) {
      OffsetAndTimestamp o = consumer.offsetsForTimes(Map.of(tp, time), TIMEOUT).get(tp);
      return o == null ? end : Math.min(o.offset(), end);
    }

    @Override
    public void close() {
      consumer.close(Duration.ofSeconds(2));
      if (single != null) {
        single.close(Duration.ofSeconds(2));
      }
    }
  }

  /**
   * One derived partition: a consumer and a buffer. At its end it asks the broker for the end once
   * more (at most once a second): a transaction's commit writes its markers partition by partition,
   * so the control log may show a decision a moment before this partition shows its records.
   */
  private final class KafkaPartitionLog implements PartitionLog, AutoCloseable {
    private final TopicPartition tp;
    private final KafkaConsumer<String, byte[]> consumer;
    private final ArrayDeque<LogRecord> buffer = new ArrayDeque<>();
    private final long start;
    private long end;
    private long position;
    private long endCheckedNanos;
    private boolean endChecked;

    KafkaPartitionLog(TopicPartition tp, long from) {
      this.tp = tp;
      this.consumer = consumer();
      consumer.assign(List.of(tp));
      this.start = consumer.beginningOffsets(List.of(tp), TIMEOUT).get(tp);
      this.end = consumer.endOffsets(List.of(tp), TIMEOUT).get(tp);
      this.position = from < 0 ? start : Math.max(from, start);
      consumer.seek(tp, position);
    }

    @Override
    public LogRecord peek() {
      if (buffer.isEmpty()) {
        fill();
      }
      return buffer.peekFirst();
    }

    @Override
    public void consume() {
      LogRecord r = buffer.pollFirst();
      if (r != null) {
        position = r.offset() + 1;
      }
    }

    @Override
    public List<LogRecord> upcoming(long sequence) {
      while (buffer.stream().noneMatch(r -> r.sequence() != null && r.sequence() > sequence) && fill()) {
        // fill() appended more
      }
      List<LogRecord> out = new ArrayList<>();
      for (LogRecord r : buffer) {
        out.add(r);
        if (r.sequence() != null && r.sequence() > sequence) {
          break;
        }
      }
      return out;
    }

    @Override
    public long position() {
      return position;
    }

    @Override
    public long startOffset() {
      return start;
    }

    /** Appends the next fetched records to the buffer; false when there are none (the end). */
    private boolean fill() {
      while (true) {
        if (consumer.position(tp, TIMEOUT) >= end && !endMayHaveMoved()) {
          return false;
        }
        Collection<ConsumerRecord<String, byte[]>> got = consumer.poll(STEP).records(tp);
        if (!got.isEmpty()) {
          got.forEach(r -> buffer.addLast(record(r)));
          return true;
        }
      }
    }

    private boolean endMayHaveMoved() {
      if (endChecked && System.nanoTime() - endCheckedNanos < Duration.ofSeconds(1).toNanos()) {
        return false;
      }
      endChecked = true;
      endCheckedNanos = System.nanoTime();
      end = consumer.endOffsets(List.of(tp), TIMEOUT).get(tp);
      return consumer.position(tp, TIMEOUT) < end;
    }

    @Override
    public void close() {
      consumer.close(Duration.ofSeconds(2));
    }
  }
}
