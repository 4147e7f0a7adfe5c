package dev.shoal.gateway.kafka;

import dev.shoal.gateway.ApiException;
import dev.shoal.gateway.Caller;
import dev.shoal.gateway.ClusterBackend;
import dev.shoal.gateway.GatewayConfig;
import dev.shoal.gateway.Outcome;
import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.Command;
import dev.shoal.schemas.CommandEnvelope;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.Node;
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
 * {@link CommandEnvelope}) with principal and request-id headers, and then wait on the read model
 * until the change shows, or a rejection event with the request id arrives, or the apply timeout
 * passes.
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

  // ---- writes ----

  @Override
  public CompletableFuture<Outcome<Service>> applySpec(ServiceSpec spec, Long expectedVersion, Caller caller) {
    String name = spec.name();
    long after = expectedVersion == null ? 0 : expectedVersion;
    ProducerRecord<String, String> record = IntakeHeaders.stamp(
        new ProducerRecord<>(topics.specs.name(), name, Json.toString(spec)), caller, expectedVersion);
    return publishAndAwait(record, caller,
        m -> m.serviceByName(name).filter(s -> s.version() > after),
        m -> m.serviceByName(name));
  }

  @Override
  public CompletableFuture<Outcome<Service>> removeService(Service current, Caller caller) {
    String name = current.name();
    ProducerRecord<String, String> record = IntakeHeaders.stamp(
        new ProducerRecord<>(topics.specs.name(), name, null), caller, null);
    Function<ReadModel, Optional<Service>> gone =
        m -> m.serviceByName(name).isPresent() ? Optional.empty() : Optional.of(current);
    return publishAndAwait(record, caller, gone, gone);
  }

  @Override
  public CompletableFuture<Outcome<Service>> scaleService(Service current, int replicas, Caller caller) {
    String name = current.name();
    return publishAndAwait(command(new Command.ScaleService(name, replicas), caller), caller,
        m -> m.serviceByName(name).filter(s -> s.version() > current.version()),
        m -> m.serviceByName(name));
  }

  @Override
  public dev.shoal.schemas.ClusterInfo clusterInfo() {
    return readModel().clusterInfo();
  }

  @Override
  public CompletableFuture<Outcome<dev.shoal.schemas.ClusterInfo>> rotateJoinToken(String role,
      dev.shoal.schemas.ClusterInfo current, Caller caller) {
    return publishAndAwait(command(new Command.RotateJoinToken(role), caller), caller,
        m -> Optional.of(m.clusterInfo()).filter(i -> i.generation(role) > current.generation(role)),
        m -> Optional.of(m.clusterInfo()));
  }

  @Override
  public CompletableFuture<Outcome<Service>> rollbackService(Service current, Caller caller) {
    String name = current.name();
    return publishAndAwait(command(new Command.RollbackService(name), caller), caller,
        m -> m.serviceByName(name).filter(s -> s.version() > current.version()),
        m -> m.serviceByName(name));
  }

  @Override
  public CompletableFuture<Outcome<Node>> updateNode(Node current, Command.UpdateNode update, Caller caller) {
    String id = current.id();
    return publishAndAwait(command(update, caller), caller,
        m -> m.node(id).filter(n -> n.version() > current.version()),
        m -> m.node(id));
  }

  private ProducerRecord<String, String> command(Command command, Caller caller) {
    CommandEnvelope envelope = new CommandEnvelope(command, caller.principal(), caller.requestId(), clock.millis());
    return IntakeHeaders.stamp(new ProducerRecord<>(topics.commands.name(), command.target(), Json.toString(envelope)),
        caller, null);
  }

  /**
   * Publishes and waits for the first of: a rejection event for the request, an "unchanged"
   * event for it (answered with {@code current}), the change showing ({@code applied}), or the
   * apply timeout (pending, or unavailable when Kafka never acknowledged the record).
   */
  private <T> CompletableFuture<Outcome<T>> publishAndAwait(ProducerRecord<String, String> record, Caller caller,
                                                            Function<ReadModel, Optional<T>> applied,
                                                            Function<ReadModel, Optional<T>> current) {
    String rid = caller.requestId();
    CompletableFuture<Optional<Outcome<T>>> watch = model.await(
        m -> verdict(m, rid, current).or(() -> applied.apply(m).map(Outcome::applied)), applyTimeout);
    CompletableFuture<RecordMetadata> sent = send(record);
    sent.whenComplete((md, e) -> {
      if (e != null) {
        watch.completeExceptionally(ApiException.unavailable(
            "could not publish to " + record.topic() + ": " + e.getMessage()));
      }
    });
    return watch.thenApplyAsync(o -> o.orElseGet(() -> {
      if (sent.isDone() && !sent.isCompletedExceptionally()) {
        return Outcome.pending(rid);
      }
      throw ApiException.unavailable("Kafka did not acknowledge the request within "
          + applyTimeout.toMillis() + " ms");
    }), replies);
  }

  private static <T> Optional<Outcome<T>> verdict(ReadModel m, String requestId,
                                                  Function<ReadModel, Optional<T>> current) {
    Optional<ClusterEvent> v = m.verdict(requestId);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    if (v.get().type().endsWith(".rejected")) {
      return Optional.of(Outcome.rejected(v.get().message()));
    }
    return current.apply(m).map(Outcome::applied);
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
