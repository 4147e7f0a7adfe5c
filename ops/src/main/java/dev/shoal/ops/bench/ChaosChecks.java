package dev.shoal.ops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.ops.stack.ApiClient;
import dev.shoal.ops.stack.ProcessStack;
import dev.shoal.ops.stack.SleeperSpecs;
import dev.shoal.ops.stack.TaskProcesses;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What {@code shoal bench chaos} holds the cluster to once it has settled, against what {@link ChaosLoad} had
 * accepted: every accepted create present (no lost spec); each service with exactly its desired number of tasks
 * desired and observed RUNNING, one per slot 1..n, in the API and in the processes on this machine (all agents
 * run here, so this counts every node's copies, a stale one no agent reports included); and the rolling update
 * complete, at the last accepted generation, every task and process of that generation. Each check that fails
 * is a sentence in the answer; an empty answer means the cluster is as it should be.
 */
final class ChaosChecks {
  private final ProcessStack stack;
  private final ChaosLoad load;

  ChaosChecks(ProcessStack stack, ChaosLoad load) {
    this.stack = stack;
    this.load = load;
  }

  List<String> problems() {
    List<String> problems = new ArrayList<>();
    ApiClient api = stack.api(stack.gatewayNames().get(0));
    ApiClient.Response list = api.get("/v1/services");
    if (!list.ok()) {
      api = stack.api(stack.gatewayNames().get(stack.gatewayNames().size() - 1));
      list = api.get("/v1/services");
    }
    if (!list.ok()) {
      return List.of("no gateway answers GET /v1/services (" + list.status() + ")");
    }
    Set<String> present = new HashSet<>();
    list.json().forEach(s -> present.add(s.path("name").asText()));
    List<String> lost = load.acceptedCreates().stream().filter(n -> !present.contains(n)).toList();
    if (!lost.isEmpty()) {
      problems.add("accepted creates missing: " + lost);
    }
    replicas(api, ChaosLoad.STEADY, ChaosLoad.STEADY_REPLICAS, null, problems);
    replicas(api, ChaosLoad.SCALED, load.scaledReplicas(), null, problems);
    String generation = ChaosLoad.generationArgument(load.rollingGeneration());
    replicas(api, ChaosLoad.ROLLING, ChaosLoad.ROLLING_REPLICAS, generation, problems);
    ApiClient.Response rolling = api.get("/v1/services/" + ChaosLoad.ROLLING);
    if (rolling.ok()) {
      JsonNode s = rolling.json();
      String state = s.path("updateStatus").path("state").asText("completed");
      if (!"completed".equals(state)) {
        problems.add(ChaosLoad.ROLLING + ": update " + state + " (" + s.path("updateStatus").path("message").asText() + ")");
      }
      if (!s.path("spec").path("command").toString().contains("\"" + generation + "\"")) {
        problems.add(ChaosLoad.ROLLING + ": spec is not the accepted " + generation);
      }
      long version = s.path("version").asLong();
      long stale = api.desiredRunning(ChaosLoad.ROLLING).stream().filter(t -> t.path("specVersion").asLong() != version)
          .count();
      if (stale > 0) {
        problems.add(ChaosLoad.ROLLING + ": " + stale + " task(s) desired RUNNING not at version " + version);
      }
    }
    return problems;
  }

  /** Exactly {@code n} tasks in the API and processes on the machine, one per slot 1..n (of {@code generation}). */
  private void replicas(ApiClient api, String service, int n, String generation, List<String> problems) {
    List<JsonNode> desired = api.desiredRunning(service);
    List<Integer> slots = desired.stream().map(t -> t.path("slot").asInt()).sorted().toList();
    List<Integer> expected = java.util.stream.IntStream.rangeClosed(1, n).boxed().toList();
    long running = desired.stream().filter(ApiClient::isRunning).count();
    if (!slots.equals(expected) || running != n) {
      problems.add(service + ": tasks desired RUNNING in slots " + slots + ", " + running + " running; want one in each"
          + " of " + expected);
    }
    String marker = SleeperSpecs.marker(stack, service);
    Map<Integer, Integer> perSlot = new TreeMap<>();
    int otherGeneration = 0;
    for (ProcessHandle p : TaskProcesses.withArgument(marker)) {
      List<String> args = p.info().arguments().map(List::of).orElse(List.of());
      if (generation != null && !args.contains(generation)) {
        otherGeneration++;
      }
      args.stream().filter(a -> a.startsWith("slot-")).findFirst()
          .ifPresent(a -> perSlot.merge(Integer.parseInt(a.substring(5)), 1, Integer::sum));
    }
    boolean onePerSlot = perSlot.keySet().equals(new java.util.TreeSet<>(expected))
        && perSlot.values().stream().allMatch(c -> c == 1);
    if (!onePerSlot) {
      problems.add(service + ": processes per slot on the machine " + perSlot + "; want one in each of " + expected);
    }
    if (otherGeneration > 0) {
      problems.add(service + ": " + otherGeneration + " process(es) not of " + generation);
    }
  }

  /** The most processes any one slot of any service has on this machine right now. */
  int mostProcessesInOneSlot() {
    int most = 0;
    for (String service : List.of(ChaosLoad.STEADY, ChaosLoad.SCALED, ChaosLoad.ROLLING)) {
      for (int c : TaskProcesses.perSlot(SleeperSpecs.marker(stack, service)).values()) {
        most = Math.max(most, c);
      }
    }
    return most;
  }
}
