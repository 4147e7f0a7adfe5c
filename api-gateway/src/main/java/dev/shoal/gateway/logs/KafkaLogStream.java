package dev.shoal.gateway.logs;

import dev.shoal.gateway.ApiException;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.LogBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.utils.Utils;

/**
 * One request's reading of {@code shoal.logs}. A task's lines are in the partition its id hashes to,
 * appended after it was created: reading starts at the offset of that time (or of {@code since}),
 * found with {@code offsetsForTimes} (the topic keeps append times), less a minute for clocks.
 * Without {@code tail} it reads forward to the end offsets taken at the start; with {@code tail} it
 * reads backwards from them in growing steps until each task has its lines, so the cost is about
 * the distance back to them, not the partition's size. Following goes on from those end offsets.
 * Lines read twice are dropped by their positions ({@link LineDedup}); lines of several tasks are
 * merged by time, each task's in its own order.
 */
class KafkaLogStream implements LogReader.LogStream {
  /** Clocks of agents, brokers and the orchestrator may differ this much. */
  static final long SLACK_MILLIS = 60_000;
  private static final Duration POLL = Duration.ofMillis(100);
  private static final long REFRESH_NANOS = 2_000_000_000L;

  private final Consumer<String, byte[]> consumer;
  private final String topic;
  private final LogQuery query;
  private final LogLimits limits;
  private final BooleanSupplier stopping;
  private final Map<String, LogTask> tasks = new LinkedHashMap<>();
  private final Map<TopicPartition, List<LogTask>> byPartition = new TreeMap<>(
      (a, b) -> Integer.compare(a.partition(), b.partition()));
  private final LineDedup dedup = new LineDedup();
  private Map<TopicPartition, Long> start = Map.of();
  private Map<TopicPartition, Long> end = Map.of();
  private int partitions;

  KafkaLogStream(Consumer<String, byte[]> consumer, String topic, LogQuery query, LogLimits limits,
                 BooleanSupplier stopping) {
    this.consumer = consumer;
    this.topic = topic;
    this.query = query;
    this.limits = limits;
    this.stopping = stopping;
  }

  /** Finds the partitions and the offsets to read between; a failure here is still an HTTP error. */
  void prepare() {
    List<PartitionInfo> info;
    try {
      info = consumer.partitionsFor(topic, Duration.ofSeconds(10));
    } catch (RuntimeException e) {
      throw ApiException.unavailable("cannot read " + topic + " from Kafka: " + e.getMessage());
    }
    if (info == null || info.isEmpty()) {
      throw ApiException.unavailable(topic + " does not exist yet (the orchestrator creates it when it starts)");
    }
    partitions = info.size();
    query.tasks().forEach(this::addTask);
    if (byPartition.isEmpty()) {
      return;
    }
    consumer.assign(byPartition.keySet());
    start = offsetsAt(startTimes());
    end = consumer.endOffsets(byPartition.keySet());
  }

  private TopicPartition addTask(LogTask t) {
    if (tasks.putIfAbsent(t.taskId(), t) != null) {
      return null;
    }
    int p = Utils.toPositive(Utils.murmur2(t.taskId().getBytes(StandardCharsets.UTF_8))) % partitions;
    TopicPartition tp = new TopicPartition(topic, p);
    byPartition.computeIfAbsent(tp, k -> new ArrayList<>()).add(t);
    return tp;
  }

  /** Per partition, the earliest time one of its tasks can have a wanted line. */
  private Map<TopicPartition, Long> startTimes() {
    long since = query.sinceNanos() / 1_000_000;
    Map<TopicPartition, Long> out = new HashMap<>();
    byPartition.forEach((tp, ts) -> out.put(tp, Math.max(0, ts.stream()
        .mapToLong(t -> Math.max(t.createdAt(), since)).min().orElse(0) - SLACK_MILLIS)));
    return out;
  }

  /** The first offset appended at or after each time; the end offset when there is none. */
  private Map<TopicPartition, Long> offsetsAt(Map<TopicPartition, Long> times) {
    Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(times);
    Map<TopicPartition, Long> ends = consumer.endOffsets(times.keySet());
    Map<TopicPartition, Long> out = new HashMap<>();
    times.keySet().forEach(tp -> {
      OffsetAndTimestamp o = found.get(tp);
      out.put(tp, o != null ? o.offset() : ends.get(tp));
    });
    return out;
  }

  @Override
  public void writeTo(LogOutput out, BooleanSupplier gone) throws IOException {
    try {
      if (byPartition.isEmpty()) {
        if (query.follow()) {
          follow(out, gone); // a service with no task yet: its first ones may come
        }
        return;
      }
      long deadline = System.nanoTime() + limits.readTimeout().toNanos();
      Collected got = query.tail() != null ? tail(deadline) : forward(deadline);
      emit(got, out);
      if (got.cutShort != null) {
        out.note(query.tasks().get(0), got.cutShort);
        out.flush();
        return;
      }
      out.flush();
      if (query.follow()) {
        follow(out, gone);
      }
    } catch (WakeupException stoppingNow) {
      out.flush();
    }
  }

  /** The lines read before following, per task in order, and why reading stopped short (null if it did not). */
  private static final class Collected {
    final Map<String, List<LogBatch.Line>> lines = new LinkedHashMap<>();
    long count;
    long bytes;
    /** Why the response ends here (there was more). */
    String cutShort;

    void add(LogTask t, LogBatch.Line l) {
      lines.computeIfAbsent(t.taskId(), k -> new ArrayList<>()).add(l);
      count++;
      bytes += l.text().length();
    }
  }

  private Collected forward(long deadline) {
    Collected got = new Collected();
    Map<TopicPartition, Long> remaining = new HashMap<>();
    byPartition.keySet().forEach(tp -> {
      if (start.get(tp) < end.get(tp)) {
        consumer.seek(tp, start.get(tp));
        remaining.put(tp, end.get(tp));
      }
    });
    consumer.pause(byPartition.keySet().stream().filter(tp -> !remaining.containsKey(tp)).toList());
    while (!remaining.isEmpty()) {
      if (System.nanoTime() > deadline || stopping.getAsBoolean()) {
        got.cutShort = "… stopped reading after " + limits.readTimeout().toSeconds() + "s; ask for less with since or tail";
        break;
      }
      for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        Long until = remaining.get(tp);
        if (until == null || r.offset() >= until) {
          continue;
        }
        lines(r, (t, l) -> {
          if (got.cutShort == null && dedup.fresh(t.taskId(), l) && query.wants(l.stream(), l.time())) {
            if (got.count >= limits.maxLines() || got.bytes + l.text().length() > limits.maxBytes()) {
              got.cutShort = cutNote(got);
            } else {
              got.add(t, l);
            }
          }
        });
        if (got.cutShort != null) {
          consumer.resume(consumer.paused());
          return got;
        }
      }
      remaining.keySet().removeIf(tp -> consumer.position(tp) >= remaining.get(tp));
    }
    consumer.resume(consumer.paused());
    return got;
  }

  /**
   * Each task's last {@code tail} lines, read backwards from the end in growing steps. A task keeps
   * at most {@code tail} lines and the byte limit while reading ({@link TailWindow}); the response as
   * a whole stops at the limits, as without {@code tail}.
   */
  private Collected tail(long deadline) {
    int n = query.tail();
    Collected got = new Collected();
    Map<String, TailWindow> kept = new HashMap<>();
    for (Map.Entry<TopicPartition, List<LogTask>> e : byPartition.entrySet()) {
      TopicPartition tp = e.getKey();
      consumer.pause(byPartition.keySet());
      consumer.resume(List.of(tp));
      long low = start.get(tp);
      long hi = end.get(tp);
      long step = 256;
      while (hi > low && n > 0 && e.getValue().stream().anyMatch(t -> !window(kept, t.taskId(), n).full())) {
        if (System.nanoTime() > deadline || stopping.getAsBoolean()) {
          got.cutShort = "… stopped reading after " + limits.readTimeout().toSeconds() + "s; ask for fewer lines";
          break;
        }
        long lo = Math.max(low, hi - step);
        readRange(tp, lo, hi, deadline, n).forEach((id, older) -> window(kept, id, n).prependOlder(older));
        hi = lo;
        step = Math.min(step * 4, 65_536);
      }
    }
    consumer.resume(byPartition.keySet());
    for (LogTask t : tasks.values()) {
      TailWindow w = kept.get(t.taskId());
      for (LogBatch.Line l : w == null ? List.<LogBatch.Line>of() : w.lines()) {
        if (!dedup.fresh(t.taskId(), l)) {
          continue;
        }
        if (got.count >= limits.maxLines() || got.bytes + l.text().length() > limits.maxBytes()) {
          got.cutShort = cutNote(got);
          break;
        }
        got.add(t, l);
      }
    }
    return got;
  }

  private TailWindow window(Map<String, TailWindow> kept, String taskId, int n) {
    return kept.computeIfAbsent(taskId, k -> new TailWindow(n, limits.maxBytes()));
  }

  private String cutNote(Collected got) {
    return "… response cut at " + got.count + " lines (the gateway's limit is " + limits.maxLines() + " lines or "
        + (limits.maxBytes() >> 20) + " MiB); ask for the rest with since or tail";
  }

  /** The last {@code n} wanted lines per task of {@code tp}'s records in [lo, hi), in order (not deduplicated). */
  private Map<String, TailWindow> readRange(TopicPartition tp, long lo, long hi, long deadline, int n) {
    Map<String, TailWindow> out = new HashMap<>();
    consumer.seek(tp, lo);
    while (consumer.position(tp) < hi && System.nanoTime() <= deadline && !stopping.getAsBoolean()) {
      for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
        if (r.offset() < hi) {
          lines(r, (t, l) -> {
            if (query.wants(l.stream(), l.time())) {
              window(out, t.taskId(), n).append(l);
            }
          });
        }
      }
    }
    return out;
  }

  /** Sends new lines as they are appended, until the limit, the client leaves or the gateway stops. */
  private void follow(LogOutput out, BooleanSupplier gone) throws IOException {
    long until = System.nanoTime() + limits.maxFollow().toNanos();
    long refreshAt = System.nanoTime() + REFRESH_NANOS;
    if (!byPartition.isEmpty()) {
      consumer.resume(consumer.paused());
      end.forEach(consumer::seek);
    }
    while (!gone.getAsBoolean() && !stopping.getAsBoolean()) {
      if (System.nanoTime() > until) {
        out.note(query.tasks().isEmpty() ? null : query.tasks().get(0), "… stopped following after "
            + limits.maxFollow().toMinutes() + " minutes (the gateway's limit); run again with since to go on");
        out.flush();
        return;
      }
      boolean wrote = false;
      if (!byPartition.isEmpty()) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
          List<LogBatch.Line> fresh = new ArrayList<>();
          LogTask[] task = new LogTask[1];
          lines(r, (t, l) -> {
            if (dedup.fresh(t.taskId(), l) && query.wants(l.stream(), l.time())) {
              task[0] = t;
              fresh.add(l);
            }
          });
          for (LogBatch.Line l : fresh) {
            out.line(task[0], l);
            wrote = true;
          }
        }
      } else {
        pause();
      }
      if (wrote) {
        out.flush();
      }
      if (query.refresh() != null && System.nanoTime() > refreshAt) {
        refreshAt = System.nanoTime() + REFRESH_NANOS;
        refresh();
      }
    }
  }

  /** Follows tasks of the service started since the request began, from their creation. */
  private void refresh() {
    Map<TopicPartition, Long> added = new HashMap<>();
    for (LogTask t : query.refresh().get()) {
      boolean known = byPartition.containsKey(partitionOf(t));
      TopicPartition tp = addTask(t);
      if (tp != null && !known) {
        added.merge(tp, Math.max(0, t.createdAt() - SLACK_MILLIS), Math::min);
      }
    }
    if (!added.isEmpty()) {
      consumer.assign(byPartition.keySet());
      offsetsAt(added).forEach(consumer::seek);
    }
  }

  private TopicPartition partitionOf(LogTask t) {
    return new TopicPartition(topic,
        Utils.toPositive(Utils.murmur2(t.taskId().getBytes(StandardCharsets.UTF_8))) % partitions);
  }

  private static void pause() {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The valid lines of a record of one of our tasks; anything else (another key, a bad value) is skipped. */
  private void lines(ConsumerRecord<String, byte[]> r, BiConsumer<LogTask, LogBatch.Line> each) {
    LogTask t = r.key() == null ? null : tasks.get(r.key());
    if (t == null || r.value() == null) {
      return;
    }
    LogBatch b;
    try {
      b = Json.fromBytes(r.value(), LogBatch.class);
    } catch (RuntimeException notABatch) {
      return;
    }
    // Kafka's ACLs let any agent write any key: a batch must at least name the task and the node it ran on.
    if (!t.taskId().equals(b.taskId()) || (t.nodeId() != null && !t.nodeId().equals(b.nodeId()))) {
      return;
    }
    for (LogBatch.Line l : b.lines()) {
      if (l != null && l.text() != null && (LogBatch.STDOUT.equals(l.stream()) || LogBatch.STDERR.equals(l.stream()))
          && l.text().length() <= LogBatch.MAX_LINE_BYTES + LogBatch.MAX_NOTE_BYTES) {
        each.accept(t, l);
      }
    }
  }

  /** Writes each task's lines, merging tasks by time and keeping each task's own order. */
  private void emit(Collected got, LogOutput out) throws IOException {
    List<LogTask> order = new ArrayList<>();
    List<List<LogBatch.Line>> lists = new ArrayList<>();
    got.lines.forEach((id, ls) -> {
      order.add(tasks.get(id));
      lists.add(ls);
    });
    int[] next = new int[lists.size()];
    while (true) {
      int best = -1;
      for (int i = 0; i < lists.size(); i++) {
        if (next[i] < lists.get(i).size() && (best < 0
            || lists.get(i).get(next[i]).time() < lists.get(best).get(next[best]).time())) {
          best = i;
        }
      }
      if (best < 0) {
        return;
      }
      out.line(order.get(best), lists.get(best).get(next[best]++));
    }
  }

  void wakeup() {
    consumer.wakeup();
  }

  @Override
  public void close() {
    consumer.close(Duration.ZERO);
  }
}
