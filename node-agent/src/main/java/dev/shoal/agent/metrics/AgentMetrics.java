package dev.shoal.agent.metrics;

import dev.shoal.agent.runtime.ContainerRuntime;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * One node agent's metrics, every series labelled with its {@code node} (several agents share a
 * process in {@code shoal dev}): heartbeats sent and acknowledged and the silence since the last
 * acknowledgement, runtime operations by kind and outcome with their latency, running tasks,
 * fencing, log shipping ({@link #logCounters()}), and the agent's Kafka clients. Closing it removes the node's series, so an agent that
 * stopped does not linger in a process that goes on.
 */
public final class AgentMetrics implements AutoCloseable {
  private static final Duration[] OPERATION_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5),
      Duration.ofMillis(25), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofSeconds(1),
      Duration.ofMillis(2500), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)};

  private final MeterRegistry registry;
  private final String nodeId;
  private final Tags tags;
  private final Map<String, Timer> operations = new ConcurrentHashMap<>();
  private final List<KafkaClientMetrics> kafka = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** What function meters read: Micrometer holds them weakly, so they would be collected and read NaN. */
  private final List<Object> held = new java.util.concurrent.CopyOnWriteArrayList<>();

  public AgentMetrics(MeterRegistry registry, String nodeId) {
    this.registry = registry;
    this.nodeId = nodeId;
    this.tags = Tags.of("node", nodeId);
  }

  /** The runtimes, each timing its operations into this agent's metrics. */
  public List<ContainerRuntime> meter(List<ContainerRuntime> runtimes) {
    return runtimes.stream().map(r -> (ContainerRuntime) new MeteredRuntime(r, this)).toList();
  }

  void operation(String runtime, String operation, String outcome, long nanos) {
    operations.computeIfAbsent(runtime + "/" + operation + "/" + outcome, k -> Timer.builder("shoal.agent.runtime.operations")
        .description("Runtime operations the agent asked for, by runtime, kind and outcome (ok, rejected, error)")
        .tags(tags).tag("runtime", runtime).tag("operation", operation).tag("outcome", outcome)
        .serviceLevelObjectives(OPERATION_BUCKETS).register(registry)).record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Running tasks, as the agent's last convergence pass saw them in its runtimes (a pass runs on every
   * change and at the resync interval). Heartbeats used to carry the list this was counted from.
   */
  public void bindRunning(IntSupplier running) {
    held.add(running);
    Gauge.builder("shoal.agent.tasks.running", running, IntSupplier::getAsInt)
        .description("Tasks the agent's runtimes run, as its last convergence pass saw them").tags(tags)
        .register(registry);
  }

  /** Convergence passes the agent ran. */
  public void bindPasses(LongSupplier passes) {
    FunctionCounter.builder("shoal.agent.convergence.passes", passes, LongSupplier::getAsLong)
        .description("Convergence passes the agent ran (on an assignment, an ended operation, a task exit, a resync)")
        .tags(tags).register(registry);
  }

  /** Heartbeats: how many were sent and acknowledged, and how long since the last acknowledged one was sent. */
  public void bindHeartbeats(LongSupplier sent, LongSupplier acknowledged, Supplier<Duration> silence) {
    held.addAll(List.of(sent, acknowledged, silence));
    FunctionCounter.builder("shoal.agent.heartbeats", sent, LongSupplier::getAsLong)
        .description("Heartbeats sent, by outcome: sent, acknowledged (stored by Kafka)").tags(tags)
        .tag("outcome", "sent").register(registry);
    FunctionCounter.builder("shoal.agent.heartbeats", acknowledged, LongSupplier::getAsLong)
        .description("Heartbeats sent, by outcome: sent, acknowledged (stored by Kafka)").tags(tags)
        .tag("outcome", "acknowledged").register(registry);
    Gauge.builder("shoal.agent.heartbeat.silence", silence, s -> s.get().toNanos() / 1e9)
        .description("Time since the newest acknowledged heartbeat was sent; the agent fences past its fencing timeout")
        .baseUnit("seconds").tags(tags).register(registry);
  }

  /** Fencing: whether the node is fenced now, how often it was, and its timeout (0 = off). */
  public void bindFencing(BooleanSupplier fenced, LongSupplier fencings, Duration timeout) {
    held.addAll(List.of(fenced, fencings, timeout));
    Gauge.builder("shoal.agent.fenced", fenced, f -> f.getAsBoolean() ? 1 : 0)
        .description("1 while the agent is fenced: cut off from Kafka, it stops its tasks and starts none")
        .tags(tags).register(registry);
    FunctionCounter.builder("shoal.agent.fencings", fencings, LongSupplier::getAsLong)
        .description("Times the agent fenced itself").tags(tags).register(registry);
    Gauge.builder("shoal.agent.fencing.timeout", timeout, t -> t.toNanos() / 1e9)
        .description("The agent's fencing timeout (0: fencing is off)").baseUnit("seconds").tags(tags)
        .register(registry);
  }

  /**
   * What the log shipper counts, as {@code shoal_agent_log_*} series by node and service: lines
   * shipped, lines and bytes the rate limit dropped, bytes skipped unread, lines cut, batches by outcome.
   */
  public dev.shoal.agent.logs.LogCounters logCounters() {
    return new dev.shoal.agent.logs.LogCounters() {
      @Override
      public void shipped(String service, int lines) {
        counter("shoal.agent.log.lines", "Output lines shipped to shoal.logs (marker lines included)", service)
            .increment(lines);
      }

      @Override
      public void dropped(String service, long lines, long bytes) {
        counter("shoal.agent.log.dropped.lines", "Output lines the per-task rate limit dropped", service)
            .increment(lines);
        Counter.builder("shoal.agent.log.dropped.bytes").baseUnit("bytes")
            .description("Output bytes dropped: by the rate limit, or skipped unread (the task wrote faster than the agent reads)")
            .tags(tags).tag("service", service).tag("reason", "rate_limit").register(registry).increment(bytes);
      }

      @Override
      public void skipped(String service, long bytes) {
        Counter.builder("shoal.agent.log.dropped.bytes").baseUnit("bytes")
            .description("Output bytes dropped: by the rate limit, or skipped unread (the task wrote faster than the agent reads)")
            .tags(tags).tag("service", service).tag("reason", "unread").register(registry).increment(bytes);
      }

      @Override
      public void cut(String service) {
        counter("shoal.agent.log.cut.lines", "Output lines cut to the longest line shipped", service).increment();
      }

      @Override
      public void batch(String outcome) {
        Counter.builder("shoal.agent.log.batches").description("Batches of output lines sent, by outcome (acknowledged, failed)")
            .tags(tags).tag("outcome", outcome).register(registry).increment();
      }

      private Counter counter(String name, String description, String service) {
        return Counter.builder(name).description(description).tags(tags).tag("service", service).register(registry);
      }
    };
  }

  /** The log shipper's own producer's metrics. */
  public void bindKafka(Producer<?, ?> producer) {
    KafkaClientMetrics m = new KafkaClientMetrics(producer);
    m.bindTo(registry);
    kafka.add(m);
  }

  /**
   * The agent's Kafka clients' own metrics (request rates, errors, lag). Their client ids name the
   * node already; no {@code node} label, since every Kafka client of the process (gateway, Streams)
   * exports the same names and Prometheus wants one label set per name.
   */
  public void bindKafka(Producer<?, ?> producer, Consumer<?, ?> consumer) {
    for (KafkaClientMetrics m : List.of(new KafkaClientMetrics(producer), new KafkaClientMetrics(consumer))) {
      m.bindTo(registry);
      kafka.add(m);
    }
  }

  @Override
  public void close() {
    kafka.forEach(KafkaClientMetrics::close);
    kafka.clear();
    for (Meter m : registry.getMeters()) {
      if (nodeId.equals(m.getId().getTag("node"))) {
        registry.remove(m);
      }
    }
  }

  /** For tests: the node tag every series carries. */
  static Tag nodeTag(String nodeId) {
    return Tag.of("node", nodeId);
  }
}
