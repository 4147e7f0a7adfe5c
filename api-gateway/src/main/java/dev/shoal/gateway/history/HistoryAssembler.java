package dev.shoal.gateway.history;

import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.Command;
import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.Identifiers;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.audit.FieldChange;
import dev.shoal.schemas.audit.HistoryEntry;
import dev.shoal.schemas.audit.HistoryEvent;
import dev.shoal.schemas.audit.ServiceHistory;
import dev.shoal.schemas.audit.SpecDiff;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds a page of a service's history from what the logs say, without the decision code: the
 * requests about the service from the control log (who, when, request id, the spec asked for) and
 * the events the decisions published about it ({@code shoal.events}: each request's outcome and the
 * version it made; an update's progress; an automatic rollback). What the events no longer tell
 * (they are kept 7 days) stays unknown and is said so; {@code shoal audit history} replays the
 * decisions and knows every version. Pure.
 */
public final class HistoryAssembler {
  /** A request about the service, as the control log holds it. */
  public record Input(long offset, long sequence, long time, ControlMessage message) {}

  /** An event about the service, with the sequence of the decision that published it. */
  public record Event(long sequence, ClusterEvent event) {}

  private HistoryAssembler() {}

  /**
   * The page: {@code inputs} oldest first, the first of them only a base for the diff when
   * {@code firstIsBase}; {@code events} of the decisions from the first input on.
   */
  public static ServiceHistory assemble(String service, List<Input> inputs, boolean firstIsBase, List<Event> events,
                                        String older, List<String> notes) {
    String key = Identifiers.serviceKey(service);
    Map<Long, List<ClusterEvent>> bySequence = new TreeMap<>();
    for (Event e : events) {
      if (e.event().entityId() != null && key.equals(Identifiers.serviceKey(e.event().entityId()))
          && "service".equals(e.event().entityKind())) {
        bySequence.computeIfAbsent(e.sequence(), s -> new ArrayList<>()).add(e.event());
      }
    }
    Set<Long> inputSequences = new HashSet<>();
    inputs.forEach(i -> inputSequences.add(i.sequence()));
    // Requests and the decisions that only published events, in decision order.
    TreeMap<Long, Object> steps = new TreeMap<>();
    inputs.forEach(i -> steps.put(i.sequence(), i));
    long from = inputs.isEmpty() ? Long.MIN_VALUE : inputs.get(0).sequence();
    bySequence.forEach((seq, evs) -> {
      if (!inputSequences.contains(seq) && seq > from) {
        steps.put(seq, evs);
      }
    });
    List<HistoryEntry> out = new ArrayList<>();
    Tracker spec = new Tracker();
    boolean base = firstIsBase;
    for (Map.Entry<Long, Object> step : steps.entrySet()) {
      List<ClusterEvent> evs = bySequence.getOrDefault(step.getKey(), List.of());
      HistoryEntry entry = step.getValue() instanceof Input i ? request(i, evs, spec) : automatic(step.getKey(), evs, spec);
      if (base && step.getValue() instanceof Input) {
        base = false; // only read for the spec it left
        continue;
      }
      out.add(entry);
    }
    return new ServiceHistory(service, "the control log and shoal.events (no replay)", out, older, notes);
  }

  private static HistoryEntry request(Input i, List<ClusterEvent> evs, Tracker spec) {
    ControlMessage m = i.message();
    ClusterEvent outcome = evs.stream().filter(e -> e.attributes() != null && e.attributes().containsKey("outcome"))
        .findFirst().orElse(null);
    String verdict = outcome == null ? null : outcome.attributes().get("outcome");
    Long version = outcome == null || outcome.attributes().get("version") == null ? null
        : Long.valueOf(outcome.attributes().get("version"));
    boolean applied = "applied".equals(verdict);
    boolean mayHaveApplied = applied || verdict == null;
    String what = outcome == null ? "requested" : whatOf(outcome.type(), verdict);
    List<FieldChange> changes = null;
    ServiceSpec after = null;
    String principal = null;
    String requestId = null;
    String input;
    String text;
    if (m instanceof ControlMessage.SpecApplied s) {
      principal = s.principal();
      requestId = s.requestId();
      input = "spec-applied";
      text = "spec of " + s.spec().name();
      ServiceSpec asked = s.spec().withDefaults();
      if (mayHaveApplied) {
        changes = spec.current == null ? null : SpecDiff.between(spec.current, asked);
        spec.move(asked);
        after = asked;
      }
    } else if (m instanceof ControlMessage.SpecRemoved s) {
      principal = s.principal();
      requestId = s.requestId();
      input = "spec-removed";
      text = "removal of " + s.name();
      if (mayHaveApplied) {
        spec.move(null);
      }
    } else {
      ControlMessage.CommandIssued c = (ControlMessage.CommandIssued) m;
      principal = c.envelope().principal();
      requestId = c.envelope().requestId();
      if (c.envelope().command() instanceof Command.ScaleService sc) {
        input = "command:scale";
        text = "scale of " + sc.service() + " to " + sc.replicas();
        if (applied && spec.current != null) {
          ServiceSpec next = spec.current.withReplicas(sc.replicas());
          changes = SpecDiff.between(spec.current, next);
          spec.move(next);
        } else if (!applied) {
          spec.forget(); // unknown outcome: what follows is not diffed against a guess
        }
      } else {
        input = "command:rollback";
        text = "rollback of " + ((Command.RollbackService) c.envelope().command()).service();
        changes = applied ? spec.rollBack() : null;
        if (!applied) {
          spec.forget();
        }
      }
    }
    return new HistoryEntry(i.sequence(), i.time(), what, input, text, principal, requestId, verdict, version,
        after, changes, events(evs));
  }

  /** A decision about the service that no request of it asked for: an update's progress, an automatic rollback. */
  private static HistoryEntry automatic(long sequence, List<ClusterEvent> evs, Tracker spec) {
    boolean rollback = evs.stream().anyMatch(e -> e.type().equals("service.rollback"));
    List<FieldChange> changes = rollback ? spec.rollBack() : null;
    long time = evs.isEmpty() ? 0 : evs.get(0).time();
    return new HistoryEntry(sequence, time, rollback ? "rollback" : "event", null, null, null, null, null, null, null,
        changes, events(evs));
  }

  private static String whatOf(String eventType, String verdict) {
    if (!"applied".equals(verdict)) {
      return verdict;
    }
    return switch (eventType) {
      case "service.created" -> "created";
      case "service.removed" -> "removed";
      case "service.scaled" -> "scaled";
      case "service.rollback" -> "rollback";
      default -> "updated";
    };
  }

  private static List<HistoryEvent> events(List<ClusterEvent> evs) {
    return evs.isEmpty() ? null : evs.stream().map(e -> new HistoryEvent(e.type(), e.message())).toList();
  }

  /** The service's spec and the one before, as far as the log tells (null: not known). */
  private static final class Tracker {
    ServiceSpec current;
    ServiceSpec previous;

    void move(ServiceSpec next) {
      previous = current;
      current = next;
    }

    void forget() {
      previous = null;
      current = null;
    }

    /** A rollback goes to the previous spec, which becomes the current one's predecessor. */
    List<FieldChange> rollBack() {
      if (current == null || previous == null) {
        forget();
        return null;
      }
      List<FieldChange> changes = SpecDiff.between(current, previous);
      move(previous);
      return changes;
    }
  }
}
