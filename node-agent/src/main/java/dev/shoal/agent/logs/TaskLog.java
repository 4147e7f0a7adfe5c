package dev.shoal.agent.logs;

import dev.shoal.agent.runtime.OutputPiece;
import dev.shoal.agent.runtime.OutputReader;
import dev.shoal.agent.runtime.TaskOutputs;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.LogBatch;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One task's shipping, on the shipper's thread only: its output reader, a line assembler per
 * stream, its rate limit, the lines waiting to be sent, the one batch in flight and the cursor Kafka
 * last acknowledged. At most one batch per task is in flight, so batches reach Kafka in order; a
 * failed one rewinds the task to its cursor and reads it again.
 */
final class TaskLog {
  /** The batch in flight and the cursor it takes the task to once acknowledged. */
  record InFlight(LogBatch batch, Map<String, Long> cursor) {}

  /** Lines of one stream the rate limit dropped since its last marker. */
  private static final class Drops {
    long lines;
    long bytes;
    long lastPos;
  }

  final String taskId;
  final String service;
  private final String nodeId;
  private final TaskOutputs source;
  private final LogSettings settings;
  private final LogCounters counters;
  private final LogRateLimiter limiter;
  private final ArrayDeque<LogBatch.Line> outbox = new ArrayDeque<>();
  private Map<String, LineAssembler> assemblers = new HashMap<>();
  private Map<String, Drops> drops = new TreeMap<>();
  /**
   * Per stream, the furthest place the rate limit has judged. A failed batch rewinds the reader, and
   * the lines read again must not be charged again: retries alone would exhaust the limit.
   */
  private final Map<String, Long> judgedUpTo = new HashMap<>();
  private long outboxBytes;
  private long firstDropNanos;
  private Map<String, Long> acked;
  private OutputReader reader;
  private InFlight inFlight;
  private boolean ended;
  /** When the runtime stopped listing the task (monotonic nanos), 0 while it lists it. */
  long vanishedAt;

  TaskLog(String taskId, String service, String nodeId, TaskOutputs source, Map<String, Long> cursor,
          LogSettings settings, LogCounters counters, long now) throws IOException {
    this.taskId = taskId;
    this.service = service;
    this.nodeId = nodeId;
    this.source = source;
    this.settings = settings;
    this.counters = counters;
    this.acked = new TreeMap<>(cursor);
    this.limiter = new LogRateLimiter(settings, now);
    this.reader = source.open(taskId, acked);
  }

  /** Shipped everything the task will ever write. */
  boolean done() {
    return ended && outbox.isEmpty() && inFlight == null;
  }

  boolean idle() {
    return inFlight == null;
  }

  /** Whether the lines waiting are enough to wait for Kafka before reading more. */
  boolean full() {
    return outboxBytes > 2L * LogBatch.MAX_BYTES;
  }

  /** Reads up to {@code budget} bytes of output into lines; returns what was read. */
  int pump(int budget, long now) throws IOException {
    if (reader == null && !ended) {
      reader = source.open(taskId, acked); // after a rewind that could not reopen at once
    }
    if (reader == null || full()) {
      return 0;
    }
    for (OutputReader.Skipped s : reader.skipBacklog(settings.maxBacklog())) {
      LineAssembler a = assemblers.get(s.stream());
      if (a != null && a.isOpen()) {
        offer(a.flush(), now);
      }
      counters.skipped(service, s.bytes());
      marker(s.stream(), LogBatch.skippedNote(s.bytes()), s.pos());
    }
    int read = 0;
    for (OutputPiece p : reader.read(budget)) {
      read += p.bytes().length;
      LineAssembler.Assembled line = assemblers.computeIfAbsent(p.stream(),
          s -> new LineAssembler(s, settings.maxLineBytes())).add(p);
      if (line != null) {
        offer(line, now);
      }
    }
    if (reader.ended()) {
      for (LineAssembler a : assemblers.values()) {
        if (a.isOpen()) {
          offer(a.flush(), now);
        }
      }
      markDrops();
      ended = true;
      reader.close();
      reader = null;
    } else if (!drops.isEmpty() && now - firstDropNanos >= 1_000_000_000L) {
      markDrops(); // still dropping: say so about once a second
    }
    return read;
  }

  private void offer(LineAssembler.Assembled a, long now) {
    boolean again = a.pos() <= judgedUpTo.getOrDefault(a.stream(), Long.MIN_VALUE);
    LogRateLimiter.Verdict v = again ? LogRateLimiter.Verdict.ADMIT : limiter.admit(a.bytes(), now);
    if (!again) {
      judgedUpTo.put(a.stream(), a.pos());
    }
    if (v == LogRateLimiter.Verdict.DROP) {
      if (drops.isEmpty()) {
        firstDropNanos = now;
      }
      Drops d = drops.computeIfAbsent(a.stream(), s -> new Drops());
      d.lines++;
      d.bytes += a.bytes();
      d.lastPos = a.pos();
      return;
    }
    if (v == LogRateLimiter.Verdict.RESUME) {
      markDrops();
    }
    String text = a.text();
    if (a.cutBytes() > 0) {
      text += LogBatch.cutNote(a.cutBytes());
      counters.cut(service);
    }
    add(new LogBatch.Line(a.time(), a.stream(), text, a.pos(), null));
  }

  /** A marker line per stream that dropped lines, at the place of its last dropped line. */
  private void markDrops() {
    for (Map.Entry<String, Drops> e : drops.entrySet()) {
      Drops d = e.getValue();
      counters.dropped(service, d.lines, d.bytes);
      marker(e.getKey(), LogBatch.droppedNote(d.lines, d.bytes), d.lastPos);
    }
    drops = new TreeMap<>();
  }

  private void marker(String stream, String text, long pos) {
    add(new LogBatch.Line(wallNanos(), stream, text, pos, true));
  }

  private void add(LogBatch.Line line) {
    outbox.add(line);
    outboxBytes += line.text().length() + 64L;
  }

  /** The next batch to send, or null when one is in flight or nothing waits. */
  InFlight nextBatch() {
    if (inFlight != null || outbox.isEmpty()) {
      return null;
    }
    int size = Json.toBytes(new LogBatch(taskId, nodeId, List.of())).length;
    List<LogBatch.Line> lines = new ArrayList<>();
    Map<String, Long> cursor = new TreeMap<>(acked);
    while (!outbox.isEmpty()) {
      LogBatch.Line l = outbox.peek();
      int n = Json.toBytes(l).length + 1;
      if (!lines.isEmpty() && size + n > LogBatch.MAX_BYTES) {
        break;
      }
      size += n;
      lines.add(outbox.poll());
      outboxBytes -= l.text().length() + 64L;
      cursor.merge(l.stream(), l.pos(), Math::max);
    }
    inFlight = new InFlight(new LogBatch(taskId, nodeId, lines), cursor);
    return inFlight;
  }

  /** Kafka stored the batch in flight: the task's cursor moves past it. */
  Map<String, Long> acknowledged(InFlight batch) {
    if (inFlight != batch) {
      return null;
    }
    inFlight = null;
    acked = batch.cursor();
    counters.shipped(service, batch.batch().lines().size());
    return acked;
  }

  /**
   * The batch in flight was not stored: forget what was read after the cursor and read it again
   * (a batch stored after all is dropped by readers, by its positions).
   */
  void failed(InFlight batch) {
    if (inFlight != batch) {
      return;
    }
    inFlight = null;
    outbox.clear();
    outboxBytes = 0;
    assemblers = new HashMap<>();
    drops = new TreeMap<>();
    ended = false;
    close();
    try {
      reader = source.open(taskId, acked);
    } catch (IOException e) {
      reader = null; // pump tries again
    }
  }

  void close() {
    if (reader != null) {
      reader.close();
      reader = null;
    }
  }

  private static long wallNanos() {
    Instant t = Instant.now();
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }
}
