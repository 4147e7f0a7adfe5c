package dev.shoal.agent;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where a {@link TaskSupervisor}'s operations run, split by what they spend (issue 14).
 *
 * <ul>
 *   <li>{@link #starts()}: prepares and starts (create the container, pull its image if missing, start
 *       it) and removes — the work that loads the engine — at most {@code parallelism} at a time.</li>
 *   <li>{@link #stops()}: stops, which mostly wait (the engine sends the stop signal, then waits up to
 *       the grace period before it kills), on threads of their own, so a stop waiting out a 10 s grace
 *       never holds a start worker. Bounded too, but wider ({@link #STOP_THREADS}): a waiting stop costs
 *       the engine next to nothing, and a fence or shutdown should stop a node's tasks within about one
 *       grace period, not one grace per {@code parallelism} tasks.</li>
 *   <li>{@link #drains()}: drain delays ({@link Draining}) hold no thread at all; the stop is handed
 *       to {@link #stops()} when the delay is over (or at once when a fence or shutdown cuts it short).</li>
 * </ul>
 *
 * <p>Idle threads end after {@link #IDLE}: a JVM of 1,000 hollow agents ({@code shoal bench scale})
 * holds operation threads only while operations run, not a pool per agent.
 */
final class OpsPool {
  /**
   * Starts at once per agent by default: the smallest bound tried at which 20 containers came up as
   * fast as 20 `docker run -d` at once on the same engine (8: 1.02 x, 20: 0.98 x, 4: 1.07 x; main's
   * unbounded pool 1.00–1.04 x; docs/benchmarks.md, "Real containers"). More calls at once mostly
   * queue inside the engine; fewer leave it idle between a start's calls.
   */
  static final int DEFAULT_PARALLELISM = 8;
  /** Past this, the bound stops meaning anything on one engine. */
  static final int MAX_PARALLELISM = 256;
  /** Stops waiting at once; a node with more tasks than this that all ignore their stop signal takes two graces to fence. */
  static final int STOP_THREADS = 128;
  static final Duration IDLE = Duration.ofSeconds(30);

  private final Executor starts;
  private final Executor stops;
  private final StartReports.Timer drains;
  private final List<ExecutorService> owned;

  private OpsPool(Executor starts, Executor stops, StartReports.Timer drains, List<ExecutorService> owned) {
    this.starts = starts;
    this.stops = stops;
    this.drains = drains;
    this.owned = owned;
  }

  /** Every operation on {@code ops} (tests run them inline); drain delays on the JDK's shared delay thread. */
  static OpsPool on(Executor ops) {
    return new OpsPool(ops, ops, OpsPool::later, List.of());
  }

  /** The agent's pools: {@code parallelism} start threads and {@code stopThreads} stop threads, named after the node. */
  static OpsPool bounded(String nodeId, int parallelism, int stopThreads) {
    checkParallelism(parallelism);
    if (stopThreads < 1) {
      throw new IllegalArgumentException("stop threads must be 1 or more, got " + stopThreads);
    }
    ThreadPoolExecutor starts = pool(parallelism, "shoal-agent-start-" + nodeId + "-");
    ThreadPoolExecutor stops = pool(stopThreads, "shoal-agent-stop-" + nodeId + "-");
    return new OpsPool(starts, stops, OpsPool::later, List.of(starts, stops));
  }

  /**
   * The same pools for an agent that does not own them (hollow agents sharing {@link SharedClients}'):
   * its {@link #shutdown()} and {@link #shutdownNow()} leave them to their owner.
   */
  OpsPool unowned() {
    return new OpsPool(starts, stops, drains, List.of());
  }

  /** Refuses a parallelism outside 1..{@link #MAX_PARALLELISM}, saying which. */
  static int checkParallelism(int parallelism) {
    if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
      throw new IllegalArgumentException("the task parallelism must be 1 to " + MAX_PARALLELISM + ", got " + parallelism);
    }
    return parallelism;
  }

  Executor starts() {
    return starts;
  }

  Executor stops() {
    return stops;
  }

  StartReports.Timer drains() {
    return drains;
  }

  /** Refuses new operations; those queued or under way go on. */
  void shutdown() {
    owned.forEach(ExecutorService::shutdown);
  }

  /** Drops queued operations and interrupts those under way. */
  void shutdownNow() {
    owned.forEach(ExecutorService::shutdownNow);
  }

  /**
   * The JDK's delay thread (one per JVM, shared by every agent) only hands the action over: it runs
   * there, so it must be quick — the supervisor's only submits the stop to {@link #stops()}.
   */
  private static void later(Runnable action, Duration after) {
    CompletableFuture.delayedExecutor(after.toNanos(), TimeUnit.NANOSECONDS, Runnable::run).execute(action);
  }

  /** {@code threads} at most, queueing the rest in order; idle ones end, so an idle agent holds none. */
  private static ThreadPoolExecutor pool(int threads, String prefix) {
    ThreadPoolExecutor e = new ThreadPoolExecutor(threads, threads, IDLE.toMillis(), TimeUnit.MILLISECONDS,
        new LinkedBlockingQueue<>(), daemons(prefix));
    e.allowCoreThreadTimeOut(true);
    return e;
  }

  /** Daemon threads named {@code prefix} + a count: the agent's threads are named after their node. */
  static ThreadFactory daemons(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
