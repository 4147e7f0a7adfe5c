package dev.shoal.metrics;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * The metrics of one Shoal process: a Prometheus registry with the JVM and process binders bound
 * once. One registry per process, not one per component: {@code shoal dev} runs every component in
 * one JVM, and a registry each would export the same JVM series several times. Components tell
 * their series apart by name ({@code shoal_orchestrator_*}, {@code shoal_agent_*},
 * {@code shoal_gateway_*}, {@code shoal_cluster_*}) and, where one process may hold several of a
 * kind (agents in {@code shoal dev}), by a {@code node} label.
 */
public final class ShoalMetrics implements AutoCloseable {
  /** The content type of the Prometheus text format, version 0.0.4, which every Prometheus reads. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry;
  private final List<AutoCloseable> binders = new ArrayList<>();

  private ShoalMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  /** A registry with the JVM (memory, GC, threads, class loading) and process (CPU, uptime, files) binders. */
  public static ShoalMetrics create() {
    ShoalMetrics m = new ShoalMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    new ClassLoaderMetrics().bindTo(m.registry);
    new JvmMemoryMetrics().bindTo(m.registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(m.registry);
    m.binders.add(gc);
    new JvmThreadMetrics().bindTo(m.registry);
    new ProcessorMetrics().bindTo(m.registry);
    new UptimeMetrics().bindTo(m.registry);
    new FileDescriptorMetrics().bindTo(m.registry);
    return m;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Everything registered, in the Prometheus text format ({@link #CONTENT_TYPE}). */
  public String scrape() {
    return registry.scrape(CONTENT_TYPE);
  }

  /** Closes what a binder holds (a binder of a Kafka client closed with its client, too) and the registry. */
  public void register(AutoCloseable binder) {
    synchronized (binders) {
      binders.add(binder);
    }
  }

  @Override
  public void close() {
    synchronized (binders) {
      for (AutoCloseable b : binders) {
        try {
          b.close();
        } catch (Exception ignored) {
          // closing is best effort: the process is going away
        }
      }
      binders.clear();
    }
    registry.close();
  }
}
