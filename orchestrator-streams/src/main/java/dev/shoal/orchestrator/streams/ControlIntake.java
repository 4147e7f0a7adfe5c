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

  @Override
  public void process(Record<String, String> record) {
    Validated<ControlMessage> read = ControlMessageReader.read(record.key(), record.value());
    if (read.valid() && !kinds.contains(read.value().getClass())) {
      read = Validated.refused(RejectionCode.INVALID, topic + " does not carry " + read.value().getClass().getSimpleName());
    }
    if (!read.valid()) {
      long offset = context.recordMetadata().map(m -> m.offset()).orElse(-1L);
      ClusterEvent e = Rejections.of("control.rejected", "control", topic + "@" + offset, read.reason(), null, topic,
          read.code(), record.timestamp());
      context.forward(record.withKey(e.entityId()).withValue((Object) e), sinks.events());
      dev.shoal.orchestrator.metrics.OrchestratorMetrics.of(context).rejected(e);
      return;
    }
    context.forward(record.withValue((Object) read.value()), sinks.control());
  }
}
