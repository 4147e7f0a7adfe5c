package dev.shoal.orchestrator.streams;

import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.SpecValidator;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Turns records of {@code shoal.specs} into control messages: a valid spec becomes
 * {@code SpecApplied}, a tombstone {@code SpecRemoved}, anything else a {@code spec.rejected} event
 * with the validator's reason. Never throws on input.
 */
final class SpecIntake implements Processor<String, String, String, Object> {
  private final String topic;
  private final IntakeSinks sinks;
  private ProcessorContext<String, Object> context;

  SpecIntake(String topic, IntakeSinks sinks) {
    this.topic = topic;
    this.sinks = sinks;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, String> record) {
    String principal = Headers.get(record.headers(), Headers.PRINCIPAL);
    String requestId = Headers.get(record.headers(), Headers.REQUEST_ID);
    String key = record.key();
    if (key == null || key.isBlank()) {
      reject(record, key, "a spec record needs the service name as its key", requestId);
      return;
    }
    if (record.value() == null) {
      context.forward(record.withValue((Object) new ControlMessage.SpecRemoved(key, principal, requestId)),
          sinks.control());
      return;
    }
    SpecValidator.Result result = SpecValidator.validate(record.value());
    if (!result.valid()) {
      reject(record, key, result.message(), requestId);
      return;
    }
    if (!key.equals(result.spec().name())) {
      reject(record, key, "record key \"" + key + "\" does not match the spec name \"" + result.spec().name() + "\"",
          requestId);
      return;
    }
    Long expected;
    try {
      String v = Headers.get(record.headers(), Headers.EXPECTED_VERSION);
      expected = v == null ? null : Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      reject(record, key, "header " + Headers.EXPECTED_VERSION + " is not a number", requestId);
      return;
    }
    context.forward(record.withValue((Object) new ControlMessage.SpecApplied(result.spec(), expected, principal, requestId)),
        sinks.control());
  }

  private void reject(Record<String, String> record, String key, String reason, String requestId) {
    ClusterEvent e = Rejections.of("spec.rejected", "service", key, reason, requestId, topic, record.timestamp());
    context.forward(record.withKey(key == null ? "" : key).withValue((Object) e), sinks.events());
  }
}
