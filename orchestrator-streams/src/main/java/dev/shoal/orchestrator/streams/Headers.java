package dev.shoal.orchestrator.streams;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;

/**
 * Kafka headers a publisher may put on a spec or command record. All optional: a plain client
 * that sets none still gets its spec applied (DESIGN principle 3).
 */
public final class Headers {
  /** Who made the change; the gateway sets it from the authenticated user. */
  public static final String PRINCIPAL = "shoal-principal";
  /** An id the publisher chose, echoed in events so it can find the outcome of its request. */
  public static final String REQUEST_ID = "shoal-request-id";
  /** The service version the publisher read; the change is refused when the service moved on. */
  public static final String EXPECTED_VERSION = "shoal-expected-version";

  private Headers() {}

  static String get(org.apache.kafka.common.header.Headers headers, String name) {
    Header h = headers == null ? null : headers.lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
