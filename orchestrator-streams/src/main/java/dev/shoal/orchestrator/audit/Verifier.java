package dev.shoal.orchestrator.audit;

import dev.shoal.orchestrator.streams.DecisionOutputs;
import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Compares, decision by decision, the records a replayed decision publishes with the records of
 * the derived topics that carry its sequence, record by record: key, value bytes and (where the
 * producer sets it) the record time. The derived topics are read in step with the replay, one
 * cursor per partition, so memory stays bounded however long the history.
 *
 * <p>In each partition the records of decision N come before those of N+1 (one transactional
 * producer writes them in order). What is not a match is a {@link Divergence}, except what Kafka
 * itself explains: in a compacted topic a record is gone once a later record of its key was written
 * (tombstones go after {@code delete.retention.ms}); in a topic with retention ({@code shoal.events})
 * records older than its first one are gone. Records without a sequence in {@code shoal.events}
 * that are rejections of the intakes or quarantines ({@code *.rejected}, {@code control.failed})
 * are not decisions and are counted apart; anywhere else a record without a sequence is unexpected.
 */
public final class Verifier {
  /** Event types written without a decision: rejections at the doors and quarantined messages. */
  static final Set<String> NOT_DECISIONS = Set.of("spec.rejected", "command.rejected", "task-status.rejected",
      "heartbeat.rejected", "control.rejected", "control.failed");

  /** What a comparison counted. */
  public record Counts(long decisions, long matched, long notDecisions, long compactedAway, long expired,
                       long divergences) {
    static final Counts ZERO = new Counts(0, 0, 0, 0, 0, 0);
  }

  /**
   * Where a comparison stands after a decision, to go on from there later: each partition's next
   * offset, its start offset and first sequence as first read, the misses a later record may still
   * explain, and the counts so far.
   */
  public record Position(Map<String, Long> positions, Map<String, Long> startOffsets, Map<String, Long> firstSequences,
                         List<Divergence> pendingMisses, Counts counts, Map<String, String> topicIds) {}

  private final DerivedLogs logs;
  private final Topics topics;
  private final List<String> derived;
  private final Consumer<Divergence> sink;
  private final Map<String, Cursor> cursors = new TreeMap<>();
  /** Misses in compacted topics, by topic/partition/key: a later record of the key explains them. */
  private final Map<String, Divergence> pendingMisses = new LinkedHashMap<>();
  private long decisions;
  private long matched;
  private long notDecisions;
  private long compactedAway;
  private long expired;
  private long divergences;

  /** A comparison from the beginning of every derived topic; divergences go to {@code sink} as found. */
  public Verifier(DerivedLogs logs, Topics topics, Consumer<Divergence> sink) {
    this(logs, topics, sink, null);
  }

  /** A comparison that goes on from {@code from} (null: the beginning). */
  public Verifier(DerivedLogs logs, Topics topics, Consumer<Divergence> sink, Position from) {
    this.logs = logs;
    this.topics = topics;
    this.sink = sink;
    this.derived = List.of(topics.services.name(), topics.tasks.name(), topics.nodes.name(),
        topics.assignments.name(), topics.events.name(), topics.cluster.name());
    if (from != null) {
      from.positions().forEach((tp, pos) -> {
        String topic = tp.substring(0, tp.lastIndexOf('-'));
        int p = Integer.parseInt(tp.substring(tp.lastIndexOf('-') + 1));
        Cursor c = new Cursor(topic, p, logs.open(topic, p, pos));
        c.startOffset = from.startOffsets().getOrDefault(tp, c.log.startOffset());
        c.firstSequence = from.firstSequences().get(tp);
        cursors.put(tp, c);
      });
      from.pendingMisses().forEach(d -> pendingMisses.put(missKey(d.where(), d.key()), d));
      Counts k = from.counts();
      decisions = k.decisions();
      matched = k.matched();
      notDecisions = k.notDecisions();
      compactedAway = k.compactedAway();
      expired = k.expired();
      divergences = k.divergences();
    }
  }

  /** The derived topics compared (the control log is replayed, not compared). */
  public List<String> derivedTopics() {
    return derived;
  }

  /**
   * Compares decision {@code sequence} (control-log offset {@code controlOffset}, decision time
   * {@code time}) with what the derived topics hold under its sequence.
   */
  public void decision(long sequence, long controlOffset, long time, List<DecisionOutputs.Published> outputs) {
    decisions++;
    Map<String, List<DecisionOutputs.Published>> byPartition = new LinkedHashMap<>();
    for (DecisionOutputs.Published o : outputs) {
      if (o.topic().equals(topics.control.name())) {
        continue; // the input itself: it is what was replayed
      }
      int p = logs.partitionFor(o.topic(), o.partitionKey(), logs.partitions(o.topic()));
      byPartition.computeIfAbsent(o.topic() + "-" + p, k -> new ArrayList<>()).add(o);
    }
    byPartition.forEach((tp, expected) -> compare(cursor(tp), sequence, controlOffset, time, expected));
  }

  /**
   * Reads every partition up to the records of decisions after {@code sequence}: what is left there
   * of decisions up to it was published by none of them. Called before a snapshot (so its positions
   * are clean) and at the end.
   */
  public void sweep(long sequence) {
    for (String topic : derived) {
      for (int p = 0; p < logs.partitions(topic); p++) {
        Cursor c = cursor(topic + "-" + p);
        for (LogRecord r = c.log.peek(); r != null && (r.sequence() == null || r.sequence() <= sequence);
             r = c.log.peek()) {
          c.consume(r);
          if (r.sequence() == null) {
            unsequenced(r);
          } else {
            report(new Divergence(Divergence.UNEXPECTED, r.where(), r.sequence(), null, r.key(), null, r.text(),
                "decision " + r.sequence() + " published no such record here"));
          }
        }
      }
    }
  }

  /** A control-log record that is no decision, or a decision that does not replay ({@link Replayer}). */
  public void controlDivergence(Divergence d) {
    report(d);
  }

  /** Ends the comparison after decision {@code lastSequence}: leftovers are unexpected, unexplained misses missing. */
  public Counts finish(long lastSequence) {
    sweep(lastSequence);
    pendingMisses.values().forEach(this::report);
    pendingMisses.clear();
    return counts();
  }

  public Counts counts() {
    return new Counts(decisions, matched, notDecisions, compactedAway, expired, divergences);
  }

  /** Where the comparison stands (call after {@link #sweep} for the last decision). */
  public Position position(Map<String, String> topicIds) {
    Map<String, Long> positions = new TreeMap<>();
    Map<String, Long> starts = new TreeMap<>();
    Map<String, Long> firsts = new TreeMap<>();
    cursors.forEach((tp, c) -> {
      positions.put(tp, c.log.position());
      starts.put(tp, c.startOffset);
      if (c.firstSequence != null) {
        firsts.put(tp, c.firstSequence);
      }
    });
    return new Position(positions, starts, firsts, List.copyOf(pendingMisses.values()), counts(),
        new TreeMap<>(topicIds));
  }

  /**
   * The node record decision {@code sequence} published for {@code nodeId}, if the topic holds one:
   * how a replay without the cluster secret takes a join's verdict from the record
   * ({@link RecordedJoins}).
   */
  public Optional<Node> recordedNode(long sequence, String nodeId) {
    String topic = topics.nodes.name();
    Cursor c = cursor(topic + "-" + logs.partitionFor(topic, nodeId, logs.partitions(topic)));
    for (LogRecord r : c.log.upcoming(sequence)) {
      if (r.sequence() != null && r.sequence() == sequence && nodeId.equals(r.key()) && r.value() != null) {
        try {
          return Optional.of(Json.fromBytes(r.value(), Node.class));
        } catch (RuntimeException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  private void compare(Cursor c, long sequence, long controlOffset, long time,
                       List<DecisionOutputs.Published> expected) {
    int next = 0;
    for (LogRecord r = c.log.peek(); r != null; r = c.log.peek()) {
      if (r.sequence() == null) {
        c.consume(r);
        unsequenced(r);
        continue;
      }
      if (r.sequence() > sequence) {
        break;
      }
      c.consume(r);
      if (r.sequence() < sequence) {
        report(new Divergence(Divergence.UNEXPECTED, r.where(), r.sequence(), null, r.key(), null, r.text(),
            "decision " + r.sequence() + " published no such record here"));
        continue;
      }
      int at = indexOfKey(expected, next, r.key());
      if (at < 0) {
        report(new Divergence(Divergence.UNEXPECTED, r.where(), sequence, controlOffset, r.key(), null, r.text(),
            "decision " + sequence + " published no record with this key here"));
        continue;
      }
      for (int i = next; i < at; i++) {
        missing(c, sequence, controlOffset, expected.get(i));
      }
      match(c, r, sequence, controlOffset, time, expected.get(at));
      next = at + 1;
    }
    for (int i = next; i < expected.size(); i++) {
      missing(c, sequence, controlOffset, expected.get(i));
    }
  }

  private void match(Cursor c, LogRecord r, long sequence, long controlOffset, long time,
                     DecisionOutputs.Published o) {
    explainEarlierMiss(c, o.key());
    boolean sameValue = Arrays.equals(o.value(), r.value());
    boolean sameTime = r.appendTime() || r.timestamp() == time;
    if (sameValue && sameTime) {
      matched++;
      return;
    }
    String detail = !sameValue ? "the value differs" + JsonDiff.firstDifference(o.value(), r.value())
        : "the record time is " + r.timestamp() + ", the decision's time " + time;
    report(new Divergence(Divergence.DIFFERENT, r.where(), sequence, controlOffset, r.key(), text(o.value()),
        r.text(), detail));
  }

  private void missing(Cursor c, long sequence, long controlOffset, DecisionOutputs.Published o) {
    explainEarlierMiss(c, o.key());
    String where = c.topic + "-" + c.partition;
    if (logs.compacted(c.topic)) {
      if (o.value() == null) {
        compactedAway++; // tombstones themselves go after delete.retention.ms
        return;
      }
      // Compaction keeps a key's latest record: this one may be gone if the key was written again later.
      pendingMisses.put(missKey(where, o.key()), new Divergence(Divergence.MISSING, where, sequence, controlOffset,
          o.key(), text(o.value()), null, "decision " + sequence + " published this record; the topic does not hold it"));
      return;
    }
    if (c.startOffset > 0 && (c.firstSequence == null || c.firstSequence > sequence)) {
      expired++; // before the partition's first record: removed by retention
      return;
    }
    report(new Divergence(Divergence.MISSING, where, sequence, controlOffset, o.key(), text(o.value()), null,
        "decision " + sequence + " published this record; the topic does not hold it"));
  }

  /** A later record of the same key explains an earlier miss in a compacted topic. */
  private void explainEarlierMiss(Cursor c, String key) {
    if (!pendingMisses.isEmpty() && pendingMisses.remove(missKey(c.topic + "-" + c.partition, key)) != null) {
      compactedAway++;
    }
  }

  private void unsequenced(LogRecord r) {
    if (r.topic().equals(topics.events.name()) && r.value() != null) {
      try {
        ClusterEvent e = Json.fromBytes(r.value(), ClusterEvent.class);
        if (NOT_DECISIONS.contains(e.type())) {
          notDecisions++;
          return;
        }
      } catch (RuntimeException e) {
        // not an event at all: unexpected, below
      }
    }
    report(new Divergence(Divergence.UNEXPECTED, r.where(), null, null, r.key(), null, r.text(),
        "no shoal-sequence header: no decision wrote this record"));
  }

  private void report(Divergence d) {
    divergences++;
    sink.accept(d);
  }

  private Cursor cursor(String tp) {
    return cursors.computeIfAbsent(tp, k -> {
      String topic = k.substring(0, k.lastIndexOf('-'));
      int p = Integer.parseInt(k.substring(k.lastIndexOf('-') + 1));
      Cursor c = new Cursor(topic, p, logs.open(topic, p, -1));
      c.startOffset = c.log.startOffset();
      return c;
    });
  }

  private static int indexOfKey(List<DecisionOutputs.Published> expected, int from, String key) {
    for (int i = from; i < expected.size(); i++) {
      if (expected.get(i).key().equals(key)) {
        return i;
      }
    }
    return -1;
  }

  private static String missKey(String where, String key) {
    return where + "\u0000" + key;
  }

  private static String text(byte[] value) {
    return value == null ? "tombstone" : new String(value, StandardCharsets.UTF_8);
  }

  /** A partition being read, with what the retention rule needs to know of its beginning. */
  private static final class Cursor {
    final String topic;
    final int partition;
    final DerivedLogs.PartitionLog log;
    long startOffset;
    Long firstSequence;

    Cursor(String topic, int partition, DerivedLogs.PartitionLog log) {
      this.topic = topic;
      this.partition = partition;
      this.log = log;
    }

    void consume(LogRecord r) {
      log.consume();
      if (firstSequence == null && r.sequence() != null) {
        firstSequence = r.sequence();
      }
    }
  }
}
