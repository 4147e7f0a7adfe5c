package dev.shoal.orchestrator.streams;

import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.Json;
import java.util.function.Function;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Parses one JSON input log (commands, task status) into control messages; a record that does not
 * parse becomes a rejection event and the stream goes on.
 */
final class JsonIntake<T> implements Processor<String, String, String, Object> {
  private final String topic;
  private final Class<T> type;
  private final Function<T, ControlMessage> wrap;
  private final String rejectionType;
  private final IntakeSinks sinks;
  private ProcessorContext<String, Object> context;

  JsonIntake(String topic, Class<T> type, Function<T, ControlMessage> wrap, String rejectionType, IntakeSinks sinks) {
    this.sinks = sinks;
    this.topic = topic;
    this.type = type;
    this.wrap = wrap;
    this.rejectionType = rejectionType;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, String> record) {
    String requestId = Headers.get(record.headers(), Headers.REQUEST_ID);
    ControlMessage message;
    try {
      if (record.value() == null) {
        throw new IllegalArgumentException("empty record");
      }
      message = wrap.apply(Json.fromString(record.value(), type));
    } catch (RuntimeException e) {
      String reason = "unreadable " + type.getSimpleName() + ": " + rootMessage(e);
      ClusterEvent ev = Rejections.of(rejectionType, type.getSimpleName(), record.key(), reason, requestId, topic,
          record.timestamp());
      context.forward(record.withKey(record.key() == null ? "" : record.key()).withValue((Object) ev),
          sinks.events());
      return;
    }
    context.forward(record.withValue((Object) message), sinks.control());
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    int nl = m.indexOf('\n');
    return nl > 0 ? m.substring(0, nl) : m;
  }
}
