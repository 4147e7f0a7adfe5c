package dev.shoal.ops.bench;

import dev.shoal.orchestrator.core.DecisionCode;
import dev.shoal.orchestrator.streams.DecisionOutputs;
import dev.shoal.orchestrator.streams.Headers;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Publishes decisions as the orchestrator's transactional producer does: every record of a decision
 * (the control-log entry and the derived records) keyed, with the decision time as its record time
 * and the {@code shoal-sequence} header (the control-log entry also {@code shoal-decision-code}), partitioned by Kafka's default partitioner of each record's
 * {@code partitionKey} (an assignment record goes to its node's partition). Decisions go in
 * transactions of {@code perTransaction} (the orchestrator commits about every 100 ms, a few
 * decisions each; one transaction per decision would make the generator, not the replay, the
 * bottleneck); so the logs hold commit markers between records, as the real ones do.
 */
final class DecisionLogWriter implements AutoCloseable {
  private final KafkaProducer<String, byte[]> producer;
  private final int perTransaction;
  private final Map<String, Integer> partitions = new HashMap<>();
  private int inTransaction;
  private long records;

  private static final byte[] DECISION_CODE =
      Integer.toString(DecisionCode.VERSION).getBytes(StandardCharsets.UTF_8);
  private final String controlTopic;

  DecisionLogWriter(String bootstrapServers, int perTransaction, String controlTopic) {
    this.controlTopic = controlTopic;
    Map<String, Object> c = new HashMap<>();
    c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    c.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "shoal-bench-audit");
    c.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    c.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
    c.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(128L << 20));
    this.producer = new KafkaProducer<>(c, new StringSerializer(), new ByteArraySerializer());
    this.perTransaction = perTransaction;
    producer.initTransactions();
  }

  void write(BenchDecisions.Decided d) {
    if (inTransaction == 0) {
      producer.beginTransaction();
    }
    byte[] sequence = Long.toString(d.sequence()).getBytes(StandardCharsets.UTF_8);
    for (DecisionOutputs.Published p : d.records()) {
      RecordHeaders h = new RecordHeaders();
      h.add(Headers.SEQUENCE, sequence);
      if (p.topic().equals(controlTopic)) {
        h.add(Headers.DECISION_CODE, DECISION_CODE);
      }
      producer.send(new ProducerRecord<>(p.topic(), partition(p), d.time(), p.key(), p.value(), h));
      records++;
    }
    if (++inTransaction >= perTransaction) {
      commit();
    }
  }

  private int partition(DecisionOutputs.Published p) {
    int n = partitions.computeIfAbsent(p.topic(), t -> producer.partitionsFor(t).size());
    return Utils.toPositive(Utils.murmur2(p.partitionKey().getBytes(StandardCharsets.UTF_8))) % n;
  }

  /** Records sent so far, over every topic. */
  long records() {
    return records;
  }

  void commit() {
    if (inTransaction > 0) {
      producer.commitTransaction();
      inTransaction = 0;
    }
  }

  @Override
  public void close() {
    commit();
    producer.close();
  }
}
