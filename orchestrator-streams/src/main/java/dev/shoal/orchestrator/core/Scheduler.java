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
 * Places tasks: filters drop nodes that cannot take a task, then ranking picks the best of the
 * rest — spread over each placement preference's values first, then fewest tasks of this service,
 * then fewest tasks overall, then node id, so the choice is always the same for the same input.
 * Pure code; the caller books the chosen node in its {@link NodeInfo} before the next placement.
 *
 * <p>{@link #placeAll} places a run of tasks of one spec at once, for scale: the filters that do
 * not depend on load run once per node for the whole run, and the nodes that pass wait in a heap
 * ordered by the ranking, so each placement costs a logarithm of the nodes, not a pass over them
 * (swarmkit keeps a heap of nodes by load in the same way).
 */
public class Scheduler {
  private final List<NodeFilter> fixed;
  private final List<NodeFilter> load;
  private final List<NodeFilter> filters;

  public Scheduler() {
    this(Filters.fixed(), Filters.load());
  }

  /**
   * @param fixed filters whose answer does not change while a run of tasks is placed
   * @param load  filters that depend on what a node already holds
   */
  public Scheduler(List<NodeFilter> fixed, List<NodeFilter> load) {
    this.fixed = List.copyOf(fixed);
    this.load = List.copyOf(load);
    List<NodeFilter> all = new ArrayList<>(fixed);
    all.addAll(load);
    this.filters = List.copyOf(all);
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

  /**
   * Places {@code count} tasks of one service spec, in order, on {@code nodes} (sorted by id); after
   * each placement {@code booked} gets the node and the task's index, and must book the task in the
   * node's {@link NodeInfo} before the next. The result has one placement per task, in order; once
   * one task fits nowhere, the rest of the run gets the same explanation (placing adds load, so
   * nothing later fits either). With spread preferences the ranking depends on groups of nodes, so
   * each task goes through {@link #place} instead.
   */
  public List<Placement> placeAll(ServiceSpec spec, String serviceId, int count, List<NodeInfo> nodes,
                                  java.util.function.ObjIntConsumer<NodeInfo> booked) {
    List<Placement> out = new ArrayList<>(count);
    boolean spread = spec.placement() != null && spec.placement().preferences() != null
        && !spec.placement().preferences().isEmpty();
    if (spread) {
      for (int i = 0; i < count; i++) {
        Placement p = place(spec, serviceId, nodes);
        out.add(p);
        int index = i;
        p.node().ifPresent(id -> nodes.stream().filter(n -> n.node().id().equals(id)).findFirst()
            .ifPresent(n -> booked.accept(n, index)));
      }
      return out;
    }
    java.util.PriorityQueue<NodeInfo> heap = new java.util.PriorityQueue<>(Math.max(1, nodes.size()),
        Comparator.comparingInt((NodeInfo n) -> n.tasksOf(serviceId)).thenComparingInt(NodeInfo::totalTasks)
            .thenComparing(n -> n.node().id()));
    for (NodeInfo n : nodes) {
      if (passes(fixed, spec, serviceId, n)) {
        heap.add(n);
      }
    }
    while (out.size() < count) {
      NodeInfo best = heap.poll();
      while (best != null && !passes(load, spec, serviceId, best)) {
        best = heap.poll(); // full for this spec: it stays full for the rest of the run
      }
      if (best == null) {
        Placement nowhere = place(spec, serviceId, nodes);
        while (out.size() < count) {
          out.add(nowhere);
        }
        return out;
      }
      out.add(Placement.on(best.node().id()));
      booked.accept(best, out.size() - 1);
      heap.add(best);
    }
    return out;
  }

  private static boolean passes(List<NodeFilter> chain, ServiceSpec spec, String serviceId, NodeInfo n) {
    for (NodeFilter f : chain) {
      if (f.reject(spec, serviceId, n).isPresent()) {
        return false;
      }
    }
    return true;
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
