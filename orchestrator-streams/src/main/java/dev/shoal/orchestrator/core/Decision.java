package dev.shoal.orchestrator.core;

import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.RejectionCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The context of one control message's decision: its time (the decision clock, never a
 * producer's), its position in the control log (which makes created ids unique and replayable),
 * the request id it answers, and what the decision emits besides state changes: events and timers.
 *
 * <p>A message that carries a request id gets exactly one outcome event for it (applied, unchanged
 * or rejected, with a {@link RejectionCode}): that is what the gateway waits for.
 */
public final class Decision {
  public final ClusterState state;
  public final long time;
  public final long position;
  public final String requestId;
  final List<ClusterEvent> events = new ArrayList<>();
  final List<ReconcilePlan.Timer> timers = new ArrayList<>();
  /** Ids of the tasks this message created: the placement tries them whatever else changed. */
  final List<String> created = new ArrayList<>();
  private ClusterEvent outcome;

  Decision(ClusterState state, long time, long position, String requestId) {
    this.state = state;
    this.time = time;
    this.position = position;
    this.requestId = requestId;
  }

  /** An event about something the orchestrator did or saw, not tied to a request. */
  public void event(String type, String kind, String id, String message) {
    events.add(new ClusterEvent(type, kind, id, message, Map.of(), time));
  }

  /** The request was applied; {@code version} is the entity's version after it (0 when it has none). */
  public void applied(String type, String kind, String id, String message, long version) {
    outcome(type, kind, id, message, "applied", null, version);
  }

  /** The request changed nothing (the same spec again). */
  public void unchanged(String type, String kind, String id, String message, long version) {
    outcome(type, kind, id, message, "unchanged", null, version);
  }

  /** The request was refused. */
  public void reject(RejectionCode code, String type, String kind, String id, String message) {
    outcome(type, kind, id, message, "rejected", code, 0);
  }

  private void outcome(String type, String kind, String id, String message, String verdict, RejectionCode code,
                       long version) {
    if (outcome != null) {
      throw new IllegalStateException("a request has one outcome; already " + outcome.type());
    }
    Map<String, String> attrs = new TreeMap<>();
    attrs.put("outcome", verdict);
    if (requestId != null) {
      attrs.put("requestId", requestId);
    }
    if (code != null) {
      attrs.put("code", code.wire());
    }
    if (version > 0) {
      attrs.put("version", Long.toString(version));
    }
    outcome = new ClusterEvent(type, kind, id, message, attrs, time);
    events.add(outcome);
  }

  public void timer(long dueAt, String name, String target) {
    timers.add(new ReconcilePlan.Timer(dueAt, name, target));
  }

  ClusterEvent outcome() {
    return outcome;
  }
}
