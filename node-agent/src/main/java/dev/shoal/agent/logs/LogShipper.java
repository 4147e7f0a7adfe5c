package dev.shoal.agent.logs;

import dev.shoal.agent.runtime.RuntimeTask;
import dev.shoal.agent.runtime.TaskOutputs;
import dev.shoal.schemas.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships the output of a node's tasks to {@code shoal.logs}: every tick it reads what each task
 * wrote ({@link TaskOutputs}), cuts long lines, applies each task's rate limit, and sends each task's
 * lines in batches, one in flight per task, keyed by task id. It runs on a thread of its own with a
 * producer of its own, and bounds what one tick reads (per task and in all), so a chatty task costs
 * the agent a bounded share of one thread and never delays heartbeats or convergence.
 *
 * <p>After Kafka acknowledges a batch, the task's cursor is written to the data directory
 * ({@link LogCursors}); a restarted agent resumes there, so lines are neither lost nor, as readers
 * see them, doubled.
 */
public final class LogShipper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LogShipper.class);
  /** How long a task the runtime no longer lists may still be read (its removal races its last output). */
  private static final long VANISHED_GRACE_NANOS = TimeUnit.SECONDS.toNanos(30);
  private static final long TIDY_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
  private static final Duration STALE_CURSOR = Duration.ofMinutes(10);

  private final String nodeId;
  private final List<TaskOutputs> sources;
  private final LogSink sink;
  private final LogCursors cursors;
  private final LogSettings settings;
  private final LogCounters counters;
  private final ScheduledExecutorService thread;
  private final Map<String, TaskLog> tasks = new LinkedHashMap<>();
  private final Queue<Runnable> completions = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean tickPending = new AtomicBoolean();
  private final AtomicBoolean failing = new AtomicBoolean();
  private long lastTidy;
  private int rotation;

  LogShipper(String nodeId, List<TaskOutputs> sources, LogSink sink, LogCursors cursors, LogSettings settings,
             LogCounters counters) {
    this.nodeId = nodeId;
    this.sources = List.copyOf(sources);
    this.sink = sink;
    this.cursors = cursors;
    this.settings = settings;
    this.counters = counters;
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "shoal-agent-logs-" + nodeId);
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * A shipper to Kafka for the node's {@code sources}, keeping cursors in {@code dataDir/logs}; its
   * producer takes the agent's extra client settings. Call {@link #start()}.
   */
  public static LogShipper toKafka(String nodeId, List<TaskOutputs> sources, java.nio.file.Path dataDir,
                                   String bootstrap, Map<String, ?> kafkaProperties, String topic,
                                   LogSettings settings, LogCounters counters) {
    KafkaLogSink sink = KafkaLogSink.create(bootstrap, "shoal-agent-logs-" + nodeId, kafkaProperties, topic);
    return new LogShipper(nodeId, sources, sink, new LogCursors(dataDir.resolve("logs")), settings, counters);
  }

  /** The producer, when shipping to Kafka (to bind its metrics), else null. */
  public org.apache.kafka.clients.producer.Producer<?, ?> producer() {
    return sink instanceof KafkaLogSink k ? k.producer() : null;
  }

  public LogShipper start() {
    long t = settings.tick().toMillis();
    thread.scheduleWithFixedDelay(this::tick, 0, t, TimeUnit.MILLISECONDS);
    return this;
  }

  private void requestTick() {
    if (tickPending.compareAndSet(false, true)) {
      try {
        thread.execute(this::tick);
      } catch (RejectedExecutionException closing) {
        tickPending.set(false);
      }
    }
  }

  /** One round: acknowledgements, new and gone tasks, reading, sending. Nothing may escape it. */
  void tick() {
    tickPending.set(false);
    try {
      Runnable c;
      while ((c = completions.poll()) != null) {
        c.run();
      }
      long now = System.nanoTime();
      track(now);
      read(now);
      send();
      if (now - lastTidy > TIDY_EVERY_NANOS) {
        lastTidy = now;
        cursors.deleteStale(tasks.keySet(), STALE_CURSOR);
      }
    } catch (RuntimeException | Error e) {
      LOG.error("log shipping of node {} failed a round", nodeId, e);
    }
  }

  /** Opens newly listed tasks; forgets those shipped in full or gone for good. */
  private void track(long now) {
    Map<String, RuntimeTask> listed = new LinkedHashMap<>();
    Map<String, TaskOutputs> sourceOf = new LinkedHashMap<>();
    for (TaskOutputs s : sources) {
      try {
        for (RuntimeTask t : s.readable(nodeId)) {
          if (listed.putIfAbsent(t.taskId(), t) == null) {
            sourceOf.put(t.taskId(), s);
          }
        }
      } catch (RuntimeException e) {
        LOG.debug("cannot list the tasks of a runtime for log shipping: {}", e.toString());
      }
    }
    for (Map.Entry<String, RuntimeTask> e : listed.entrySet()) {
      String id = e.getKey();
      TaskLog log = tasks.get(id);
      if (log == null) {
        try {
          tasks.put(id, new TaskLog(id, serviceOf(e.getValue()), nodeId, sourceOf.get(id), cursors.load(id), settings,
              counters, now));
        } catch (IOException | RuntimeException ex) {
          LOG.debug("cannot open the output of task {} yet: {}", id, ex.toString());
        }
      } else {
        log.vanishedAt = 0;
      }
    }
    for (var it = tasks.values().iterator(); it.hasNext(); ) {
      TaskLog log = it.next();
      if (listed.containsKey(log.taskId)) {
        continue;
      }
      if (log.vanishedAt == 0) {
        log.vanishedAt = now;
      }
      if (log.done() || now - log.vanishedAt > VANISHED_GRACE_NANOS) {
        if (!log.done()) {
          LOG.warn("task {} was removed before all its output was shipped", log.taskId);
        }
        log.close();
        cursors.delete(log.taskId);
        it.remove();
      }
    }
  }

  /** Reads every task's output within the tick's budgets, starting with a different task each tick. */
  private void read(long now) {
    List<TaskLog> order = new ArrayList<>(tasks.values());
    if (order.isEmpty()) {
      return;
    }
    int start = Math.floorMod(rotation++, order.size());
    long left = settings.readPerTickAllTasks();
    for (int i = 0; i < order.size() && left > 0; i++) {
      TaskLog log = order.get((start + i) % order.size());
      if (log.done()) {
        continue;
      }
      try {
        left -= log.pump((int) Math.min(settings.readPerTick(), left), now);
      } catch (IOException | RuntimeException e) {
        LOG.debug("cannot read the output of task {}: {}", log.taskId, e.toString());
      }
    }
  }

  private void send() {
    for (TaskLog log : tasks.values()) {
      TaskLog.InFlight batch = log.nextBatch();
      if (batch == null) {
        continue;
      }
      byte[] value = Json.toBytes(batch.batch());
      CompletableFuture<Void> stored;
      try {
        stored = sink.send(batch.batch(), value);
      } catch (RuntimeException e) {
        stored = CompletableFuture.failedFuture(e);
      }
      stored.whenComplete((ok, err) -> {
        completions.add(() -> settle(log, batch, err));
        requestTick(); // the next batch of this task waits for this answer
      });
    }
  }

  private void settle(TaskLog log, TaskLog.InFlight batch, Throwable err) {
    if (err == null) {
      counters.batch("acknowledged");
      Map<String, Long> cursor = log.acknowledged(batch);
      if (cursor != null && tasks.get(log.taskId) == log) {
        cursors.save(log.taskId, cursor);
      }
      if (failing.compareAndSet(true, false)) {
        LOG.info("shipping task output to Kafka works again");
      }
    } else {
      counters.batch("failed");
      if (failing.compareAndSet(false, true)) {
        LOG.warn("cannot ship task output to Kafka ({}); the agent reads it again and retries", err.toString());
      }
      log.failed(batch);
    }
  }

  /**
   * Ships what the stopped tasks wrote last, for up to the drain timeout, then closes the producer.
   * Call after the agent stopped its tasks.
   */
  @Override
  public void close() {
    long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
    while (System.nanoTime() < deadline && !allDone()) {
      try {
        Thread.sleep(settings.tick().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    thread.shutdown();
    try {
      thread.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    thread.shutdownNow();
    tasks.values().forEach(TaskLog::close);
    sink.close();
  }

  private boolean allDone() {
    try {
      return thread.submit(() -> tasks.values().stream().allMatch(TaskLog::done)).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      return true;
    }
  }

  /** The service of a task from its runtime name, {@code <service>.<slot or node>.<task id>} (names have no dots). */
  static String serviceOf(RuntimeTask t) {
    String name = t.name();
    if (name == null || name.isEmpty()) {
      return "unknown";
    }
    int dot = name.indexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }
}
