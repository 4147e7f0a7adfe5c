package dev.shoal.orchestrator.audit;

import java.nio.charset.StandardCharsets;

/**
 * One record as audit reads it from a topic partition: where it is, its key and value bytes, its
 * timestamp (and whether the broker set it: {@code appendTime}), and the {@code shoal-sequence}
 * header of the decision that wrote it (null when it has none). Pure data, no Kafka types, so the
 * replay and the comparison can be tested on records from anywhere.
 */
public record LogRecord(String topic, int partition, long offset, String key, byte[] value, long timestamp,
                        boolean appendTime, Long sequence) {

  /** {@code shoal.tasks-1@57}: where to find the record with any Kafka client. */
  public String where() {
    return topic + "-" + partition + "@" + offset;
  }

  /** The value as text (JSON everywhere in Shoal), or null for a tombstone. */
  public String text() {
    return value == null ? null : new String(value, StandardCharsets.UTF_8);
  }
}
