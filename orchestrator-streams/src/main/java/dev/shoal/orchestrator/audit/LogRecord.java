package dev.shoal.orchestrator.audit;

import java.nio.charset.StandardCharsets;

/**
 * One record as audit reads it from a topic partition: where it is, its key and value bytes, its
 * timestamp (and whether the broker set it: {@code appendTime}), the {@code shoal-sequence}
 * header of the decision that wrote it (null when it has none) and, on a control-log entry, the
 * {@code shoal-decision-code} header: the decision code that made it (null when it has none, as
 * entries written before it was recorded). Pure data, no Kafka types, so the replay and the
 * comparison can be tested on records from anywhere.
 */
public record LogRecord(String topic, int partition, long offset, String key, byte[] value, long timestamp,
                        boolean appendTime, Long sequence, Integer decisionCode) {

  /** A record without a decision-code header (every derived record, and tests'). */
  public LogRecord(String topic, int partition, long offset, String key, byte[] value, long timestamp,
                   boolean appendTime, Long sequence) {
    this(topic, partition, offset, key, value, timestamp, appendTime, sequence, null);
  }

  /** {@code shoal.tasks-1@57}: where to find the record with any Kafka client. */
  public String where() {
    return topic + "-" + partition + "@" + offset;
  }

  /** The value as text (JSON everywhere in Shoal), or null for a tombstone. */
  public String text() {
    return value == null ? null : new String(value, StandardCharsets.UTF_8);
  }
}
