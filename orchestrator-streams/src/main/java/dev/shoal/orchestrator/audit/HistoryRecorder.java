package dev.shoal.orchestrator.audit;

import dev.shoal.orchestrator.core.ClusterState;
import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.Identifiers;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.audit.FieldChange;
import dev.shoal.schemas.audit.HistoryEntry;
import dev.shoal.schemas.audit.HistoryEvent;
import dev.shoal.schemas.audit.ServiceHistory;
import dev.shoal.schemas.audit.SpecDiff;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a service's history from a replay: every version of its spec (who asked, when, the request
 * id, what differs from the version before), every request about it that changed nothing or was
 * refused, and the events of its updates and rollbacks. Versions come from the replayed decisions,
 * so they are exact even where the events that announced them have expired.
 */
final class HistoryRecorder {
  private final String name;
  private final String key;
  private final List<HistoryEntry> entries = new ArrayList<>();
  private Service last;

  HistoryRecorder(String name) {
    this.name = name;
    this.key = Identifiers.serviceKey(name);
  }

  void after(Replayer.Decided d, ClusterState state) {
    ControlMessage m = d.message();
    String target = ControlInputs.service(m);
    boolean asked = ControlInputs.isRequest(m) && target != null && key.equals(Identifiers.serviceKey(target));
    Service now = state.service(name).orElse(null);
    List<HistoryEvent> events = new ArrayList<>();
    String outcome = null;
    for (ClusterEvent e : d.plan().events()) {
      if ("service".equals(e.entityKind()) && e.entityId() != null && key.equals(Identifiers.serviceKey(e.entityId()))) {
        events.add(new HistoryEvent(e.type(), e.message()));
        if (asked && e.attributes() != null && e.attributes().containsKey("outcome")) {
          outcome = e.attributes().get("outcome");
        }
      }
    }
    boolean versioned = now != null && (last == null || now.version() != last.version() || !now.id().equals(last.id()));
    boolean removed = now == null && last != null;
    if (!asked && !versioned && !removed && events.isEmpty()) {
      return;
    }
    String what = what(m, asked, versioned, removed, outcome, events);
    List<FieldChange> changes = versioned ? SpecDiff.between(last == null || !last.id().equals(now.id()) ? null
        : last.spec(), now.spec()) : null;
    entries.add(new HistoryEntry(d.plan().sequence(), d.plan().time(), what, ControlInputs.kind(m),
        ControlInputs.describe(m), asked ? ControlInputs.principal(m) : null,
        asked ? dev.shoal.orchestrator.core.Orchestrator.requestIdOf(m) : null, outcome,
        versioned ? Long.valueOf(now.version()) : null, versioned ? now.spec() : null, changes,
        events.isEmpty() ? null : events));
    last = now;
  }

  ServiceHistory history(List<String> notes) {
    return new ServiceHistory(name, "replay of the control log", List.copyOf(entries), null, notes);
  }

  private String what(ControlMessage m, boolean asked, boolean versioned, boolean removed, String outcome,
                      List<HistoryEvent> events) {
    if (removed) {
      return "removed";
    }
    if (versioned && last == null) {
      return "created";
    }
    if (versioned) {
      String kind = ControlInputs.kind(m);
      if (asked && kind.equals("command:scale")) {
        return "scaled";
      }
      if (asked && kind.equals("command:rollback")) {
        return "rollback";
      }
      if (asked) {
        return "updated";
      }
      // No request: the orchestrator rolled back on its own (an update's failure action).
      return events.stream().anyMatch(e -> e.type().equals("service.rollback")) ? "rollback" : "updated";
    }
    if (asked && outcome != null && !outcome.equals("applied")) {
      return outcome;
    }
    return "event";
  }
}
