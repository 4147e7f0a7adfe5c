package dev.shoal.ops.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads {@code shoal.events} (and the control log) from the start and accounts for every
 * malformed record: each must have become a rejection event of the right type and code, found by
 * its request id, the entity id it names (the key) or, on the control log, its offset; a status
 * about an unknown task must have reached the control log and nothing else. Also counts every
 * event type, and keeps the quarantined decisions ({@code control.failed}).
 */
public final class RejectionLedger implements AutoCloseable {
  private static final ObjectMapper PLAIN = new ObjectMapper();

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String eventsTopic;
  private final String heartbeatsTopic;
  private final Thread poller;
  private volatile boolean running = true;

  private final Map<String, List<Event>> byRequestId = new HashMap<>();
  private final Map<String, List<Event>> byTypeAndEntity = new HashMap<>();
  private final Topics topics;
  private final Map<String, Event> controlByOffset = new HashMap<>();
  private final Set<String> statusTaskIdsOnControl = new HashSet<>();
  private final Map<String, Long> typeCounts = new TreeMap<>();
  private final List<Event> quarantined = new ArrayList<>();
  private final List<String> unreadable = new ArrayList<>();
  private final List<Event> nodeAndServiceEvents = new ArrayList<>();
  private final int[] largestEvent = new int[2];
  /** Per heartbeat key: count, last broker append time, largest gap between two appends. */
  private final Map<String, long[]> heartbeats = new HashMap<>();
  /** Per heartbeat key, every broker append time (the agents' keys; a fuzz key appears once). */
  private final Map<String, java.util.TreeSet<Long>> heartbeatTimes = new HashMap<>();

  /** The parts of an event this ledger matches on. */
  public record Event(String type, String entityId, String code, String requestId, String message, long time) {}

  public RejectionLedger(String bootstrap, Topics topics) {
    this.topics = topics;
    this.eventsTopic = topics.events.name();
    this.heartbeatsTopic = topics.heartbeats.name();
    this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 2 << 20),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> parts = new ArrayList<>();
    for (int p = 0; p < topics.events.partitions(); p++) {
      parts.add(new TopicPartition(eventsTopic, p));
    }
    parts.add(new TopicPartition(topics.control.name(), 0));
    parts.add(new TopicPartition(heartbeatsTopic, 0));
    consumer.assign(parts);
    consumer.seekToBeginning(parts);
    poller = new Thread(this::poll, "fuzz-ledger");
    poller.setDaemon(true);
    poller.start();
  }

  private void poll() {
    while (running) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        if (r.value() == null) {
          continue;
        }
        if (r.topic().equals(eventsTopic)) {
          int headerBytes = 0;
          for (org.apache.kafka.common.header.Header hd : r.headers()) {
            headerBytes += hd.key().length() + (hd.value() == null ? 0 : hd.value().length);
          }
          largestEvent(r.serializedValueSize() + Math.max(0, r.serializedKeySize()), headerBytes);
          event(r.value());
        } else if (r.topic().equals(heartbeatsTopic)) {
          heartbeat(r.key(), r.timestamp());
        } else {
          control(r.value());
        }
      }
    }
    consumer.close();
  }

  private synchronized void event(byte[] value) {
    JsonNode n;
    try {
      n = PLAIN.readTree(value);
    } catch (Exception e) {
      unreadable.add(new String(value, StandardCharsets.UTF_8));
      return;
    }
    String type = n.path("type").asText();
    JsonNode attrs = n.path("attributes");
    Event e = new Event(type, n.path("entityId").asText(), attrs.path("code").asText(null),
        attrs.path("requestId").asText(null), n.path("message").asText(), n.path("time").asLong());
    typeCounts.merge(type, 1L, Long::sum);
    if (type.startsWith("node.") || type.equals("service.created") || type.equals("service.removed")) {
      nodeAndServiceEvents.add(e);
    }
    if (!"rejected".equals(attrs.path("outcome").asText())) {
      return;
    }
    if (e.requestId() != null) {
      byRequestId.computeIfAbsent(e.requestId(), k -> new ArrayList<>()).add(e);
    }
    byTypeAndEntity.computeIfAbsent(type + "|" + e.entityId(), k -> new ArrayList<>()).add(e);
    if (type.equals("control.rejected") || type.equals("control.failed")) {
      controlByOffset.put(e.entityId(), e);
    }
    if (type.equals("control.failed")) {
      quarantined.add(e);
    }
  }

  private synchronized void largestEvent(int keyAndValue, int headers) {
    if (keyAndValue + headers > largestEvent[0] + largestEvent[1]) {
      largestEvent[0] = keyAndValue;
      largestEvent[1] = headers;
    }
  }

  /** The largest record on the events topic: its key and value bytes, and its header bytes. */
  public synchronized int[] largestEvent() {
    return largestEvent.clone();
  }

  private synchronized void heartbeat(byte[] key, long appendTime) {
    if (key == null) {
      return;
    }
    long[] h = heartbeats.computeIfAbsent(new String(key, StandardCharsets.UTF_8), k -> new long[] {0, appendTime, 0});
    h[0]++;
    h[2] = Math.max(h[2], appendTime - h[1]);
    h[1] = appendTime;
    heartbeatTimes.computeIfAbsent(new String(key, StandardCharsets.UTF_8), k -> new java.util.TreeSet<>()).add(appendTime);
  }

  /**
   * Nodes declared down from {@code fromMillis} on although the broker had stored one of their
   * heartbeats within {@code downTimeout} before the decision: the node was beating, the
   * orchestrator had not read it.
   */
  public synchronized List<String> falseNodeDowns(Duration downTimeout, long fromMillis) {
    List<String> out = new ArrayList<>();
    for (Event e : nodeAndServiceEvents) {
      if (!e.type().equals("node.down") || e.time() < fromMillis) {
        continue;
      }
      java.util.TreeSet<Long> times = heartbeatTimes.getOrDefault(e.entityId(), new java.util.TreeSet<>());
      Long last = times.floor(e.time());
      if (last != null && e.time() - last < downTimeout.toMillis()) {
        out.add("node " + e.entityId() + " declared down at " + java.time.Instant.ofEpochMilli(e.time()) + " (\""
            + e.message() + "\") although the broker had stored its heartbeat " + (e.time() - last)
            + " ms before: liveness was behind the heartbeats log, the node was not silent");
      }
    }
    return out;
  }

  /**
   * For each node that beat regularly (the agents; fuzz keys appear once), the largest gap between
   * two of its heartbeats as the broker stored them: a node declared down while this stayed under
   * the down timeout was late in the orchestrator, not silent.
   */
  public synchronized Map<String, Long> heartbeatGaps() {
    Map<String, Long> gaps = new TreeMap<>();
    heartbeats.forEach((k, h) -> {
      if (h[0] >= 10) {
        gaps.put(k, h[2]);
      }
    });
    return gaps;
  }

  private synchronized void control(byte[] value) {
    if (value.length > 20_000) {
      return; // a status the intake let through is small; the big ones are fuzz records
    }
    String text = new String(value, StandardCharsets.UTF_8);
    if (!text.contains("\"task-status\"")) {
      return;
    }
    try {
      JsonNode n = PLAIN.readTree(text);
      if ("task-status".equals(n.path("kind").asText())) {
        statusTaskIdsOnControl.add(n.path("status").path("taskId").asText());
      }
    } catch (Exception e) {
      // a fuzz record on the control log: not a status the intake copied
    }
  }

  /** Every sent record not (yet) accounted for, with why; empty when all are. */
  public synchronized List<String> unaccounted(List<RecordFuzzer.Sent> sent) {
    List<String> problems = new ArrayList<>();
    Map<String, List<RecordFuzzer.Sent>> byEntity = new LinkedHashMap<>();
    for (RecordFuzzer.Sent s : sent) {
      if (s.c().expect() instanceof Expect.Ignored ignored) {
        if (!statusTaskIdsOnControl.contains(ignored.taskId())) {
          problems.add("not copied to the control log: " + s.c().describe());
        }
        continue;
      }
      Expect.Rejected x = (Expect.Rejected) s.c().expect();
      if (x.requestId() != null) {
        List<Event> es = byRequestId.getOrDefault(x.requestId(), List.of()).stream()
            .filter(e -> e.type().equals(x.type())).toList();
        check(es, x, s, problems);
      } else if (s.c().topic().rejection.equals("control.rejected")) {
        // the orchestrator's own logs name a refused record by where it is
        Event e = controlByOffset.get(s.c().topic().name(topics) + "@" + s.offset());
        check(e == null ? List.of() : List.of(e), x, s, problems);
      } else {
        byEntity.computeIfAbsent(x.type() + "|" + x.entityId(), k -> new ArrayList<>()).add(s);
      }
    }
    // Records without a request id that share an entity (null keys) are counted, not paired.
    byEntity.forEach((key, cases) -> {
      List<Event> es = byTypeAndEntity.getOrDefault(key, List.of());
      for (int i = 0; i < cases.size(); i++) {
        Expect.Rejected x = (Expect.Rejected) cases.get(i).c().expect();
        long matching = es.stream().filter(e -> x.codes().contains(e.code())).count();
        if (matching <= i) {
          problems.add((es.isEmpty() ? "no " + x.type() : "no " + x.type() + " with code " + x.codes() + " (got "
              + es.stream().map(Event::code).toList() + ")") + " for " + cases.get(i).c().describe());
        }
      }
    });
    return problems;
  }

  private static void check(List<Event> es, Expect.Rejected x, RecordFuzzer.Sent s, List<String> problems) {
    if (es.isEmpty()) {
      problems.add("no " + x.type() + " for " + s.c().describe() + " (offset " + s.offset() + ")");
    } else if (es.stream().noneMatch(e -> x.codes().contains(e.code()))) {
      Event e = es.get(0);
      problems.add(x.type() + " with code " + e.code() + " instead of " + x.codes() + " (\"" + HttpCase.cut(e.message(), 300)
          + "\") for " + s.c().describe());
    }
  }

  /** Statuses about unknown tasks must not have been refused: a rejection for one is a wrong verdict. */
  public synchronized List<String> wronglyRefused(List<RecordFuzzer.Sent> sent) {
    List<String> problems = new ArrayList<>();
    for (RecordFuzzer.Sent s : sent) {
      if (s.c().expect() instanceof Expect.Ignored i) {
        List<Event> es = byTypeAndEntity.getOrDefault("task-status.rejected|" + i.taskId(), List.of());
        if (!es.isEmpty()) {
          problems.add("refused (" + es.get(0).message() + ") instead of ignored: " + s.c().describe());
        }
      }
    }
    return problems;
  }

  public synchronized Map<String, Long> typeCounts() {
    return new TreeMap<>(typeCounts);
  }

  public synchronized List<Event> quarantined() {
    return List.copyOf(quarantined);
  }

  /** Node events and service creations and removals, in the order read: what the fuzzing changed. */
  public synchronized List<Event> nodeAndServiceEvents() {
    return List.copyOf(nodeAndServiceEvents);
  }

  public synchronized List<String> unreadable() {
    return List.copyOf(unreadable);
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    poller.join(5_000);
  }
}
