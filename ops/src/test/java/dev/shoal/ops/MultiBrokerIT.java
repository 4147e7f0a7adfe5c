package dev.shoal.ops;

import static dev.shoal.ops.stack.SleeperSpecs.marker;
import static dev.shoal.ops.stack.SleeperSpecs.sleeper;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.ops.stack.ApiClient;
import dev.shoal.ops.stack.ProcessStack;
import dev.shoal.ops.stack.TaskProcesses;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shoal on a Kafka cluster of three brokers, each a separate {@code shoal kafka --voters …} process, with an
 * orchestrator, a gateway and two agents: every topic is replicated three times with two in sync required, and
 * SIGKILLing the broker that leads {@code shoal.specs} loses no write the API accepted, before or after the
 * kill, while writes go on; the service's tasks stay one per slot on the machine; the broker rejoins.
 */
class MultiBrokerIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private ProcessStack stack;

  @AfterEach
  void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void losingTheSpecsLeaderLosesNoAcceptedWriteAndTheBrokerRejoins(@TempDir Path dir) throws Exception {
    stack = ProcessStack.builder(dir).brokers(3).standbyReplicas(0).progress(System.out).build();
    try {
      run();
    } catch (Throwable e) {
      System.out.println(stack.logs(120));
      throw e;
    }
  }

  private void run() throws Exception {
    stack.start(1, 2);
    ApiClient api = stack.api();
    assertReplicatedThreeTimes();

    ApiClient.Response web = api.call("POST", "/v1/services", sleeper(stack, "web", 3).toString());
    assertThat(web.status()).as(web.body()).isIn(201, 202);
    await().atMost(WAIT).until(() -> converged(api, "web", 3));

    List<String> accepted = new ArrayList<>();
    int written = write(api, 0, 5, accepted);
    int leader = await().atMost(WAIT).until(() -> stack.leaderOf("shoal.specs"), java.util.Optional::isPresent).get();
    System.out.println("SIGKILL broker " + leader + ", the leader of shoal.specs");
    stack.broker(leader).kill();
    int acceptedBefore = accepted.size();
    ApiClient.Response scaled = scaleUntilAccepted(api, 4);
    // Keep writing for a while with the broker gone: leadership moves, writes are accepted again.
    long until = System.nanoTime() + Duration.ofSeconds(12).toNanos();
    while (System.nanoTime() < until) {
      written = write(api, written, 1, accepted);
    }
    System.out.printf("writes: %d accepted of %d, %d of them after the kill; scale answered %d%n",
        accepted.size(), written, accepted.size() - acceptedBefore, scaled.status());
    assertThat(accepted.size() - acceptedBefore).as("writes accepted with one broker of three gone").isPositive();
    assertThat(stack.leaderOf("shoal.specs")).isPresent().get().isNotEqualTo(leader);

    await().atMost(WAIT).until(() -> converged(api, "web", 4));
    for (String name : accepted) {
      await(name + " accepted, so present").atMost(WAIT).until(() -> api.get("/v1/services/" + name).ok());
    }

    stack.restartBroker(leader);
    try (Admin admin = Admin.create(stack.clientConfig("admin"))) {
      await("broker " + leader + " back among the brokers and in the ISR of shoal.specs").atMost(WAIT)
          .until(() -> admin.describeCluster().nodes().get().size() == 3
              && specs(admin).partitions().get(0).isr().stream().anyMatch(n -> n.id() == leader));
    }
    // Nothing lost when the broker came back, and still one task per slot.
    for (String name : accepted) {
      assertThat(api.get("/v1/services/" + name).ok()).as(name).isTrue();
    }
    await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> converged(api, "web", 4));
  }

  /** Creates services {@code w-<n>} (no replicas), each with its own idempotency key; accepted = 2xx. */
  private static int write(ApiClient api, int from, int count, List<String> accepted) {
    for (int i = from; i < from + count; i++) {
      String name = "w-" + i;
      ApiClient.Response r = api.call("POST", "/v1/services",
          "{\"name\":\"" + name + "\",\"command\":[\"true\"],\"replicas\":0}", Map.of("Idempotency-Key", name));
      if (r.ok()) {
        accepted.add(name);
      }
    }
    return from + count;
  }

  /** A scale retried with one idempotency key until the API accepts it: applied once, whatever the retries. */
  private static ApiClient.Response scaleUntilAccepted(ApiClient api, int replicas) {
    ApiClient.Response[] last = new ApiClient.Response[1];
    await().atMost(WAIT).until(() -> {
      last[0] = api.call("POST", "/v1/services/web/scale", "{\"replicas\":" + replicas + "}",
          Map.of("Idempotency-Key", "scale-web-" + replicas));
      return last[0].ok();
    });
    return last[0];
  }

  /** Exactly {@code n} tasks desired RUNNING in slots 1..n, all running, and one process per slot on the machine. */
  private boolean converged(ApiClient api, String service, int n) {
    List<JsonNode> desired = api.desiredRunning(service);
    Map<Integer, Integer> processes = TaskProcesses.perSlot(marker(stack, service));
    List<Integer> slots = desired.stream().map(t -> t.path("slot").asInt()).sorted().toList();
    List<Integer> oneToN = IntStream.rangeClosed(1, n).boxed().toList();
    return desired.size() == n && slots.equals(oneToN) && desired.stream().allMatch(ApiClient::isRunning)
        && processes.keySet().equals(new TreeSet<>(oneToN)) && processes.values().stream().allMatch(c -> c == 1);
  }

  /** Shoal's topics, Streams' changelogs and Kafka's own: three replicas, two in sync required. */
  private void assertReplicatedThreeTimes() throws Exception {
    try (Admin admin = Admin.create(stack.clientConfig("admin"))) {
      List<String> names = new ArrayList<>(admin.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions()
          .listInternal(true)).names().get());
      assertThat(names).contains("shoal.specs", "shoal.control", "__consumer_offsets", "__transaction_state")
          .anyMatch(n -> n.endsWith("-changelog"));
      Map<String, TopicDescription> topics = admin.describeTopics(names).allTopicNames().get();
      for (TopicDescription t : topics.values()) {
        assertThat(t.partitions()).as(t.name()).allMatch(p -> p.replicas().size() == 3);
      }
      List<ConfigResource> resources = names.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
      Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get();
      configs.forEach((r, c) -> assertThat(c.get("min.insync.replicas").value()).as(r.name()).isEqualTo("2"));
    }
  }

  private static TopicDescription specs(Admin admin) throws Exception {
    return admin.describeTopics(List.of("shoal.specs")).allTopicNames().get().get("shoal.specs");
  }
}
