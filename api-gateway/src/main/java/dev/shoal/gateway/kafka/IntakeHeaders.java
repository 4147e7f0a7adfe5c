package dev.shoal.gateway.kafka;

import dev.shoal.gateway.Caller;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;

/** The headers the orchestrator's intake reads on spec and command records. */
public final class IntakeHeaders {
  public static final String PRINCIPAL = "shoal-principal";
  public static final String REQUEST_ID = "shoal-request-id";
  public static final String EXPECTED_VERSION = "shoal-expected-version";

  private IntakeHeaders() {}

  static <V> ProducerRecord<String, V> stamp(ProducerRecord<String, V> record, Caller caller, Long expectedVersion) {
    add(record, PRINCIPAL, caller.principal());
    add(record, REQUEST_ID, caller.requestId());
    if (expectedVersion != null) {
      add(record, EXPECTED_VERSION, Long.toString(expectedVersion));
    }
    return record;
  }

  private static void add(ProducerRecord<String, ?> record, String name, String value) {
    record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
  }
}
