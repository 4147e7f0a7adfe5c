package dev.shoal.orchestrator.audit;

import dev.shoal.orchestrator.core.NodeInfo;
import dev.shoal.orchestrator.core.Placement;
import dev.shoal.orchestrator.core.PlacementExplanation;
import dev.shoal.orchestrator.core.Scheduler;
import dev.shoal.schemas.ServiceSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ObjIntConsumer;

/**
 * The real scheduler, which also writes down, while recording, every placement it is asked for
 * with its explanation ({@link Scheduler#explain}) taken at the moment of the call: the node views
 * change as the placement pass books tasks, so an explanation made later would not be the one that
 * counted. Places exactly as {@link Scheduler} does: while it records, a run ({@link #placeAll}) is
 * placed one task at a time, which gives the same placements as the batch path (SchedulerTest
 * checks that on random clusters) and an explanation for each.
 */
final class ExplainingScheduler extends Scheduler {
  /** One placement asked for during a decision, in call order. */
  record Call(String serviceId, PlacementExplanation explanation, Placement result) {}

  /** Passed to {@link #record}: every service's placements. */
  static final String ALL = "*";

  private final List<Call> calls = new ArrayList<>();
  private String serviceId; // recording for this service (or ALL); null = not recording

  /** Records the calls for {@code serviceId} ({@link #ALL}: every one) from now on (null: none), forgetting earlier ones. */
  void record(String serviceId) {
    this.serviceId = serviceId;
    calls.clear();
  }

  List<Call> calls() {
    return List.copyOf(calls);
  }

  @Override
  public Placement place(ServiceSpec spec, String serviceId, List<NodeInfo> nodes) {
    Placement p = super.place(spec, serviceId, nodes);
    if (recording(serviceId)) {
      calls.add(new Call(serviceId, explain(spec, serviceId, nodes), p));
    }
    return p;
  }

  @Override
  public List<Placement> placeAll(ServiceSpec spec, String serviceId, int count, List<NodeInfo> nodes,
                                  ObjIntConsumer<NodeInfo> booked) {
    if (!recording(serviceId)) {
      return super.placeAll(spec, serviceId, count, nodes, booked);
    }
    List<Placement> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Placement p = place(spec, serviceId, nodes);
      out.add(p);
      int index = i;
      p.node().ifPresent(id -> nodes.stream().filter(n -> n.node().id().equals(id)).findFirst()
          .ifPresent(n -> booked.accept(n, index)));
    }
    return out;
  }

  private boolean recording(String serviceId) {
    return this.serviceId != null && (this.serviceId.equals(ALL) || this.serviceId.equals(serviceId));
  }
}
