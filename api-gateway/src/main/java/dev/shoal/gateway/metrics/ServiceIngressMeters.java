package dev.shoal.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The ingress series of one published service. The connection gauge and the retry counter exist
 * from the start (a published service shows 0, not nothing); a request timer per status class and
 * an error counter per reason appear with their first event. Once {@link #remove}d, nothing is
 * registered again: a late event is dropped rather than resurrecting a series.
 */
final class ServiceIngressMeters implements IngressMetrics.Connections {
  private static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(25),
      Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofSeconds(5),
      Duration.ofSeconds(30)};
  /** Index = status / 100; 0 is anything outside 100–599. */
  private static final String[] STATUS_CLASSES = {"other", "1xx", "2xx", "3xx", "4xx", "5xx"};

  private final MeterRegistry registry;
  private final String service;
  private final AtomicReferenceArray<Timer> requests = new AtomicReferenceArray<>(STATUS_CLASSES.length);
  private final AtomicReferenceArray<Counter> errors =
      new AtomicReferenceArray<>(IngressMetrics.Reason.values().length);
  private final AtomicLong open = new AtomicLong();
  private final Counter retries;
  /** Guarded by this. */
  private final List<Meter> registered = new ArrayList<>();
  /** Guarded by this. */
  private boolean removed;

  ServiceIngressMeters(MeterRegistry registry, String service) {
    this.registry = registry;
    this.service = service;
    registered.add(Gauge.builder("shoal.gateway.ingress.connections", open, AtomicLong::get)
        .description("Open client connections to a service's published ports").tag("service", service)
        .strongReference(true).register(registry));
    retries = Counter.builder("shoal.gateway.ingress.retries")
        .description("Requests or connections sent to another task after one failed, by service")
        .tag("service", service).register(registry);
    registered.add(retries);
  }

  void request(int status, long nanos) {
    int i = status >= 100 && status < 600 ? status / 100 : 0;
    Timer t = requests.get(i);
    if (t == null) {
      t = timer(i);
    }
    if (t != null) {
      t.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  private synchronized Timer timer(int i) {
    if (removed) {
      return null;
    }
    Timer t = requests.get(i);
    if (t == null) {
      t = Timer.builder("shoal.gateway.ingress.requests")
          .description("Requests to published ports, by service and status class")
          .tag("service", service).tag("status", STATUS_CLASSES[i]).serviceLevelObjectives(BUCKETS)
          .register(registry);
      registered.add(t);
      requests.set(i, t);
    }
    return t;
  }

  void error(IngressMetrics.Reason reason) {
    Counter c = errors.get(reason.ordinal());
    if (c == null) {
      c = counter(reason);
    }
    if (c != null) {
      c.increment();
    }
  }

  private synchronized Counter counter(IngressMetrics.Reason reason) {
    if (removed) {
      return null;
    }
    Counter c = errors.get(reason.ordinal());
    if (c == null) {
      c = Counter.builder("shoal.gateway.ingress.errors")
          .description("Ingress requests or connections that failed before a task answered, by service and reason")
          .tag("service", service).tag("reason", reason.label()).register(registry);
      registered.add(c);
      errors.set(reason.ordinal(), c);
    }
    return c;
  }

  void retried() {
    retries.increment();
  }

  @Override
  public void opened() {
    open.incrementAndGet();
  }

  @Override
  public void closed() {
    open.decrementAndGet();
  }

  synchronized void remove() {
    removed = true;
    registered.forEach(registry::remove);
    registered.clear();
  }
}
