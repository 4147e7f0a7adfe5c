package dev.shoal.orchestrator.streams;

import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.RejectionCode;
import dev.shoal.schemas.Validated;
import java.util.Set;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Reads an internal input log the orchestrator writes itself ({@code shoal.liveness}: node up and
 * down; {@code shoal.timers}: due timers) as strictly as any other door: any client with write
 * access could put a record there, so each is read as text, validated ({@link ControlMessageReader})
 * and must be of a kind this log carries; anything else is a {@code control.rejected} event.
 */
final class ControlIntake implements Processor<String, String, String, Object> {
  private final String topic;
  private final Set<Class<? extends ControlMessage>> kinds;
  private final IntakeSinks sinks;
  private ProcessorContext<String, Object> context;

  ControlIntake(String topic, Set<Class<? extends ControlMessage>> kinds, IntakeSinks sinks) {
    this.topic = topic;
    this.kinds = kinds;
    this.sinks = sinks;
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
      ClusterEvent ev = Rejections.of("control.rejected", "control", topic, "the record could not be read: " + e, null,
          topic, RejectionCode.INTERNAL, record.timestamp());
      context.forward(Headers.dropped(record).withKey(ev.entityId()).withValue((Object) ev), sinks.events());
    }
  }

  private void read(Record<String, String> record) {
    Validated<ControlMessage> read = ControlMessageReader.read(record.key(), record.value());
    if (read.valid() && !kinds.contains(read.value().getClass())) {
      read = Validated.refused(RejectionCode.INVALID, topic + " does not carry " + read.value().getClass().getSimpleName());
    }
    if (!read.valid()) {
      long offset = context.recordMetadata().map(m -> m.offset()).orElse(-1L);
      ClusterEvent e = Rejections.of("control.rejected", "control", topic + "@" + offset, read.reason(), null, topic,
          read.code(), record.timestamp());
      // none of the refused record's headers: they could fill the event past the broker's limit
      context.forward(Headers.dropped(record).withKey(e.entityId()).withValue((Object) e), sinks.events());
      dev.shoal.orchestrator.metrics.OrchestratorMetrics.of(context).rejected(e);
      return;
    }
    // The orchestrator writes these logs without headers; any a client added mean nothing here.
    context.forward(Headers.dropped(record).withValue((Object) read.value()), sinks.control());
  }
}
