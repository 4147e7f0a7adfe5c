package dev.shoal.orchestrator.streams;

import dev.shoal.schemas.Identifiers;
import dev.shoal.schemas.Limits;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;

/**
 * Kafka headers a publisher may put on a spec or command record. All optional: a plain client
 * that sets none still gets its spec applied (DESIGN principle 3). Values are bounded and must be
 * tokens; a bad header refuses the record rather than being believed.
 */
public final class Headers {
  /** Who made the change; the gateway sets it from the authenticated user. */
  public static final String PRINCIPAL = "shoal-principal";
  /** An id the publisher chose, echoed in events so it can find the outcome of its request. */
  public static final String REQUEST_ID = "shoal-request-id";
  /** The service version the publisher read (0: create only); the change is refused when the service moved on. */
  public static final String EXPECTED_VERSION = "shoal-expected-version";
  /**
   * On every record the decision task publishes (control log and derived topics): the sequence
   * number of the decision that wrote it, so audit can pair a decision with its outputs.
   */
  public static final String SEQUENCE = "shoal-sequence";
  /**
   * On every control-log entry: the {@code DecisionCode} version of the build that made the decision,
   * so audit re-derives only decisions its own code made.
   */
  public static final String DECISION_CODE = "shoal-decision-code";

  private Headers() {}

  /** A header's value, or null; throws {@link IllegalArgumentException} for a value that is not a bounded token. */
  static String get(org.apache.kafka.common.header.Headers headers, String name) {
    Header h = headers == null ? null : headers.lastHeader(name);
    if (h == null || h.value() == null) {
      return null;
    }
    if (h.value().length > Limits.MAX_HEADER_BYTES) {
      throw new IllegalArgumentException("header " + name + " is longer than " + Limits.MAX_HEADER_BYTES + " bytes");
    }
    String v = new String(h.value(), StandardCharsets.UTF_8);
    if (!Identifiers.token(v)) {
      throw new IllegalArgumentException("header " + name + " must be printable characters without spaces");
    }
    return v;
  }

  /**
   * {@code record} without the headers its publisher set: what the intake publishes is its own
   * record. Copied headers would carry a client's bytes into the control log and the events
   * (principle 6), and can make a record over the producer's limit out of a small one (a
   * megabyte of headers on a one-byte value), which fails the stream thread on every retry.
   */
  static <K, V> org.apache.kafka.streams.processor.api.Record<K, V> dropped(
      org.apache.kafka.streams.processor.api.Record<K, V> record) {
    return record.withHeaders(new org.apache.kafka.common.header.internals.RecordHeaders());
  }

  /** The request id, or null when absent or unusable (it only ties a rejection to its request). */
  static String requestIdOrNull(org.apache.kafka.common.header.Headers headers) {
    try {
      return get(headers, REQUEST_ID);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
