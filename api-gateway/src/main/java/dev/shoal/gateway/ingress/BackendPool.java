package dev.shoal.gateway.ingress;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The tasks behind one published port and how the next request or connection picks one. The route
 * is replaced as a whole when tasks come and go ({@link #update}); traffic counters follow a task
 * across updates and are forgotten once it has left the route with nothing in flight.
 *
 * <p>Choice: among the tasks not excluded (a retry excludes the task that failed), those seen to
 * accept connections (by a probe or a request) and not passed over after a refused connection;
 * failing those, draining tasks (told to stop, alive for their agent's drain delay) seen reachable
 * before, as kube-proxy falls back to serving-terminating endpoints: a start-first update whose new
 * tasks do not listen yet then still has somewhere to send a request; failing those, tasks not seen
 * reachable yet (a process task reports RUNNING when it is spawned, before it listens); then the
 * other draining tasks; last the passed-over ones, serving then draining, since a try is better than a
 * certain 503 or 502. A draining task is never chosen while a serving one can be. Round robin takes
 * them in turn; least-connections the one with the fewest in flight, ties in turn.
 */
public final class BackendPool {
  /**
   * How many tasks a request or connection that is refused is offered to in all. A refused connect
   * reached no task, so trying another is always safe; three covers a start-first update of
   * parallelism 2 whose old tasks stopped before this gateway saw them go.
   */
  static final int CONNECT_ATTEMPTS = 3;
  private volatile PortRoute route;
  private final Map<String, BackendStats> stats = new ConcurrentHashMap<>();
  private final AtomicInteger next = new AtomicInteger();
  private final long backoffNanos;

  BackendPool(PortRoute route, long backoffNanos) {
    this.backoffNanos = backoffNanos;
    update(route);
  }

  public PortRoute route() {
    return route;
  }

  /** Serves {@code r} from now on; requests in flight on tasks that left it go on to their end. */
  synchronized void update(PortRoute r) {
    for (Backend b : r.backends()) {
      stats.computeIfAbsent(b.taskId(), k -> new BackendStats(b)).backend = b;
    }
    route = r;
    forgetIdle();
  }

  /** Forgets tasks that left the route, draining ones included, once nothing is in flight on them. */
  private void forgetIdle() {
    Set<String> kept = new java.util.HashSet<>();
    route.backends().forEach(b -> kept.add(b.taskId()));
    route.draining().forEach(b -> kept.add(b.taskId()));
    stats.entrySet().removeIf(e -> !kept.contains(e.getKey()) && e.getValue().active.get() == 0);
  }

  /** A lease on the next task, or empty when none (other than {@code excluded}) serves or drains. */
  Optional<Lease> acquire(Set<String> excluded) {
    PortRoute r = route;
    if (r.backends().isEmpty() && r.draining().isEmpty()) {
      return Optional.empty();
    }
    long now = System.nanoTime();
    // The best tier that has a task: see the class comment.
    List<Backend> candidates = new ArrayList<>(r.backends().size());
    int best = Integer.MAX_VALUE;
    for (int i = 0; i < 2; i++) {
      boolean draining = i == 1;
      for (Backend b : draining ? r.draining() : r.backends()) {
        if (excluded.contains(b.taskId())) {
          continue;
        }
        int tier = tier(statsOf(b), draining, now);
        if (tier < best) {
          best = tier;
          candidates.clear();
        }
        if (tier == best) {
          candidates.add(b);
        }
      }
    }
    if (candidates.isEmpty()) {
      return Optional.empty();
    }
    int start = Math.floorMod(next.getAndIncrement(), candidates.size());
    Backend chosen = candidates.get(start);
    if (r.balance() == Balance.LEAST_CONNECTIONS) {
      int fewest = Integer.MAX_VALUE;
      for (int i = 0; i < candidates.size(); i++) {
        Backend b = candidates.get((start + i) % candidates.size());
        int active = statsOf(b).active.get();
        if (active < fewest) {
          fewest = active;
          chosen = b;
        }
      }
    }
    return Optional.of(new Lease(chosen, statsOf(chosen)));
  }

  /** Lower is tried first: serving; draining seen reachable; starting; draining; passed over. */
  private static int tier(BackendStats s, boolean draining, long now) {
    if (s.avoided(now)) {
      return draining ? 5 : 4;
    }
    if (!draining) {
      return s.reachable ? 0 : 2;
    }
    return s.reachable ? 1 : 3;
  }

  long backoffNanos() {
    return backoffNanos;
  }

  /** Tasks of the route not yet seen accepting a connection, and not being probed now. */
  List<Backend> toProbe() {
    List<Backend> out = new ArrayList<>();
    for (Backend b : route.backends()) {
      BackendStats s = statsOf(b);
      if (!s.reachable && s.probing.compareAndSet(false, true)) {
        out.add(b);
      }
    }
    return out;
  }

  /** A probe of {@code b} ended: it accepted a connection, or not (probed again later). */
  void probed(Backend b, boolean reachable) {
    BackendStats s = stats.get(b.taskId());
    if (s != null) {
      if (reachable) {
        s.reachable = true;
      }
      s.probing.set(false);
    }
  }

  private BackendStats statsOf(Backend b) {
    return stats.computeIfAbsent(b.taskId(), k -> new BackendStats(b));
  }

  /**
   * Each task's traffic: those serving in route order, then those that left with requests still in
   * flight (draining ones without traffic are not shown).
   */
  synchronized List<BackendView> views() {
    forgetIdle();
    long now = System.nanoTime();
    List<BackendView> out = new ArrayList<>();
    Map<String, Backend> inRoute = new HashMap<>();
    for (Backend b : route.backends()) {
      inRoute.put(b.taskId(), b);
      BackendStats s = statsOf(b);
      out.add(BackendView.of(b, s, s.avoided(now) ? BackendView.FAILING
          : s.reachable ? BackendView.SERVING : BackendView.STARTING));
    }
    stats.forEach((id, s) -> {
      if (!inRoute.containsKey(id) && s.active.get() > 0) {
        out.add(BackendView.of(s.backend, s, BackendView.DRAINING));
      }
    });
    return out;
  }
}
