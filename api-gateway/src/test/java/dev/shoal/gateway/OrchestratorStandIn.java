package dev.shoal.gateway;

import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.Command;
import dev.shoal.schemas.CommandEnvelope;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import dev.shoal.schemas.TopicSpec;
import dev.shoal.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plays the orchestrator's part of the contract by hand over real Kafka: reads specs and
 * commands, and publishes the services, tasks, nodes and events an orchestrator would (every
 * replica placed on the first node and running at once). It refuses what the real one refuses
 * that a test needs: stale expected versions and mode changes. While held, it reads nothing.
 */
public final class OrchestratorStandIn implements AutoCloseable {

  /** A record it received, with its headers. */
  public record Received(String topic, String key, String value, Map<String, String> headers) {}

  private final Topics topics;
  private final KafkaConsumer<String, String> consumer;
  private final KafkaProducer<String, byte[]> producer;
  private final Map<String, Service> services = new ConcurrentHashMap<>();
  private final Map<String, Node> nodes = new ConcurrentHashMap<>();
  private final Map<String, List<String>> taskIds = new ConcurrentHashMap<>();
  public final List<Received> received = new CopyOnWriteArrayList<>();
  private final Thread thread = new Thread(this::run, "orchestrator-stand-in");
  private final Object holdLock = new Object();
  private boolean held;
  private boolean holding;
  private volatile boolean closed;

  public OrchestratorStandIn(String bootstrapServers, Topics topics) {
    this.topics = topics;
    this.consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrapServers),
        new StringDeserializer(), new StringDeserializer());
    this.producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrapServers, "acks", "all"),
        new StringSerializer(), new ByteArraySerializer());
  }

  public OrchestratorStandIn start(List<Node> initialNodes) {
    for (Node n : initialNodes) {
      nodes.put(n.id(), n);
      publish(topics.nodes, n.id(), n);
    }
    producer.flush();
    List<TopicPartition> parts = new ArrayList<>();
    for (String t : List.of(topics.specs.name(), topics.commands.name())) {
      consumer.partitionsFor(t).forEach(p -> parts.add(new TopicPartition(t, p.partition())));
    }
    consumer.assign(parts);
    consumer.seekToBeginning(parts);
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  /**
   * While held, records wait in Kafka, as when the orchestrator is slow or down. Returns once the
   * reading thread has paused, so nothing published after this call is processed.
   */
  public void hold(boolean hold) throws InterruptedException {
    synchronized (holdLock) {
      held = hold;
      long deadline = System.currentTimeMillis() + 10_000;
      while (hold && !holding && System.currentTimeMillis() < deadline) {
        holdLock.wait(1_000);
      }
      if (hold && !holding) {
        throw new IllegalStateException("the stand-in did not pause");
      }
    }
  }

  private void applyHold() {
    synchronized (holdLock) {
      if (held && !holding) {
        consumer.pause(consumer.assignment());
        holding = true;
        holdLock.notifyAll();
      } else if (!held && holding) {
        consumer.resume(consumer.paused());
        holding = false;
      }
    }
  }

  private void run() {
    try {
      while (!closed) {
        applyHold();
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
          Map<String, String> headers = new TreeMap<>();
          for (Header h : r.headers()) {
            headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
          }
          received.add(new Received(r.topic(), r.key(), r.value(), headers));
          if (r.topic().equals(topics.specs.name())) {
            spec(r.key(), r.value(), headers);
          } else {
            command(Json.fromString(r.value(), CommandEnvelope.class));
          }
          producer.flush();
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close();
    }
  }

  private void spec(String name, String value, Map<String, String> headers) {
    String rid = headers.get("shoal-request-id");
    Service current = services.get(name);
    if (value == null) {
      if (current == null) {
        event("spec.rejected", name, "service " + name + " not found", rid);
        return;
      }
      services.remove(name);
      for (String id : taskIds.getOrDefault(name, List.of())) {
        publish(topics.tasks, id, null);
      }
      taskIds.remove(name);
      publish(topics.services, current.id(), null);
      event("service.removed", name, "service " + name + " removed", rid);
      return;
    }
    ServiceSpec spec = Json.fromString(value, ServiceSpec.class).withDefaults();
    String expected = headers.get("shoal-expected-version");
    long at = current == null ? 0 : current.version();
    if (expected != null && Long.parseLong(expected) != at) {
      event("spec.rejected", name, "version " + expected + " is stale: the service is at version " + at, rid);
      return;
    }
    if (current != null && current.spec().isGlobal() != spec.isGlobal()) {
      event("spec.rejected", name, "mode of service " + name + " cannot be changed from "
          + current.spec().mode() + " to " + spec.mode(), rid);
      return;
    }
    long now = System.currentTimeMillis();
    Service next = current == null
        ? new Service("svc-" + name, name, 1, spec, null, null, now, now)
        : current.withSpec(spec, now);
    store(next);
    event(current == null ? "service.created" : "service.updated", name, "service " + name + " applied", rid);
  }

  private void command(CommandEnvelope envelope) {
    if (envelope.command() instanceof Command.ScaleService c) {
      Service s = services.get(c.service());
      store(s.withSpec(s.spec().withReplicas(c.replicas()), System.currentTimeMillis()));
      event("service.scaled", c.service(), "scaled to " + c.replicas(), envelope.requestId());
    } else if (envelope.command() instanceof Command.UpdateNode c) {
      Node n = nodes.get(c.nodeId());
      Node next = n.with(c.role() != null ? c.role() : n.role(),
          c.availability() != null ? c.availability() : n.availability(),
          c.labels() != null ? c.labels() : n.labels(), n.description(), n.status(), n.statusMessage(),
          System.currentTimeMillis());
      nodes.put(next.id(), next);
      publish(topics.nodes, next.id(), next);
      event("node.updated", next.id(), "node updated", envelope.requestId());
    }
  }

  /** Publishes the service and one running task per replica slot, all on the first node. */
  private void store(Service s) {
    services.put(s.name(), s);
    List<String> ids = new ArrayList<>();
    int replicas = s.spec().replicas() == null ? 0 : s.spec().replicas();
    for (String old : taskIds.getOrDefault(s.name(), List.of())) {
      publish(topics.tasks, old, null);
    }
    for (int slot = 1; slot <= replicas; slot++) {
      String id = s.id() + "." + slot + ".v" + s.version();
      long now = System.currentTimeMillis();
      Task t = new Task(id, s.id(), s.name(), slot, "node-1", s.version(), s.spec(), DesiredState.RUNNING,
          TaskStatus.of(id, "node-1", TaskState.RUNNING, "started", now), now, now);
      publish(topics.tasks, id, t);
      ids.add(id);
    }
    taskIds.put(s.name(), ids);
    publish(topics.services, s.id(), s);
  }

  private void event(String type, String entity, String message, String requestId) {
    Map<String, String> attrs = requestId == null ? Map.of() : Map.of("requestId", requestId);
    publish(topics.events, entity, new ClusterEvent(type, "service", entity, message, attrs, System.currentTimeMillis()));
  }

  private <V> void publish(TopicSpec<String, V> topic, String key, V value) {
    byte[] bytes = topic.valueSerde().serializer().serialize(topic.name(), value);
    producer.send(new ProducerRecord<>(topic.name(), key, bytes));
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    consumer.wakeup();
    thread.join(10_000);
    producer.close();
  }
}
