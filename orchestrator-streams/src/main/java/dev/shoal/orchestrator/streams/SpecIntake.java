package dev.shoal.orchestrator.streams;

import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.Identifiers;
import dev.shoal.schemas.RejectionCode;
import dev.shoal.schemas.SpecValidator;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Turns records of {@code shoal.specs} into control messages: a valid spec becomes
 * {@code SpecApplied}, a tombstone {@code SpecRemoved}, anything else a {@code spec.rejected} event
 * with the validator's reason and code. Never throws on input.
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

  /** Reads one record; a failure in reading it refuses the record, never stops the log (invariant 6). */
  @Override
  public void process(Record<String, String> record) {
    try {
      read(record);
    } catch (RuntimeException | StackOverflowError e) {
      reject(record, record.key(), "the record could not be read: " + e, null, RejectionCode.INTERNAL);
    }
  }

  private void read(Record<String, String> record) {
    String requestId = Headers.requestIdOrNull(record.headers());
    String key = record.key();
    String principal;
    Long expected;
    try {
      principal = Headers.get(record.headers(), Headers.PRINCIPAL);
      requestId = Headers.get(record.headers(), Headers.REQUEST_ID);
      String v = Headers.get(record.headers(), Headers.EXPECTED_VERSION);
      expected = v == null ? null : Long.parseLong(v.trim());
      if (expected != null && expected < 0) {
        throw new IllegalArgumentException("header " + Headers.EXPECTED_VERSION + " must be 0 (create) or a version");
      }
    } catch (NumberFormatException e) {
      reject(record, key, "header " + Headers.EXPECTED_VERSION + " is not a number", requestId, RejectionCode.INVALID);
      return;
    } catch (IllegalArgumentException e) {
      reject(record, key, e.getMessage(), requestId, RejectionCode.INVALID);
      return;
    }
    if (key == null || key.isBlank()) {
      reject(record, key, "a spec record needs the service name as its key", requestId, RejectionCode.INVALID);
      return;
    }
    if (!Identifiers.serviceName(key)) {
      reject(record, key, "record key: " + Identifiers.serviceNameProblem(key), requestId, RejectionCode.INVALID);
      return;
    }
    if (record.value() == null) {
      context.forward(Headers.dropped(record).withValue((Object) new ControlMessage.SpecRemoved(key, principal, requestId)),
          sinks.control());
      return;
    }
    SpecValidator.Result result = SpecValidator.validate(record.value());
    if (!result.valid()) {
      reject(record, key, result.message(), requestId, result.code());
      return;
    }
    if (!key.equals(result.spec().name())) {
      reject(record, key, "record key \"" + key + "\" does not match the spec name \"" + result.spec().name() + "\"",
          requestId, RejectionCode.INVALID);
      return;
    }
    context.forward(Headers.dropped(record).withValue((Object) new ControlMessage.SpecApplied(result.spec(), expected, principal, requestId)),
        sinks.control());
  }

  private void reject(Record<String, String> record, String key, String reason, String requestId, RejectionCode code) {
    ClusterEvent e = Rejections.of("spec.rejected", "service", key, reason, requestId, topic, code, record.timestamp());
    context.forward(Headers.dropped(record).withKey(e.entityId()).withValue((Object) e), sinks.events());
    dev.shoal.orchestrator.metrics.OrchestratorMetrics.of(context).rejected(e);
  }
}
