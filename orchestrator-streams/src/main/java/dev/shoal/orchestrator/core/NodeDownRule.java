package dev.shoal.orchestrator.core;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Which silent nodes liveness declares down at one check — and when it declares nobody down,
 * because the silence is the control plane's (a stalled orchestrator, a frozen broker, a network
 * fault) rather than the nodes'. Modelled on Kubernetes' node lifecycle controller: a zone where at
 * least 55% of the nodes (and more than two) are unhealthy is in disruption, and evictions there go
 * at a slow secondary rate.
 *
 * <p>Two rules on top of "silent for longer than the down timeout {@code D}":
 * <ol>
 *   <li><b>Stall grace.</b> When the check timer fires late (the liveness thread did not run) or no
 *       node at all was heard within {@code D} (liveness is not reading, or Kafka delivers nothing),
 *       nobody is declared down; when heartbeats flow again every node gets a fresh {@code D},
 *       counted from the newest heartbeat read then. Without it, the first node whose heartbeat
 *       arrives after a frozen broker makes every other node look silent.</li>
 *   <li><b>Mass silence.</b> When a node is silent for longer than {@code D} and the nodes silent for
 *       longer than {@code D / 2} (suspect), plus those declared down within the last {@code D}, are at
 *       least {@code disruptedShare} of the nodes up at the start of that window and at least
 *       {@code disruptedMinimum}, liveness is in disruption: it holds the silent ones, declares at most
 *       one down per {@code disruptedInterval} (the one silent longest first), and says so in a
 *       notice. Suspects, not only nodes past {@code D}, because nodes beat at different points of their
 *       interval: after a pause shorter than {@code D} that hit all of them at once (their broker, their
 *       network, the control plane), they cross {@code D} one by one while the backlog drains, so at each
 *       check only a few are past it, but nearly all are past {@code D / 2}. The disruption ends when
 *       fewer are suspect than that (counted against the population when it began, so declaring nodes
 *       down one by one does not end it) or none is silent past {@code D}; then, as after a stall, every
 *       node gets a fresh {@code D} from the newest heartbeat, so nodes still catching up are not
 *       declared down as the disruption ends, and a node that really died goes down {@code D} later.</li>
 * </ol>
 *
 * <p>Pure and deterministic: time is the check timer's time and the broker's append times of
 * heartbeats, never a clock read here; the same sequence of checks gives the same verdicts. One
 * instance per liveness task; not thread-safe.
 */
public final class NodeDownRule {
  /** The rule's thresholds. */
  public record Settings(Duration downTimeout, Duration lateCheck, double disruptedShare, int disruptedMinimum,
                         Duration disruptedInterval) {
    /** Kubernetes' unhealthy-zone threshold and "more than two nodes". */
    public static final double DISRUPTED_SHARE = 0.55;
    public static final int DISRUPTED_MINIMUM = 3;

    public Settings {
      if (downTimeout.isNegative() || downTimeout.isZero()) {
        throw new IllegalArgumentException("the node-down timeout must be positive, not " + downTimeout);
      }
      if (lateCheck.isNegative() || lateCheck.isZero()) {
        throw new IllegalArgumentException("the late-check threshold must be positive, not " + lateCheck);
      }
      if (!(disruptedShare > 0 && disruptedShare <= 1)) {
        throw new IllegalArgumentException("the disrupted share must be in (0, 1], not " + disruptedShare);
      }
      if (disruptedMinimum < 1) {
        throw new IllegalArgumentException("the disrupted minimum must be at least 1, not " + disruptedMinimum);
      }
      if (disruptedInterval.isNegative() || disruptedInterval.isZero()) {
        throw new IllegalArgumentException("the disrupted interval must be positive, not " + disruptedInterval);
      }
    }

    /**
     * A check more than {@code D} after the one before (they run every 250 ms) means liveness was out
     * for longer than a node's whole allowance. Not less: on a loaded 2-core machine checks run 2 s
     * late without any freeze, and every stall postpones real downs by up to {@code D}. In a
     * disruption one node goes down per {@code 10 D} (30 s by default: Kubernetes' secondary rate is
     * one per 100 s in large zones and zero in small ones).
     */
    public static Settings defaults(Duration downTimeout) {
      return new Settings(downTimeout, downTimeout, DISRUPTED_SHARE, DISRUPTED_MINIMUM, downTimeout.multipliedBy(10));
    }
  }

  /** A node to declare down, and why. */
  public record Down(String nodeId, String reason) {}

  /** Something liveness noticed about itself, for the events topic: {@code type} is an event type. */
  public record Notice(String type, String message) {}

  /** What one check decided. */
  public record Verdict(List<Down> down, List<Notice> notices) {
    static final Verdict NOTHING = new Verdict(List.of(), List.of());
  }

  public static final String STALLED = "liveness.stalled";
  public static final String RESUMED = "liveness.resumed";
  public static final String DISRUPTION = "liveness.disruption";
  public static final String DISRUPTION_ENDED = "liveness.disruption-ended";

  private final Settings settings;
  private final long timeout;
  private boolean started;
  private long firstCheck;
  private long lastCheck;
  private boolean stalled;
  /** Silence is counted from here at the earliest: the newest heartbeat when liveness resumed. */
  private long graceFrom = Long.MIN_VALUE;
  /** Check times of the nodes declared down outside a disruption, within the last {@code D}. */
  private final Deque<Long> recentDowns = new ArrayDeque<>();
  private Disruption disruption;

  private record Disruption(long since, int population, int declared, long lastDeclared) {}

  public NodeDownRule(Settings settings) {
    this.settings = settings;
    this.timeout = settings.downTimeout().toMillis();
  }

  /** Liveness (re)started at {@code now}: for one {@code D} its backlog of heartbeats is not read yet. */
  public void start(long now) {
    started = true;
    firstCheck = now;
    lastCheck = now;
  }

  /**
   * One check; the first one, without {@link #start}, counts as the start.
   *
   * @param now the check timer's time
   * @param freshest broker time of the newest heartbeat liveness has read from any node; 0 if none yet
   * @param upNodes the nodes liveness holds up, each with the broker time of its newest heartbeat
   */
  public Verdict check(long now, long freshest, SortedMap<String, Long> upNodes) {
    if (!started) {
      started = true;
      firstCheck = now;
      lastCheck = now;
      return Verdict.NOTHING;
    }
    long sinceLast = now - lastCheck;
    lastCheck = now;
    // Right after a (re)start the backlog of heartbeats is not read yet: don't call nodes down early.
    if (now - firstCheck < timeout) {
      return Verdict.NOTHING;
    }
    boolean late = sinceLast > settings.lateCheck().toMillis();
    if (late || freshest == 0 || now - freshest > timeout) {
      if (stalled || freshest == 0) {
        return Verdict.NOTHING;
      }
      stalled = true;
      String why = late ? "the liveness check ran " + sinceLast + " ms after the one before (expected every few"
          + " hundred ms): the orchestrator was not running"
          : "no heartbeat from any node for " + (now - freshest) + " ms: liveness reads late, or Kafka delivers nothing";
      return new Verdict(List.of(), List.of(new Notice(STALLED, why + "; no node is declared down until heartbeats"
          + " are read again, and then every node gets a fresh " + timeout + " ms")));
    }
    if (stalled) {
      stalled = false;
      graceFrom = freshest;
      return new Verdict(List.of(), List.of(new Notice(RESUMED, "heartbeats are read again: every node has "
          + timeout + " ms from the newest one to be heard before it is declared down")));
    }
    while (!recentDowns.isEmpty() && now - recentDowns.peekFirst() > timeout) {
      recentDowns.removeFirst();
    }
    List<Map.Entry<String, Long>> silent = new ArrayList<>();
    int suspect = 0;
    for (Map.Entry<String, Long> e : upNodes.entrySet()) {
      long silence = freshest - Math.max(e.getValue(), graceFrom);
      if (silence > timeout) {
        silent.add(e);
      }
      if (silence > timeout / 2) {
        suspect++;
      }
    }
    // silent longest first, then by id: the order in which a disruption lets them go
    silent.sort(Comparator.<Map.Entry<String, Long>>comparingLong(Map.Entry::getValue).thenComparing(Map.Entry::getKey));
    return disruption != null ? inDisruption(now, freshest, upNodes.size(), silent, suspect)
        : normal(now, freshest, upNodes.size(), silent, suspect);
  }

  private Verdict normal(long now, long freshest, int up, List<Map.Entry<String, Long>> silent, int suspect) {
    if (silent.isEmpty()) {
      return Verdict.NOTHING;
    }
    int population = up + recentDowns.size();
    if (massive(suspect + recentDowns.size(), population)) {
      disruption = new Disruption(now, population, recentDowns.size(), now);
      return new Verdict(List.of(), List.of(new Notice(DISRUPTION, (suspect + recentDowns.size()) + " of "
          + population + " nodes fell silent within " + timeout + " ms (at least " + percent() + "% and "
          + settings.disruptedMinimum() + ", counting those silent for over " + timeout / 2 + " ms): a"
          + " control-plane or network fault is assumed; " + silent.size() + " node(s) silent past the timeout are"
          + " held and declared down at most one per " + settings.disruptedInterval().toMillis() + " ms")));
    }
    List<Down> down = new ArrayList<>();
    for (Map.Entry<String, Long> e : silent) {
      down.add(new Down(e.getKey(), "no heartbeat for " + (freshest - e.getValue())
          + " ms while other nodes' kept coming (timeout " + timeout + " ms)"));
      recentDowns.addLast(now);
    }
    return new Verdict(down, List.of());
  }

  private Verdict inDisruption(long now, long freshest, int up, List<Map.Entry<String, Long>> silent, int suspect) {
    Disruption d = disruption;
    if (silent.isEmpty() || !massive(suspect + d.declared(), d.population())) {
      disruption = null;
      graceFrom = freshest;
      return new Verdict(List.of(), List.of(new Notice(DISRUPTION_ENDED, "the disruption that began at " + d.since()
          + " ended: " + silent.size() + " node(s) still silent past the timeout; every node has " + timeout
          + " ms from the newest heartbeat to be heard before it is declared down")));
    }
    if (now - d.lastDeclared() < settings.disruptedInterval().toMillis()) {
      return Verdict.NOTHING;
    }
    Map.Entry<String, Long> first = silent.get(0);
    disruption = new Disruption(d.since(), d.population(), d.declared() + 1, now);
    return new Verdict(List.of(new Down(first.getKey(), "no heartbeat for " + (freshest - first.getValue())
        + " ms during a disruption (" + (silent.size() + d.declared()) + " of " + d.population()
        + " nodes silent): declared down at the slowed rate of one per " + settings.disruptedInterval().toMillis()
        + " ms")), List.of());
  }

  private boolean massive(int silent, int population) {
    // the epsilon keeps 11 of 20 at 55% whatever the rounding of 0.55
    return silent >= settings.disruptedMinimum() && (double) silent / population + 1e-9 >= settings.disruptedShare();
  }

  private long percent() {
    return Math.round(settings.disruptedShare() * 100);
  }
}
