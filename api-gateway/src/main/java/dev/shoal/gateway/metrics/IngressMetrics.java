package dev.shoal.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ingress as metrics, per published service: requests by status class with their latency, errors
 * by reason, and open connections. The ingress package calls it; the series of a service go away
 * with {@link #forget} when it is no longer published. Labels: the service name and small fixed
 * sets, never a client address or a task id.
 */
public final class IngressMetrics {
  private static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(25),
      Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofSeconds(5),
      Duration.ofSeconds(30)};

  private final MeterRegistry registry;
  private final Map<String, Timer> requests = new ConcurrentHashMap<>();
  private final Map<String, Counter> errors = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> connections = new ConcurrentHashMap<>();

  IngressMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** A request proxied for {@code service} was answered with {@code status} after {@code nanos}. */
  public void request(String service, int status, long nanos) {
    String statusClass = status >= 100 && status < 600 ? (status / 100) + "xx" : "other";
    requests.computeIfAbsent(service + "\u0000" + statusClass, k -> Timer.builder("shoal.gateway.ingress.requests")
        .description("Requests to published ports, by service and status class")
        .tag("service", service).tag("status", statusClass).serviceLevelObjectives(BUCKETS).register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * A request or connection for {@code service} failed before a task answered; {@code reason} is a
   * short word from a fixed set, e.g. {@code no_backend}, {@code connect_failed}, {@code timeout}.
   */
  public void error(String service, String reason) {
    errors.computeIfAbsent(service + "\u0000" + reason, k -> Counter.builder("shoal.gateway.ingress.errors")
        .description("Ingress requests that failed before a task answered, by service and reason")
        .tag("service", service).tag("reason", reason).register(registry)).increment();
  }

  public void connectionOpened(String service) {
    connection(service).incrementAndGet();
  }

  public void connectionClosed(String service) {
    connection(service).decrementAndGet();
  }

  private AtomicLong connection(String service) {
    return connections.computeIfAbsent(service, s -> {
      AtomicLong open = new AtomicLong();
      Gauge.builder("shoal.gateway.ingress.connections", open, AtomicLong::get)
          .description("Open client connections to a service's published ports").tag("service", s)
          .strongReference(true).register(registry);
      return open;
    });
  }

  /** The service is no longer published: its series go. */
  public void forget(String service) {
    requests.keySet().removeIf(k -> k.startsWith(service + "\u0000"));
    errors.keySet().removeIf(k -> k.startsWith(service + "\u0000"));
    connections.remove(service);
    for (Meter m : registry.getMeters()) {
      if (m.getId().getName().startsWith("shoal.gateway.ingress.") && service.equals(m.getId().getTag("service"))) {
        registry.remove(m);
      }
    }
  }
}
