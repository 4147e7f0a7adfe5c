package dev.shoal.orchestrator.metrics;

import dev.shoal.orchestrator.core.ClusterState;
import dev.shoal.orchestrator.core.Plan;
import dev.shoal.orchestrator.core.RestartRecord;
import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.Command;
import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.RejectionCode;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * What the decision processor did, as metrics: every committed plan is read once, on the decision
 * thread, after it was applied (a quarantined message changed nothing and is counted as such).
 * Latencies are differences of decision times, which are broker times (DESIGN principle 6): a
 * task's {@code createdAt} (its spec or scale was decided) to the decision that placed it, and
 * that placement to the decision that read its RUNNING status.
 */
public final class DecisionMetrics {
  /** Histogram buckets, in seconds: placements take milliseconds, a start anything up to an image pull. */
  private static final Duration[] LATENCY_BUCKETS = buckets(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
      30, 60, 120, 300);

  private final MeterRegistry registry;
  private final LongSupplier wallClock;
  private final ClusterGauges cluster;
  private final Timer scheduling;
  private final Timer start;
  private final Timer decisionDelay;
  private final Counter placements;
  private final Counter restarts;
  private final AtomicInteger active = new AtomicInteger();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  /** The restart decision last counted per slot (the dead task it was for), so each is counted once. */
  private final Map<String, String> restartsDecided = new HashMap<>();

  DecisionMetrics(MeterRegistry registry, LongSupplier wallClock) {
    this.registry = registry;
    this.wallClock = wallClock;
    this.cluster = new ClusterGauges(registry);
    scheduling = latency("shoal.orchestrator.scheduling.latency",
        "From the decision that created a task (a spec, scale, replacement) to the one that assigned it a node");
    start = latency("shoal.orchestrator.start.latency",
        "From a task's assignment to the decision that read its RUNNING status from its agent");
    decisionDelay = latency("shoal.orchestrator.decision.delay",
        "From an input's append to its input log (broker time) to its decision here (wall clock)");
    placements = Counter.builder("shoal.orchestrator.placements").description("Tasks assigned to a node")
        .register(registry);
    restarts = Counter.builder("shoal.orchestrator.restarts")
        .description("Restarts decided by a restart policy for a task that ended by itself").register(registry);
    registry.gauge("shoal.orchestrator.active", active);
    // Known reasons start at zero, so a rate reads 0 rather than nothing before the first one.
    for (RejectionCode code : List.of(RejectionCode.INTERNAL, RejectionCode.TOO_LARGE)) {
      quarantined(code, 0);
    }
    for (String reason : List.of("node_down", "node_update", "node_remove")) {
      replacements(reason).increment(0);
    }
  }

  private Counter replacements(String reason) {
    return counter("shoal.orchestrator.replacements", "Tasks created to replace tasks on a node that failed,"
        + " was drained or removed", "reason", reason);
  }

  private Timer latency(String name, String description) {
    return Timer.builder(name).description(description).serviceLevelObjectives(LATENCY_BUCKETS)
        .minimumExpectedValue(LATENCY_BUCKETS[0]).maximumExpectedValue(LATENCY_BUCKETS[LATENCY_BUCKETS.length - 1])
        .register(registry);
  }

  /** The decision task started here with this state: count it afresh. */
  public void loaded(ClusterState state) {
    cluster.load(state);
    restartsDecided.clear();
    for (Service s : state.services()) {
      for (String key : state.restartKeysOf(s.id())) {
        state.restart(key).ifPresent(r -> restartsDecided.put(key, r.decidedFor()));
      }
    }
    active.set(1);
  }

  /** The decision task left this instance (closed, or moved to another one): its gauges go with it. */
  public void released() {
    active.set(0);
    cluster.clear();
    restartsDecided.clear();
  }

  /**
   * A plan was applied and committed. {@code inputTime} is the input's record time (its append time
   * to an input log).
   */
  public void decided(ControlMessage message, Plan plan, ClusterState state, long inputTime) {
    String kind = kind(message);
    counter("shoal.orchestrator.decisions", "Inputs decided, by kind", "kind", kind).increment();
    decisionDelay.record(Math.max(0, wallClock.getAsLong() - inputTime), TimeUnit.MILLISECONDS);
    String replacement = replacementReason(message);
    ClusterState.Changes changes = plan.changes();
    for (Service s : changes.services()) {
      cluster.service(s);
    }
    for (String id : changes.taskIds()) {
      task(id, state.task(id).orElse(null), plan.time(), kind, replacement);
    }
    for (Service s : changes.removedServices()) {
      cluster.serviceRemoved(s);
    }
    for (String id : changes.nodeIds()) {
      cluster.node(id, state.node(id).orElse(null));
    }
    for (String key : changes.restartKeys()) {
      RestartRecord r = state.restart(key).orElse(null);
      if (r == null) {
        restartsDecided.remove(key);
      } else if (!r.gaveUp() && !r.decidedFor().equals(restartsDecided.put(key, r.decidedFor()))) {
        restarts.increment();
      }
    }
    for (ClusterEvent e : plan.events()) {
      if (e.attributes() != null && "rejected".equals(e.attributes().get("outcome"))) {
        rejected(e);
      }
    }
  }

  private void task(String id, Task now, long time, String kind, String replacement) {
    ClusterGauges.TaskRow before = cluster.row(id);
    long assignedAt = before == null ? 0 : before.assignedAt();
    if (now != null) {
      if (before == null) {
        counter("shoal.orchestrator.task.creations", "Tasks created, by the kind of input that caused them",
            "cause", kind).increment();
        if (replacement != null) {
          replacements(replacement).increment();
        }
      }
      boolean wasAssigned = before != null && before.state().equals("assigned");
      if (now.state() == TaskState.ASSIGNED && !wasAssigned) {
        placements.increment();
        scheduling.record(Math.max(0, time - now.createdAt()), TimeUnit.MILLISECONDS);
        assignedAt = time;
      }
      boolean wasRunning = before != null && before.state().equals("running");
      if (now.state() == TaskState.RUNNING && !wasRunning && assignedAt > 0) {
        start.record(Math.max(0, time - assignedAt), TimeUnit.MILLISECONDS);
      }
    }
    cluster.task(id, now, assignedAt);
  }

  /** A message quarantined by the decision processor ({@code control.failed}). */
  public void quarantined(RejectionCode code) {
    quarantined(code, 1);
  }

  private void quarantined(RejectionCode code, int n) {
    counter("shoal.orchestrator.quarantined", "Control messages quarantined (state unchanged), by reason code",
        "code", code.wire()).increment(n);
  }

  /** A rejection event: an input an intake refused, or a request the decision refused. */
  void rejected(ClusterEvent e) {
    String code = e.attributes() == null ? null : e.attributes().get("code");
    counter("shoal.orchestrator.rejections", "Inputs and requests refused, by event type and reason code",
        "type", e.type(), "code", RejectionCode.fromWire(code).map(RejectionCode::wire).orElse("unknown")).increment();
  }

  private Counter counter(String name, String description, String... tags) {
    String key = name + String.join("\u0000", tags);
    return counters.computeIfAbsent(key, k -> Counter.builder(name).description(description).tags(tags)
        .register(registry));
  }

  /** A bounded name for the kind of input: message type, and the command's type for commands. */
  static String kind(ControlMessage m) {
    if (m instanceof ControlMessage.SpecApplied) {
      return "spec_applied";
    } else if (m instanceof ControlMessage.SpecRemoved) {
      return "spec_removed";
    } else if (m instanceof ControlMessage.CommandIssued c) {
      Command cmd = c.envelope() == null ? null : c.envelope().command();
      return cmd instanceof Command.ScaleService ? "scale"
          : cmd instanceof Command.RollbackService ? "rollback"
          : cmd instanceof Command.UpdateNode ? "node_update"
          : cmd instanceof Command.RemoveNode ? "node_remove"
          : cmd instanceof Command.RotateJoinToken ? "join_token_rotate" : "command";
    } else if (m instanceof ControlMessage.TaskStatusReported) {
      return "task_status";
    } else if (m instanceof ControlMessage.TaskStatusesReported) {
      return "task_statuses";
    } else if (m instanceof ControlMessage.NodeUp) {
      return "node_up";
    } else if (m instanceof ControlMessage.NodeDown) {
      return "node_down";
    } else if (m instanceof ControlMessage.TimerFired t) {
      return "timer_" + switch (t.name() == null ? "" : t.name()) {
        case "restart", "update" -> t.name();
        default -> "other";
      };
    }
    return "other";
  }

  /** Tasks a message creates replace tasks of a failed, drained or removed node; null for other messages. */
  private static String replacementReason(ControlMessage m) {
    String kind = kind(m);
    return switch (kind) {
      case "node_down", "node_update", "node_remove" -> kind;
      default -> null;
    };
  }

  private static Duration[] buckets(double... seconds) {
    Duration[] d = new Duration[seconds.length];
    for (int i = 0; i < seconds.length; i++) {
      d[i] = Duration.ofNanos((long) (seconds[i] * 1e9));
    }
    return d;
  }

  // ---- for tests ----

  ClusterGauges cluster() {
    return cluster;
  }
}
