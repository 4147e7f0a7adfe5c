package dev.shoal.gateway.kafka;

import dev.shoal.gateway.ApiException;
import dev.shoal.gateway.Caller;
import dev.shoal.gateway.ClusterBackend;
import dev.shoal.gateway.GatewayConfig;
import dev.shoal.gateway.Outcome;
import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.ClusterInfo;
import dev.shoal.schemas.Command;
import dev.shoal.schemas.CommandEnvelope;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.RejectionCode;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The {@link ClusterBackend} over Kafka: reads come from a {@link ReadModel}; writes go to the
 * orchestrator's intake topics (specs keyed by service name, commands in a
 * {@link CommandEnvelope}) with principal, request-id and expected-version headers, and then wait
 * for the orchestrator's verdict on that request id (an event with an {@code outcome}). A rejection
 * answers with its code; an applied change answers once the read model shows the entity at the
 * version the verdict names, so the caller reads its own write. Nothing else is decided here.
 */
public final class KafkaClusterBackend implements ClusterBackend, AutoCloseable {
  private final ReadModel model;
  private final Producer<String, String> producer;
  private final Topics topics;
  private final Duration applyTimeout;
  private final Clock clock;
  private final ReadModelFeed feed;
  private final ExecutorService replies = Executors.newCachedThreadPool(daemonThreads("shoal-gateway-reply-"));

  /**
   * A backend over a read model fed by someone else and a producer it owns and closes; the
   * producer must be configured with {@code acks=all} and idempotence.
   */
  public KafkaClusterBackend(ReadModel model, Producer<String, String> producer, Topics topics,
                             Duration applyTimeout, Clock clock) {
    this(model, producer, topics, applyTimeout, clock, null);
  }

  private KafkaClusterBackend(ReadModel model, Producer<String, String> producer, Topics topics,
                              Duration applyTimeout, Clock clock, ReadModelFeed feed) {
    this.model = model;
    this.producer = producer;
    this.topics = topics;
    this.applyTimeout = applyTimeout;
    this.clock = clock;
    this.feed = feed;
  }

  /** A backend with its own producer and read-model feed, per {@code config}; call {@link #start()}. */
  public static KafkaClusterBackend connect(GatewayConfig config, Clock clock) {
    ReadModel model = new ReadModel();
    ReadModelFeed feed = new ReadModelFeed(model, config.topics(), config.bootstrapServers(), config.kafkaProperties());
    KafkaProducer<String, String> producer = new KafkaProducer<>(producerProperties(config),
        new StringSerializer(), new StringSerializer());
    return new KafkaClusterBackend(model, producer, config.topics(), config.applyTimeout(), clock, feed);
  }

  static Map<String, Object> producerProperties(GatewayConfig config) {
    Map<String, Object> p = new HashMap<>(config.kafkaProperties());
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "shoal-gateway");
    p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "0");
    // A request must not block on a broker it cannot reach for longer than it would wait anyway.
    p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(config.applyTimeout().toMillis()));
    return p;
  }

  /** Starts the read-model feed, when this backend has its own. */
  public void start() {
    if (feed != null) {
      feed.start();
    }
  }

  public ReadModel readModel() {
    return model;
  }

  /** The producer of specs and commands (to bind its metrics). */
  public Producer<String, String> producer() {
    return producer;
  }

  /** The consumer feeding the read model, or null when someone else feeds it (to bind its metrics). */
  public org.apache.kafka.clients.consumer.Consumer<String, byte[]> readModelConsumer() {
    return feed == null ? null : feed.consumer();
  }

  // ---- reads ----

  @Override
  public List<Service> services() {
    return model.services();
  }

  @Override
  public Optional<Service> service(String nameOrId) {
    return model.service(nameOrId);
  }

  @Override
  public List<Task> tasks() {
    return model.tasks();
  }

  @Override
  public List<Task> tasksOfService(String serviceId) {
    return model.tasksOfService(serviceId);
  }

  @Override
  public Optional<Task> task(String id) {
    return model.task(id);
  }

  @Override
  public List<Node> nodes() {
    return model.nodes();
  }

  @Override
  public Optional<Node> node(String idOrHostname) {
    return model.node(idOrHostname);
  }

  @Override
  public List<ClusterEvent> events() {
    return model.events();
  }

  @Override
  public ClusterInfo clusterInfo() {
    return model.clusterInfo();
  }

  @Override
  public Health health() {
    return feed == null ? Health.ok(0) : feed.health();
  }

  // ---- writes ----

  @Override
  public CompletableFuture<Outcome<Service>> createService(ServiceSpec spec, Caller caller) {
    return applySpec(spec, 0L, caller);
  }

  @Override
  public CompletableFuture<Outcome<Service>> updateService(ServiceSpec spec, long expectedVersion, Caller caller) {
    return applySpec(spec, expectedVersion, caller);
  }

  private CompletableFuture<Outcome<Service>> applySpec(ServiceSpec spec, long expectedVersion, Caller caller) {
    String name = spec.name();
    ProducerRecord<String, String> record = IntakeHeaders.stamp(
        new ProducerRecord<>(topics.specs.name(), name, Json.toString(spec)), caller, expectedVersion);
    return publishAndAwait(record, caller, v -> m -> m.serviceByName(name).filter(s -> s.version() >= v));
  }

  @Override
  public CompletableFuture<Outcome<Service>> removeService(String name, Caller caller) {
    Optional<Service> before = model.serviceByName(name);
    ProducerRecord<String, String> record = IntakeHeaders.stamp(
        new ProducerRecord<>(topics.specs.name(), before.map(Service::name).orElse(name), null), caller, null);
    // Applied once the service this gateway knew is gone; answered with it as it last was (a retry
    // of a removal that already happened knows none, and gets a stand-in with the name).
    Service last = before.orElseGet(() -> new Service("", name, 0, null, null, null, 0, 0));
    return publishAndAwait(record, caller, v -> m -> before.isPresent() && m.service(last.id()).isPresent()
        ? Optional.empty() : Optional.of(last));
  }

  @Override
  public CompletableFuture<Outcome<Service>> scaleService(String name, int replicas, Caller caller) {
    return publishAndAwait(command(new Command.ScaleService(name, replicas), caller), caller,
        v -> m -> m.serviceByName(name).filter(s -> s.version() >= v));
  }

  @Override
  public CompletableFuture<Outcome<Service>> rollbackService(String name, Long expectedVersion, Caller caller) {
    return publishAndAwait(command(new Command.RollbackService(name, expectedVersion), caller), caller,
        v -> m -> m.serviceByName(name).filter(s -> s.version() >= v));
  }

  @Override
  public CompletableFuture<Outcome<Node>> updateNode(Command.UpdateNode update, Caller caller) {
    String id = update.nodeId();
    return publishAndAwait(command(update, caller), caller, v -> m -> m.node(id).filter(n -> n.version() >= v));
  }

  @Override
  public CompletableFuture<Outcome<Node>> removeNode(String nodeId, boolean force, Caller caller) {
    Node last = model.node(nodeId).orElseGet(() -> new Node(nodeId, 0, null, null, null, null, null, null, 0, 0));
    return publishAndAwait(command(new Command.RemoveNode(nodeId, force), caller), caller,
        v -> m -> m.node(last.id()).isPresent() ? Optional.empty() : Optional.of(last));
  }

  @Override
  public CompletableFuture<Outcome<ClusterInfo>> rotateJoinToken(String role, Caller caller) {
    return publishAndAwait(command(new Command.RotateJoinToken(role), caller), caller,
        v -> m -> Optional.of(m.clusterInfo()).filter(i -> i.generation(role) >= v));
  }

  private ProducerRecord<String, String> command(Command command, Caller caller) {
    CommandEnvelope envelope = new CommandEnvelope(command, caller.principal(), caller.requestId(), clock.millis());
    return IntakeHeaders.stamp(new ProducerRecord<>(topics.commands.name(), command.target(), Json.toString(envelope)),
        caller, null);
  }

  /**
   * Publishes and waits, up to the apply timeout, for the orchestrator's verdict on this request
   * id; for an applied (or unchanged) verdict, also for the read model to show the entity at the
   * version the verdict names ({@code visible} maps that version to a probe of the read model).
   */
  private <T> CompletableFuture<Outcome<T>> publishAndAwait(ProducerRecord<String, String> record, Caller caller,
                                                            Function<Long, Function<ReadModel, Optional<T>>> visible) {
    String rid = caller.requestId();
    CompletableFuture<Optional<Outcome<T>>> watch = model.await(m -> verdict(m, rid, visible), applyTimeout);
    CompletableFuture<RecordMetadata> sent = send(record);
    sent.whenComplete((md, e) -> {
      if (e != null) {
        watch.completeExceptionally(ApiException.unavailable(
            "could not publish to " + record.topic() + ": " + e.getMessage()));
      }
    });
    return watch.thenApplyAsync(o -> o.orElseGet(() -> {
      if (sent.isDone() && !sent.isCompletedExceptionally()) {
        boolean answered = model.verdict(rid).isPresent();
        return Outcome.pending(rid, answered
            ? "the orchestrator applied it, but this gateway's read model has not shown the result within "
                + applyTimeout.toMillis() + " ms (" + health().reason() + ")"
            : "the request is in Kafka, but the orchestrator has not answered within " + applyTimeout.toMillis()
                + " ms: is an orchestrator running?");
      }
      throw ApiException.unavailable("Kafka did not acknowledge the request within " + applyTimeout.toMillis() + " ms");
    }), replies);
  }

  private static <T> Optional<Outcome<T>> verdict(ReadModel m, String requestId,
                                                  Function<Long, Function<ReadModel, Optional<T>>> visible) {
    Optional<ClusterEvent> v = m.verdict(requestId);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> attrs = v.get().attributes();
    if ("rejected".equals(attrs.get("outcome"))) {
      RejectionCode code = RejectionCode.fromWire(attrs.get("code")).orElse(RejectionCode.INVALID);
      return Optional.of(Outcome.rejected(code, v.get().message()));
    }
    long version = parseVersion(attrs.get("version"));
    return visible.apply(version).apply(m).map(Outcome::applied);
  }

  private static long parseVersion(String text) {
    try {
      return text == null ? 0 : Long.parseLong(text);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private CompletableFuture<RecordMetadata> send(ProducerRecord<String, String> record) {
    CompletableFuture<RecordMetadata> sent = new CompletableFuture<>();
    try {
      producer.send(record, (md, e) -> {
        if (e != null) {
          sent.completeExceptionally(e);
        } else {
          sent.complete(md);
        }
      });
    } catch (RuntimeException e) {
      sent.completeExceptionally(e);
    }
    return sent;
  }

  @Override
  public void close() {
    if (feed != null) {
      feed.close();
    }
    producer.close(Duration.ofSeconds(5));
    replies.shutdown();
  }

  private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
