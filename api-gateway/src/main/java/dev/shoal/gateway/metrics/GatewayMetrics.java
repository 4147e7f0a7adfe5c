package dev.shoal.gateway.metrics;

import dev.shoal.gateway.ClusterBackend;
import dev.shoal.gateway.RouteTable;
import dev.shoal.metrics.MetricsServer;
import dev.shoal.metrics.ShoalMetrics;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * The gateway's metrics and its {@code GET /metrics}: API requests by method, route template and
 * status with their latency, the read model's lag and health, the gateway's Kafka clients, and
 * ingress ({@link IngressMetrics}). {@code /metrics} is one more route behind the security layer:
 * it needs the reader role like every read (open on an unauthenticated loopback gateway; with
 * tokens or certificates, give Prometheus a reader token or certificate).
 */
public final class GatewayMetrics {
  private static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
      Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
      Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
      Duration.ofSeconds(10), Duration.ofSeconds(30)};
  /** The label of a request no route matched: its path would be an unbounded label. */
  static final String UNMATCHED = "unmatched";

  private final ShoalMetrics metrics;
  private final MeterRegistry registry;
  private final Map<String, Timer> requests = new ConcurrentHashMap<>();
  private final List<KafkaClientMetrics> kafka = new CopyOnWriteArrayList<>();
  private final IngressMetrics ingress;

  public GatewayMetrics(ShoalMetrics metrics) {
    this.metrics = metrics;
    this.registry = metrics.registry();
    this.ingress = new IngressMetrics(registry);
  }

  /** Times every request once it is answered, whatever answered it (a route, the security layer, a 404). */
  public void install(JavalinConfig cfg) {
    cfg.requestLogger.http((ctx, ms) -> request(ctx.method().name(), route(ctx), ctx.statusCode(),
        (long) (ms * 1_000_000L)));
  }

  /** The route table serving {@code GET /metrics} in the Prometheus text format. */
  public RouteTable routes() {
    return routes -> routes.get(MetricsServer.PATH, ctx -> ctx.contentType(ShoalMetrics.CONTENT_TYPE)
        .result(metrics.scrape()));
  }

  /** The read model's lag and health, as {@code /v1/health} reports them. */
  public void bindReadModel(ClusterBackend backend) {
    Gauge.builder("shoal.gateway.read.model.lag", backend, b -> b.health().behindRecords())
        .description("Records of the derived topics not yet read into this gateway's read model")
        .baseUnit("records").register(registry);
    Gauge.builder("shoal.gateway.read.model.healthy", backend, b -> b.health().ok() ? 1 : 0)
        .description("1 while the read model is current enough to answer from (/v1/health is 200)")
        .register(registry);
  }

  /** The gateway's producer's and read-model consumer's own metrics. */
  public void bindKafka(Producer<?, ?> producer, Consumer<?, ?> consumer) {
    KafkaClientMetrics p = new KafkaClientMetrics(producer);
    p.bindTo(registry);
    kafka.add(p);
    if (consumer != null) {
      KafkaClientMetrics c = new KafkaClientMetrics(consumer);
      c.bindTo(registry);
      kafka.add(c);
    }
  }

  /** Where ingress reports requests, errors and connections per service. */
  public IngressMetrics ingress() {
    return ingress;
  }

  public ShoalMetrics shoalMetrics() {
    return metrics;
  }

  void request(String method, String route, int status, long nanos) {
    String key = method + " " + route + " " + status;
    requests.computeIfAbsent(key, k -> Timer.builder("shoal.gateway.requests")
        .description("API requests (REST and Docker Engine API) by method, route template and status")
        .tag("method", method).tag("route", route).tag("status", Integer.toString(status))
        .serviceLevelObjectives(BUCKETS).register(registry)).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** The template of the route that answered ({@code /v1/services/{name}}), never the raw path. */
  static String route(Context ctx) {
    try {
      Endpoint e = ctx.endpoint();
      // A request the security layer refused before routing carries its before handler's "*" path.
      return e == null || e.path == null || !e.method.isHttpMethod() ? UNMATCHED : e.path;
    } catch (RuntimeException noEndpoint) {
      return UNMATCHED;
    }
  }

  /** Unbinds the Kafka client metrics (the gateway closed its clients). */
  public void close() {
    kafka.forEach(KafkaClientMetrics::close);
    kafka.clear();
  }
}
