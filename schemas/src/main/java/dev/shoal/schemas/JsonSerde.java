package dev.shoal.schemas;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** A Kafka serde for one record type through {@link Json}; null is a tombstone both ways. */
public final class JsonSerde<T> implements Serde<T> {
  private final Class<T> type;
  private final boolean ownRecords;

  /** Records read with every check inputs get ({@link Json#fromBytes}). */
  public JsonSerde(Class<T> type) {
    this(type, false);
  }

  private JsonSerde(Class<T> type, boolean ownRecords) {
    this.type = type;
    this.ownRecords = ownRecords;
  }

  /**
   * For a topic only the orchestrator writes, through {@link Json}: its records are read by
   * {@link Json#fromOwnBytes}, without the duplicate-key check that input gets.
   */
  public static <T> JsonSerde<T> ownRecords(Class<T> type) {
    return new JsonSerde<>(type, true);
  }

  /** Whether records are read by {@link Json#fromOwnBytes}; for tests. */
  boolean readsOwnRecords() {
    return ownRecords;
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, value) -> value == null ? null : Json.toBytes(value);
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      try {
        return ownRecords ? Json.fromOwnBytes(bytes, type) : Json.fromBytes(bytes, type);
      } catch (RuntimeException e) {
        throw new SerializationException("cannot read " + type.getSimpleName() + " from " + topic, e);
      }
    };
  }
}
