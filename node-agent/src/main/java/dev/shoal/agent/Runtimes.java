package dev.shoal.agent;

import dev.shoal.agent.runtime.ContainerRuntime;
import dev.shoal.agent.runtime.RuntimeTask;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The runtimes of a node, one per driver: new tasks go by their spec's driver, known ones to the runtime holding them. */
final class Runtimes {
  private static final Logger LOG = LoggerFactory.getLogger(Runtimes.class);

  /** A task as held by one runtime. */
  record Held(ContainerRuntime runtime, RuntimeTask task) {}

  private final Map<String, ContainerRuntime> byDriver = new LinkedHashMap<>();
  private final Set<String> drivers;
  /** Drivers whose runtime did not answer last time, so an outage is logged once and not every pass. */
  private final Set<String> down = ConcurrentHashMap.newKeySet();

  Runtimes(List<ContainerRuntime> runtimes) {
    for (ContainerRuntime r : runtimes) {
      if (byDriver.putIfAbsent(r.driver(), r) != null) {
        throw new IllegalArgumentException("two runtimes offer the " + r.driver() + " driver");
      }
    }
    drivers = java.util.Collections.unmodifiableSet(new TreeSet<>(byDriver.keySet()));
  }

  Set<String> drivers() {
    return drivers;
  }

  Optional<ContainerRuntime> forDriver(String driver) {
    return Optional.ofNullable(byDriver.get(driver));
  }

  List<ContainerRuntime> all() {
    return List.copyOf(byDriver.values());
  }

  /**
   * What the runtimes hold for a node, by task id, and the drivers whose runtime could not say
   * (its engine did not answer): their tasks are neither held nor missing, just unknown for now.
   * {@code observed} is {@code held} without the runtimes, as {@link TaskConverger} reads it. Neither map
   * is sorted: the plan orders itself.
   */
  record Snapshot(Map<String, Held> held, Map<String, RuntimeTask> observed, Set<String> unavailable) {}

  /** Everything the runtimes that answer hold for the node, by task id. */
  Map<String, Held> held(String nodeId) {
    return snapshot(nodeId).held();
  }

  Snapshot snapshot(String nodeId) {
    Map<ContainerRuntime, List<RuntimeTask>> lists = new LinkedHashMap<>();
    Set<String> unavailable = new TreeSet<>();
    int count = 0;
    for (ContainerRuntime r : byDriver.values()) {
      List<RuntimeTask> tasks;
      try {
        tasks = r.list(nodeId);
      } catch (RuntimeException e) {
        unavailable.add(r.driver());
        if (down.add(r.driver())) {
          LOG.warn("the {} runtime does not answer; its tasks are left as they are until it does: {}",
              r.name(), e.toString());
        }
        continue;
      }
      if (down.remove(r.driver())) {
        LOG.info("the {} runtime answers again", r.name());
      }
      lists.put(r, tasks);
      count += tasks.size();
    }
    // Sized up front: every pass builds these, and growing them was a good part of a pass's cost.
    Map<String, Held> out = new HashMap<>(capacityFor(count));
    Map<String, RuntimeTask> observed = new HashMap<>(capacityFor(count));
    lists.forEach((r, tasks) -> {
      for (RuntimeTask t : tasks) {
        // A runtime lists by node, but a data dir or an engine can be shared: another node's task is
        // not ours to stop, start or report, whatever a runtime hands back.
        if (nodeId.equals(t.nodeId()) && !out.containsKey(t.taskId())) {
          out.put(t.taskId(), new Held(r, t));
          observed.put(t.taskId(), t);
        }
      }
    });
    return new Snapshot(out, observed, unavailable);
  }

  /** A hash map's initial capacity that holds {@code entries} without growing. */
  static int capacityFor(int entries) {
    return (int) (entries / 0.75f) + 1;
  }


  /** Ids of the node's tasks that are running, sorted (those of runtimes that answer). */
  List<String> runningTaskIds(String nodeId) {
    return held(nodeId).values().stream()
        .filter(h -> h.task().state() == RuntimeTask.State.RUNNING)
        .map(h -> h.task().taskId())
        .sorted()
        .toList();
  }

  String names() {
    return byDriver.values().stream().map(ContainerRuntime::name).collect(Collectors.joining(","));
  }

  String versions() {
    return byDriver.values().stream().map(ContainerRuntime::version).collect(Collectors.joining(","));
  }

  void closeAll() {
    for (ContainerRuntime r : byDriver.values()) {
      try {
        r.close();
      } catch (RuntimeException e) {
        LOG.warn("closing the {} runtime failed", r.name(), e);
      }
    }
  }
}
