package dev.shoal.orchestrator.core;

import dev.shoal.schemas.ServiceSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Places one task: filters drop nodes that cannot take it, then ranking picks the best of the
 * rest — spread over each placement preference's values first, then fewest tasks of this service,
 * then fewest tasks overall, then node id, so the choice is always the same for the same input.
 * Pure code; the caller books the chosen node in its {@link NodeInfo} before the next placement.
 */
public class Scheduler {
  private final List<NodeFilter> filters;

  public Scheduler() {
    this(Filters.chain());
  }

  public Scheduler(List<NodeFilter> filters) {
    this.filters = List.copyOf(filters);
  }

  /** Places on one of {@code nodes} (sorted by id by the caller), or explains why none fits. */
  public Placement place(ServiceSpec spec, String serviceId, List<NodeInfo> nodes) {
    List<NodeInfo> eligible = new ArrayList<>();
    Map<String, Integer> rejections = new TreeMap<>();
    for (NodeInfo n : nodes) {
      Optional<String> why = firstRejection(spec, serviceId, n);
      if (why.isPresent()) {
        rejections.merge(why.get(), 1, Integer::sum);
      } else {
        eligible.add(n);
      }
    }
    if (eligible.isEmpty()) {
      return Placement.nowhere(explain(rejections, nodes.size()));
    }
    return Placement.on(eligible.stream().min(ranking(spec, serviceId, eligible)).orElseThrow().node().id());
  }

  /** Whether a node passes every filter (used by the global reconciler to pick its nodes). */
  public boolean fits(ServiceSpec spec, String serviceId, NodeInfo node) {
    return firstRejection(spec, serviceId, node).isEmpty();
  }

  /** Why a node does not fit, or empty. */
  public Optional<String> firstRejection(ServiceSpec spec, String serviceId, NodeInfo node) {
    for (NodeFilter f : filters) {
      Optional<String> why = f.reject(spec, serviceId, node);
      if (why.isPresent()) {
        return why;
      }
    }
    return Optional.empty();
  }

  /**
   * As {@link #place}, with its reasons: every node's verdict (the filter that excluded it, or its
   * rank among the eligible nodes with the keys the ranking compared). The chosen node is the one
   * {@link #place} picks for the same input. Pure; for audit.
   */
  public PlacementExplanation explain(ServiceSpec spec, String serviceId, List<NodeInfo> nodes) {
    List<NodeInfo> eligible = new ArrayList<>();
    Map<String, Integer> rejections = new TreeMap<>();
    Map<NodeInfo, String> excluded = new HashMap<>();
    for (NodeInfo n : nodes) {
      Optional<String> why = firstRejection(spec, serviceId, n);
      if (why.isPresent()) {
        rejections.merge(why.get(), 1, Integer::sum);
        excluded.put(n, why.get());
      } else {
        eligible.add(n);
      }
    }
    List<String> spreads = spreads(spec);
    List<Map<String, Integer>> counts = groupCounts(spreads, serviceId, eligible);
    List<NodeInfo> ranked = eligible.stream().sorted(ranking(spec, serviceId, eligible)).toList();
    List<PlacementExplanation.Candidate> out = new ArrayList<>();
    for (NodeInfo n : nodes) {
      int rank = ranked.indexOf(n);
      List<Integer> spread = new ArrayList<>();
      for (int i = 0; rank >= 0 && i < spreads.size(); i++) {
        spread.add(counts.get(i).get(valueOf(spreads.get(i), n)));
      }
      out.add(new PlacementExplanation.Candidate(n.node().id(), n.node().hostname(), excluded.get(n),
          rank < 0 ? null : rank + 1, List.copyOf(spread), n.tasksOf(serviceId), n.totalTasks()));
    }
    return ranked.isEmpty() ? new PlacementExplanation(out, null, explain(rejections, nodes.size()))
        : new PlacementExplanation(out, ranked.get(0).node().id(), null);
  }

  private static Comparator<NodeInfo> ranking(ServiceSpec spec, String serviceId, List<NodeInfo> eligible) {
    List<String> spreads = spreads(spec);
    List<Map<String, Integer>> groupCounts = groupCounts(spreads, serviceId, eligible);
    Comparator<NodeInfo> c = Comparator.comparingInt(n -> 0);
    for (int i = 0; i < spreads.size(); i++) {
      String attribute = spreads.get(i);
      Map<String, Integer> counts = groupCounts.get(i);
      c = c.thenComparingInt(n -> counts.get(valueOf(attribute, n)));
    }
    return c.thenComparingInt((NodeInfo n) -> n.tasksOf(serviceId))
        .thenComparingInt(NodeInfo::totalTasks)
        .thenComparing(n -> n.node().id());
  }

  private static List<String> spreads(ServiceSpec spec) {
    return spec.placement() == null || spec.placement().preferences() == null
        ? List.of() : spec.placement().preferences().stream().map(ServiceSpec.Preference::spread).toList();
  }

  /** For each spread attribute: tasks of the service per attribute value, over the eligible nodes. */
  private static List<Map<String, Integer>> groupCounts(List<String> spreads, String serviceId,
                                                        List<NodeInfo> eligible) {
    List<Map<String, Integer>> groupCounts = new ArrayList<>();
    for (String attribute : spreads) {
      Map<String, Integer> counts = new HashMap<>();
      for (NodeInfo n : eligible) {
        counts.merge(valueOf(attribute, n), n.tasksOf(serviceId), Integer::sum);
      }
      groupCounts.add(counts);
    }
    return groupCounts;
  }

  private static String valueOf(String attribute, NodeInfo n) {
    String v = Filters.attribute(attribute, n.node());
    return v == null ? "" : v;
  }

  private static String explain(Map<String, Integer> rejections, int nodeCount) {
    if (nodeCount == 0) {
      return "no suitable node (no nodes in the cluster)";
    }
    List<String> parts = new ArrayList<>();
    rejections.forEach((why, count) -> parts.add(why + " on " + count + (count == 1 ? " node" : " nodes")));
    return "no suitable node (" + String.join("; ", parts) + ")";
  }
}
