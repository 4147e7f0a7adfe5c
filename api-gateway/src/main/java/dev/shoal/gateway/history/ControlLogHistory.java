package dev.shoal.gateway.history;

import dev.shoal.gateway.ApiException;
import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.Command;
import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.Identifiers;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.Topics;
import dev.shoal.schemas.audit.ServiceHistory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Reads a page of a service's history from the logs, for {@code GET /v1/services/{name}/history}:
 * the control log backwards from a cursor for the requests about the service, then the service's
 * partition of {@code shoal.events} for what came of them ({@link HistoryAssembler}). No decision
 * code runs here.
 *
 * <p>The work of one request is bounded: at most {@link #MAX_CONTROL_SCAN} control-log records and
 * {@link #MAX_EVENT_SCAN} events are read (a page that needs more ends early with a cursor to go on
 * from), at most {@link #CONCURRENT} requests read at once (others wait briefly, then get 503), and
 * each uses its own short-lived consumer, committed records only.
 */
public final class ControlLogHistory implements HistorySource {
  /** Control-log records one request may read. */
  static final int MAX_CONTROL_SCAN = 200_000;
  /** Events one request may read. */
  static final int MAX_EVENT_SCAN = 200_000;
  /** Requests reading at once. */
  static final int CONCURRENT = 2;
  /** The header the decision task puts on every record it publishes (orchestrator-streams' {@code Headers.SEQUENCE}). */
  static final String SEQUENCE = "shoal-sequence";
  private static final int CHUNK = 5_000;
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final byte[] SPEC_KIND = "{\"kind\":\"spec-".getBytes(StandardCharsets.UTF_8);
  private static final byte[] COMMAND_KIND = "{\"kind\":\"command\"".getBytes(StandardCharsets.UTF_8);
  private static final byte[] ANY_KIND = "{\"kind\":\"".getBytes(StandardCharsets.UTF_8);

  private final Topics topics;
  private final Map<String, Object> config;
  private final Semaphore readers = new Semaphore(CONCURRENT);

  /** Reads {@code topics} with consumers made from {@code bootstrapServers} and {@code clientProperties}. */
  public ControlLogHistory(Topics topics, String bootstrapServers, Map<String, String> clientProperties) {
    this.topics = topics;
    Map<String, Object> c = new HashMap<>(clientProperties);
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(CHUNK));
    c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(4 << 20));
    c.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "shoal-gateway-history");
    c.remove(ConsumerConfig.GROUP_ID_CONFIG);
    this.config = c;
  }

  @Override
  public ServiceHistory read(String service, int limit, Long before) {
    try {
      if (!readers.tryAcquire(5, TimeUnit.SECONDS)) {
        throw ApiException.unavailable("too many history reads at once; try again");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiException.unavailable("interrupted");
    }
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      return read(consumer, service, limit, before);
    } catch (TopicAuthorizationException e) {
      // ShoalAcls does not let the gateway read the control log; the cluster is reachable, so saying
      // "cannot be reached" (what a Kafka failure maps to) would send the operator the wrong way.
      throw ApiException.unavailable("service history is read from the logs, and this gateway's Kafka principal"
          + " may not read " + String.join(", ", new java.util.TreeSet<>(e.unauthorizedTopics()))
          + " (Kafka ACLs); shoal audit history reads the logs with a principal that may");
    } finally {
      readers.release();
    }
  }

  private ServiceHistory read(KafkaConsumer<String, byte[]> consumer, String service, int limit, Long before) {
    String key = Identifiers.serviceKey(service);
    TopicPartition control = new TopicPartition(topics.control.name(), 0);
    consumer.assign(List.of(control));
    long start = consumer.beginningOffsets(List.of(control), TIMEOUT).get(control);
    long end = consumer.endOffsets(List.of(control), TIMEOUT).get(control);
    long upTo = before == null ? end : Math.max(start, Math.min(before, end));
    List<HistoryAssembler.Input> found = new ArrayList<>(); // newest first while scanning back
    long pos = upTo;
    long scanned = 0;
    while (pos > start && found.size() <= limit && scanned < MAX_CONTROL_SCAN) {
      long from = Math.max(start, pos - CHUNK);
      List<ConsumerRecord<String, byte[]>> chunk = range(consumer, control, from, pos);
      scanned += pos - from;
      for (int i = chunk.size() - 1; i >= 0 && found.size() <= limit; i--) {
        HistoryAssembler.Input in = about(chunk.get(i), key);
        if (in != null) {
          found.add(in);
        }
      }
      pos = from;
    }
    List<String> notes = new ArrayList<>();
    boolean firstIsBase = found.size() > limit; // one more than the page: only the base of its first diff
    String older = null;
    if (firstIsBase) {
      older = Long.toString(found.get(limit - 1).offset());
    } else if (pos > start) {
      older = Long.toString(pos);
      notes.add("this page read " + scanned + " control-log records, the most one request reads; older requests may"
          + " exist: ask with before=" + pos);
    }
    Collections.reverse(found);
    // The page covers the decisions up to the record at upTo (the next page's first request), not after.
    long last = Long.MAX_VALUE;
    if (upTo < end) {
      for (ConsumerRecord<String, byte[]> r : range(consumer, control, upTo, upTo + 1)) {
        Long seq = sequence(r);
        last = seq == null ? last : seq - 1;
      }
    }
    List<HistoryAssembler.Event> events = found.isEmpty() ? List.of() : events(consumer, found, last, notes);
    notes.add("principals are as recorded: the gateway's authenticated caller, or what a Kafka client wrote"
        + " (none: a Kafka client that named nobody)");
    notes.add("outcomes and versions come from shoal.events, kept 7 days; shoal audit history replays the decisions"
        + " and knows every version");
    return HistoryAssembler.assemble(service, found, firstIsBase, events, older, notes);
  }

  /** The records of {@code tp} in [from, to). */
  private static List<ConsumerRecord<String, byte[]>> range(KafkaConsumer<String, byte[]> consumer, TopicPartition tp,
                                                            long from, long to) {
    consumer.seek(tp, from);
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (consumer.position(tp, TIMEOUT) < to) {
      if (System.nanoTime() > deadline) {
        throw ApiException.unavailable("reading " + tp + " took longer than " + TIMEOUT.toSeconds() + " s");
      }
      for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL).records(tp)) {
        if (r.offset() < to) {
          out.add(r);
        }
      }
    }
    return out;
  }

  /** The request the record is, when it is one about the service; most records are rejected on their first bytes. */
  private static HistoryAssembler.Input about(ConsumerRecord<String, byte[]> r, String key) {
    byte[] v = r.value();
    Long sequence = sequence(r);
    if (v == null || sequence == null || (startsWith(v, ANY_KIND) && !startsWith(v, SPEC_KIND)
        && !startsWith(v, COMMAND_KIND))) {
      return null;
    }
    ControlMessage m;
    try {
      m = Json.fromBytes(v, ControlMessage.class);
    } catch (RuntimeException e) {
      return null;
    }
    String target = null;
    if (m instanceof ControlMessage.SpecApplied s) {
      target = s.spec().name();
    } else if (m instanceof ControlMessage.SpecRemoved s) {
      target = s.name();
    } else if (m instanceof ControlMessage.CommandIssued c && c.envelope().command() instanceof Command.ScaleService s) {
      target = s.service();
    } else if (m instanceof ControlMessage.CommandIssued c
        && c.envelope().command() instanceof Command.RollbackService rb) {
      target = rb.service();
    }
    return target != null && key.equals(Identifiers.serviceKey(target))
        ? new HistoryAssembler.Input(r.offset(), sequence, r.timestamp(), m) : null;
  }

  /**
   * The events of the service's decisions from the page's first on: its partition of the events topic
   * (events are keyed by the service's name, as each request spelled it), from the first event appended
   * at or after the first decision's time (an event is appended after its decision) to the first event of
   * a decision after the page.
   */
  private List<HistoryAssembler.Event> events(KafkaConsumer<String, byte[]> consumer, List<HistoryAssembler.Input> found,
                                              long last, List<String> notes) {
    long first = found.get(0).sequence();
    int partitions = consumer.partitionsFor(topics.events.name(), TIMEOUT).size();
    Set<Integer> parts = new LinkedHashSet<>();
    for (HistoryAssembler.Input in : found) {
      String name = nameOf(in.message());
      parts.add(Utils.toPositive(Utils.murmur2(name.getBytes(StandardCharsets.UTF_8))) % partitions);
    }
    List<HistoryAssembler.Event> out = new ArrayList<>();
    for (int p : parts) {
      TopicPartition tp = new TopicPartition(topics.events.name(), p);
      consumer.assign(List.of(tp));
      OffsetAndTimestamp at = consumer.offsetsForTimes(Map.of(tp, found.get(0).time()), TIMEOUT).get(tp);
      long stop = consumer.endOffsets(List.of(tp), TIMEOUT).get(tp);
      if (at == null) {
        continue;
      }
      consumer.seek(tp, at.offset());
      long read = 0;
      boolean done = false;
      while (!done && consumer.position(tp, TIMEOUT) < stop) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL).records(tp)) {
          Long seq = sequence(r);
          if (seq != null && seq > last) {
            done = true;
            break;
          }
          if (++read > MAX_EVENT_SCAN) {
            notes.add("stopped reading shoal.events after " + MAX_EVENT_SCAN + " records: later outcomes are unknown");
            done = true;
            break;
          }
          if (seq == null || seq < first || r.value() == null) {
            continue;
          }
          try {
            out.add(new HistoryAssembler.Event(seq, Json.fromBytes(r.value(), ClusterEvent.class)));
          } catch (RuntimeException e) {
            // not an event: nothing to tell
          }
        }
      }
    }
    return out;
  }

  private static String nameOf(ControlMessage m) {
    if (m instanceof ControlMessage.SpecApplied s) {
      return s.spec().name();
    }
    if (m instanceof ControlMessage.SpecRemoved s) {
      return s.name();
    }
    Command c = ((ControlMessage.CommandIssued) m).envelope().command();
    return c.target();
  }

  private static Long sequence(ConsumerRecord<String, byte[]> r) {
    Header h = r.headers().lastHeader(SEQUENCE);
    if (h == null || h.value() == null) {
      return null;
    }
    try {
      return Long.parseLong(new String(h.value(), StandardCharsets.UTF_8));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static boolean startsWith(byte[] v, byte[] prefix) {
    if (v.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (v[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
