package dev.shoal.orchestrator.metrics;

import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.Topics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * The orchestrator's metrics: decisions ({@link DecisionMetrics}, with the cluster gauges derived
 * from the decision state), rejections at the intakes, lag of the decision task's input logs, and
 * Kafka Streams' own metrics through Micrometer's binder.
 *
 * <p>The processors find it in their application configs under {@link #CONFIG_KEY}
 * ({@link #of(ProcessorContext)}): Kafka Streams hands the configs it was started with, objects
 * included, to every processor, so no topology or decision signature changes for metrics, and a
 * topology built without it (most tests) meters nothing ({@link #NONE}).
 */
public final class OrchestratorMetrics {
  /** The application config key under which {@code OrchestratorApp} passes the instance to processors. */
  public static final String CONFIG_KEY = "shoal.metrics.orchestrator";

  /** Meters nothing: for topologies started without metrics. */
  public static final OrchestratorMetrics NONE = new OrchestratorMetrics(null);

  private final MeterRegistry registry;
  private final DecisionMetrics decisions;
  private final List<KafkaStreamsMetrics> streamsMetrics = new java.util.ArrayList<>();

  private OrchestratorMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.decisions = registry == null ? null : new DecisionMetrics(registry, System::currentTimeMillis);
  }

  public static OrchestratorMetrics create(MeterRegistry registry) {
    return new OrchestratorMetrics(registry);
  }

  /** The instance the application was started with, or {@link #NONE}. */
  public static OrchestratorMetrics of(ProcessorContext<?, ?> context) {
    Object o = context.appConfigs().get(CONFIG_KEY);
    return o instanceof OrchestratorMetrics m ? m : NONE;
  }

  /** Null when metrics are off: the decision processor then skips its hooks. */
  public DecisionMetrics decisions() {
    return decisions;
  }

  /** An intake refused an input record; {@code e} is the rejection event it publishes instead. */
  public void rejected(ClusterEvent e) {
    if (decisions != null) {
      decisions.rejected(e);
    }
  }

  /**
   * Binds Kafka Streams' metrics of the orchestrator's applications (process rate, commit latency, consumer lag, its clients') and the
   * lag of each input log, in records, as {@code shoal_orchestrator_input_lag_records{topic}}: the
   * backlog of inputs not yet decided. Only this instance's active tasks have a lag; a standby
   * reports none.
   */
  public void bind(List<KafkaStreams> applications, Topics topics) {
    if (registry == null) {
      return;
    }
    for (KafkaStreams streams : applications) {
      KafkaStreamsMetrics m = new KafkaStreamsMetrics(streams);
      m.bindTo(registry);
      streamsMetrics.add(m);
    }
    for (String topic : List.of(topics.specs.name(), topics.commands.name(), topics.taskStatus.name(),
        topics.liveness.name(), topics.timers.name(), topics.heartbeats.name())) {
      Gauge.builder("shoal.orchestrator.input.lag", applications,
              apps -> apps.stream().mapToDouble(s -> lag(s, topic)).sum())
          .description("Records in an input log not yet read by this instance's decision or liveness task")
          .baseUnit("records").tag("topic", topic).register(registry);
    }
  }

  /** Sum of the main consumer's {@code records-lag} over the topic's partitions; 0 when not consumed here. */
  static double lag(KafkaStreams streams, String topic) {
    double sum = 0;
    for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
      MetricName n = e.getKey();
      if (n.name().equals("records-lag") && n.group().equals("consumer-fetch-manager-metrics")
          && topic.equals(n.tags().get("topic")) && !n.tags().getOrDefault("client-id", "").contains("restore")) {
        Object v = e.getValue().metricValue();
        if (v instanceof Number num && !Double.isNaN(num.doubleValue())) {
          sum += num.doubleValue();
        }
      }
    }
    return sum;
  }

  /** Unbinds the Kafka Streams metrics (the applications closed). */
  public void unbind() {
    streamsMetrics.forEach(KafkaStreamsMetrics::close);
    streamsMetrics.clear();
  }
}
