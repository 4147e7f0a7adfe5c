package dev.shoal.ops;

import static dev.shoal.ops.stack.SleeperSpecs.marker;
import static dev.shoal.ops.stack.SleeperSpecs.sleeper;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.ops.stack.ApiClient;
import dev.shoal.ops.stack.ProcessStack;
import dev.shoal.ops.stack.TaskProcesses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent cut off by the network, for real: node-3 runs in a network namespace of its own, joined
 * to this one by a veth pair with addresses the test gives itself (10.213.N.1 here, .2 there). Its
 * Kafka traffic goes over that link through two {@link dev.shoal.ops.stack.TcpForwarder}s (its own
 * 127.0.0.1:PORT to 10.213.N.1:PORT in the namespace, 10.213.N.1:PORT to the broker here), so
 * setting its end of the link down cuts it, and only it, off. Traffic goes only to the test's own
 * namespace and loopback. Needs root for {@code ip netns}: fails when CI=true, skips elsewhere.
 *
 * <p>Node-down timeout 3 s, fencing timeout 6 s (the defaults): while cut off the agent stops its
 * tasks within the fencing timeout plus their stop grace period, the orchestrator replaces them on
 * the other nodes, and when the link heals no slot runs twice.
 */
class NetworkPartitionIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final Duration FENCING = Duration.ofSeconds(6);
  private static final List<String> HOSTS = List.of("node-1", "node-2", "node-3");
  private static final String ISOLATED = "node-3";
  private static final int SUBNET = ThreadLocalRandom.current().nextInt(1, 250);
  private static final String NAMESPACE = "shoal-part-" + SUBNET;
  private static final String NEAR = "shpn" + SUBNET;
  private static final String FAR = "shpf" + SUBNET;
  private static final String NEAR_ADDRESS = "10.213." + SUBNET + ".1";
  private static final String FAR_ADDRESS = "10.213." + SUBNET + ".2";
  private static ProcessStack stack;
  private static ApiClient api;
  private static boolean namespaceMade;

  @RegisterExtension
  static final StackLogsOnFailure LOGS_ON_FAILURE = new StackLogsOnFailure(() -> stack);

  @BeforeAll
  static void startCluster(@TempDir Path dir) throws Exception {
    boolean root = "root".equals(System.getProperty("user.name"));
    if ("true".equals(System.getenv("CI"))) {
      assertThat(root).as("the partition test needs root for ip netns (CI=true: no skipping)").isTrue();
    } else {
      Assumptions.assumeTrue(root, "the partition test needs root for ip netns");
    }
    assertThat(run("ip", "route", "show", "10.213." + SUBNET + ".0/30")).as("the test's subnet is free").isBlank();
    run("ip", "netns", "add", NAMESPACE);
    namespaceMade = true;
    run("ip", "link", "add", NEAR, "type", "veth", "peer", "name", FAR);
    run("ip", "link", "set", FAR, "netns", NAMESPACE);
    run("ip", "addr", "add", NEAR_ADDRESS + "/30", "dev", NEAR);
    run("ip", "link", "set", NEAR, "up");
    inNamespace("ip", "addr", "add", FAR_ADDRESS + "/30", "dev", FAR);
    inNamespace("ip", "link", "set", FAR, "up");
    inNamespace("ip", "link", "set", "lo", "up");

    stack = ProcessStack.builder(dir).fencingTimeout(FENCING).standbyReplicas(0).progress(System.out).build();
    try {
      stack.start(1, 2);
      String kafka = stack.bootstrapServers();
      String port = kafka.substring(kafka.lastIndexOf(':') + 1);
      stack.startForwarder("forward-near", List.of(), NEAR_ADDRESS + ":" + port, kafka);
      stack.startForwarder("forward-far", namespacePrefix(), kafka, NEAR_ADDRESS + ":" + port);
      stack.startAgent(ISOLATED, namespacePrefix());
      stack.awaitReady(HOSTS);
    } catch (RuntimeException e) {
      System.out.println(stack.logs(150));
      throw e;
    }
    api = stack.api();
  }

  @AfterAll
  static void stopAll() throws Exception {
    try {
      if (stack != null) {
        stack.close();
      }
    } finally {
      if (namespaceMade) {
        // deleting the namespace deletes its end of the veth pair, and with it the other end
        run("ip", "netns", "delete", NAMESPACE);
      }
    }
  }

  private static List<String> namespacePrefix() {
    return List.of("ip", "netns", "exec", NAMESPACE);
  }

  private static String inNamespace(String... cmd) throws IOException, InterruptedException {
    List<String> all = new ArrayList<>(namespacePrefix());
    all.addAll(List.of(cmd));
    return run(all.toArray(String[]::new));
  }

  private static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as(String.join(" ", cmd)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
    return out.strip();
  }

  private static boolean oneProcessPerSlot(String service, int n) {
    Map<Integer, Integer> perSlot = TaskProcesses.perSlot(marker(stack, service));
    List<Integer> slots = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      slots.add(i);
    }
    return perSlot.keySet().equals(new TreeSet<>(slots)) && perSlot.values().stream().allMatch(c -> c == 1);
  }

  private static boolean convergedAwayFrom(String service, int n, String nodeId) {
    List<JsonNode> desired = api.desiredRunning(service);
    return desired.size() == n && desired.stream().allMatch(ApiClient::isRunning)
        && desired.stream().noneMatch(t -> nodeId.equals(t.path("nodeId").asText()));
  }

  @Test
  void aCutOffAgentFencesItsTasksTheyRunElsewhereAndHealingLeavesNoDuplicate() throws Exception {
    ApiClient.Response r = api.call("POST", "/v1/services", sleeper(stack, "cut", 6).toString());
    assertThat(r.status()).as(r.body()).isIn(201, 202);
    await().atMost(WAIT).until(() -> api.desiredRunning("cut").size() == 6
        && api.desiredRunning("cut").stream().allMatch(ApiClient::isRunning) && oneProcessPerSlot("cut", 6));
    String isolatedId = api.node(ISOLATED).path("id").asText();
    long onIsolated = TaskProcesses.onNode(marker(stack, "cut"), isolatedId);
    assertThat(onIsolated).as("the spread put tasks on the isolated node").isPositive();

    long cut = System.nanoTime();
    inNamespace("ip", "link", "set", FAR, "down");

    // The agent fences: its task processes end without anyone telling it, since no one can.
    await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
        .until(() -> TaskProcesses.onNode(marker(stack, "cut"), isolatedId) == 0);
    long fenced = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cut);
    // The orchestrator declares it down and runs its slots elsewhere.
    await().atMost(WAIT).until(() -> api.nodeIs(ISOLATED, "down"));
    await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
        .until(() -> convergedAwayFrom("cut", 6, isolatedId) && oneProcessPerSlot("cut", 6));
    long replaced = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cut);
    assertThat(stack.agent(ISOLATED).isAlive()).as("the cut-off agent kept running").isTrue();

    inNamespace("ip", "link", "set", FAR, "up");
    long healed = System.nanoTime();
    await().atMost(WAIT).until(() -> api.nodeIs(ISOLATED, "ready"));
    long back = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - healed);
    // Back in contact, it starts nothing it was given before the cut: one process per slot, and it stays so.
    await().during(Duration.ofSeconds(6)).atMost(WAIT)
        .until(() -> oneProcessPerSlot("cut", 6) && convergedAwayFrom("cut", 6, isolatedId));
    // It reported what it stopped, and why.
    await().atMost(WAIT).until(() -> {
      List<JsonNode> old = new ArrayList<>();
      api.json("/v1/tasks?service=cut&node=" + isolatedId).forEach(old::add);
      return old.size() == onIsolated && old.stream().allMatch(t -> t.path("status").path("state").asText().equals("shutdown")
          && t.path("status").path("message").asText().startsWith("fenced"));
    });
    System.out.printf("partition of %s (%d tasks; down timeout 3 s, fencing %d s, stop grace 2 s): tasks stopped"
        + " %d ms after the cut, replacements running after %d ms; ready again %d ms after healing, no duplicate%n",
        ISOLATED, onIsolated, FENCING.toSeconds(), fenced, replaced, back);
  }
}
