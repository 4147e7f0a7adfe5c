package dev.shoal.orchestrator.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * One gauge name with a row per label combination, each row a number kept by the caller. The rows
 * change on one thread (the decision thread); a scrape reads them from another through the
 * {@link AtomicLong}s, so it never sees a half-written number, only a count between two decisions.
 * A row is registered the first time it is touched and stays, at zero if need be, until the caller
 * removes it (its service or node is gone): Prometheus then sees 0, not a vanished series.
 */
final class GaugeFamily {
  private record Row(AtomicLong value, Gauge gauge) {}

  private final MeterRegistry registry;
  private final String name;
  private final String description;
  private final List<String> keys;
  private final Map<List<String>, Row> rows = new HashMap<>();

  GaugeFamily(MeterRegistry registry, String name, String description, String... keys) {
    this.registry = registry;
    this.name = name;
    this.description = description;
    this.keys = List.of(keys);
  }

  void add(List<String> values, long delta) {
    row(values).value.addAndGet(delta);
  }

  void set(List<String> values, long value) {
    row(values).value.set(value);
  }

  /** The row's value, or empty when it has none (tests). */
  java.util.OptionalLong value(List<String> values) {
    Row r = rows.get(values);
    return r == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(r.value.get());
  }

  /** Drops (unregisters) every row whose label values match. */
  void removeIf(Predicate<List<String>> which) {
    for (Iterator<Map.Entry<List<String>, Row>> it = rows.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<List<String>, Row> e = it.next();
      if (which.test(e.getKey())) {
        registry.remove(e.getValue().gauge);
        it.remove();
      }
    }
  }

  void clear() {
    removeIf(v -> true);
  }

  private Row row(List<String> values) {
    Row r = rows.get(values);
    if (r == null) {
      if (values.size() != keys.size()) {
        throw new IllegalArgumentException(name + " has labels " + keys + ", got " + values);
      }
      List<String> tags = new ArrayList<>();
      for (int i = 0; i < keys.size(); i++) {
        tags.add(keys.get(i));
        tags.add(values.get(i));
      }
      AtomicLong v = new AtomicLong();
      // A strong reference: the registry would otherwise let the number be collected, and the row read NaN.
      Gauge g = Gauge.builder(name, v, AtomicLong::get).description(description)
          .tags(Tags.of(tags.toArray(String[]::new))).strongReference(true).register(registry);
      r = new Row(v, g);
      rows.put(List.copyOf(values), r);
    }
    return r;
  }
}
