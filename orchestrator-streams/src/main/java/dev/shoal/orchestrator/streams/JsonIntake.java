package dev.shoal.orchestrator.streams;

import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.Limits;
import dev.shoal.schemas.RejectionCode;
import dev.shoal.schemas.Validated;
import dev.shoal.schemas.Utf8;
import java.util.function.Function;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Parses one JSON input log (commands, task status) into control messages: a record over its size
 * limit, one that does not parse, or one its validator refuses becomes a rejection event with the
 * reason and code, and the stream goes on.
 */
final class JsonIntake<T> implements Processor<String, String, String, Object> {
  private final String topic;
  private final String typeName;
  private final Function<String, Validated<T>> parse;
  private final int maxBytes;
  private final Function<T, Validated<ControlMessage>> validate;
  private final String rejectionType;
  private final IntakeSinks sinks;
  private ProcessorContext<String, Object> context;

  JsonIntake(String topic, Class<T> type, int maxBytes, Function<T, Validated<ControlMessage>> validate,
             String rejectionType, IntakeSinks sinks) {
    this(topic, type.getSimpleName(), text -> Validated.ok(Json.fromString(text, type)), maxBytes, validate,
        rejectionType, sinks);
  }

  /**
   * Reading records with {@code parse}, which may refuse one by its shape (a text it cannot parse it
   * throws for); {@code maxBytes} is the largest record of any shape.
   */
  JsonIntake(String topic, String typeName, Function<String, Validated<T>> parse, int maxBytes,
             Function<T, Validated<ControlMessage>> validate, String rejectionType, IntakeSinks sinks) {
    this.sinks = sinks;
    this.topic = topic;
    this.typeName = typeName;
    this.parse = parse;
    this.maxBytes = maxBytes;
    this.validate = validate;
    this.rejectionType = rejectionType;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
  }

  /** Reads one record; a failure in reading it refuses the record, never stops the log (invariant 6). */
  @Override
  public void process(Record<String, String> record) {
    try {
      read(record);
    } catch (RuntimeException | StackOverflowError e) {
      reject(record, "the record could not be read: " + e, null, RejectionCode.INTERNAL);
    }
  }

  private void read(Record<String, String> record) {
    String requestId = Headers.requestIdOrNull(record.headers());
    if (record.value() == null) {
      reject(record, "empty record", requestId, RejectionCode.INVALID);
      return;
    }
    if (Utf8.longerThan(record.value(), maxBytes)
        || (record.key() != null && Utf8.longerThan(record.key(), Limits.MAX_KEY_BYTES))) {
      reject(record, "a " + typeName + " record is at most " + maxBytes + " bytes with a key of at most "
          + Limits.MAX_KEY_BYTES, requestId, RejectionCode.TOO_LARGE);
      return;
    }
    T parsed;
    try {
      Validated<T> read = parse.apply(record.value());
      if (!read.valid()) {
        reject(record, read.reason(), requestId, read.code());
        return;
      }
      parsed = read.value();
    } catch (RuntimeException e) {
      reject(record, "unreadable " + typeName + ": " + rootMessage(e), requestId, RejectionCode.INVALID);
      return;
    }
    if (requestId == null && parsed instanceof dev.shoal.schemas.CommandEnvelope e
        && dev.shoal.schemas.Identifiers.token(e.requestId())) {
      requestId = e.requestId(); // a plain client may put it in the envelope only
    }
    Validated<ControlMessage> v;
    try {
      v = validate.apply(parsed);
    } catch (RuntimeException e) {
      reject(record, "invalid " + typeName + ": " + rootMessage(e), requestId, RejectionCode.INVALID);
      return;
    }
    if (!v.valid()) {
      reject(record, v.reason(), requestId, v.code());
      return;
    }
    context.forward(Headers.dropped(record).withValue((Object) v.value()), sinks.control());
  }

  private void reject(Record<String, String> record, String reason, String requestId, RejectionCode code) {
    ClusterEvent ev = Rejections.of(rejectionType, typeName, record.key(), reason, requestId, topic, code,
        record.timestamp());
    context.forward(Headers.dropped(record).withKey(ev.entityId()).withValue((Object) ev), sinks.events());
    dev.shoal.orchestrator.metrics.OrchestratorMetrics.of(context).rejected(ev);
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    int nl = m.indexOf('\n');
    m = nl > 0 ? m.substring(0, nl) : m;
    return m.length() > 500 ? m.substring(0, 500) + "…" : m;
  }
}
