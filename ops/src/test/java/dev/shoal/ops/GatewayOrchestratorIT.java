package dev.shoal.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shoal.gateway.GatewayConfig;
import dev.shoal.gateway.GatewayServer;
import dev.shoal.kafka.KafkaBrokerExtension;
import dev.shoal.kafka.KafkaTestCluster;
import dev.shoal.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's answers against the real orchestrator on a real broker: statuses come from the
 * orchestrator's rejection codes (not from sentences a stand-in copied), concurrent writes race
 * through the orchestrator's own checks, and a retried write with an Idempotency-Key is applied
 * once. No agents: tasks stay pending, which these answers do not depend on.
 */
@ExtendWith(KafkaBrokerExtension.class)
class GatewayOrchestratorIT {
  private static LocalCluster cluster;
  private static String api;
  private static final ExecutorService POOL = Executors.newFixedThreadPool(8);

  @BeforeAll
  static void start(KafkaTestCluster kafka, @TempDir Path dir) throws Exception {
    cluster = new LocalCluster(kafka.bootstrapServers(), kafka.uniquePrefix(), dir, 0, RuntimeChoice.PROCESS);
    api = cluster.api();
  }

  @AfterAll
  static void stop() {
    POOL.shutdownNow();
    if (cluster != null) {
      cluster.close();
    }
  }

  private static String spec(String name, int replicas) {
    return "{\"name\":\"" + name + "\",\"command\":[\"sleep\",\"600\"],\"replicas\":" + replicas + "}";
  }

  private static List<Http.Response> concurrently(int n, java.util.function.IntFunction<Http.Response> call) {
    List<CompletableFuture<Http.Response>> fs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int k = i;
      fs.add(CompletableFuture.supplyAsync(() -> call.apply(k), POOL));
    }
    return fs.stream().map(CompletableFuture::join).toList();
  }

  @Test
  void concurrentCreatesOfOneNameGetExactlyOne201() {
    List<Http.Response> rs = concurrently(6, i -> Http.call("POST", api + "/v1/services", spec("race", 1)));
    assertThat(rs).extracting(Http.Response::status).as(rs.toString()).containsOnly(201, 409)
        .filteredOn(s -> s == 201).hasSize(1);
    assertThat(rs).filteredOn(r -> r.status() == 409)
        .allMatch(r -> r.json().get("message").asText().contains("already exists"));
  }

  @Test
  void namesCompareRegardlessOfCase() {
    assertThat(Http.call("POST", api + "/v1/services", spec("Case1", 1)).status()).isEqualTo(201);
    Http.Response again = Http.call("POST", api + "/v1/services", spec("case1", 1));
    assertThat(again.status()).isEqualTo(409);
    assertThat(Http.get(api + "/v1/services/CASE1").json().get("name").asText()).isEqualTo("Case1");
  }

  @Test
  void aStalePutUnderARaceIs409() {
    long v = Http.call("POST", api + "/v1/services", spec("stale", 1)).json().get("version").asLong();
    List<Http.Response> rs = concurrently(4, i ->
        Http.call("PUT", api + "/v1/services/stale?version=" + v, spec("stale", 2 + i)));
    assertThat(rs).extracting(Http.Response::status).as(rs.toString()).containsOnly(200, 409)
        .filteredOn(s -> s == 200).hasSize(1);
    assertThat(rs).filteredOn(r -> r.status() == 409)
        .allMatch(r -> r.json().get("message").asText().contains("update out of sequence"));
  }

  @Test
  void versionsNeverRepeatAcrossDeleteAndCreate() {
    long first = Http.call("POST", api + "/v1/services", spec("again", 1)).json().get("version").asLong();
    assertThat(Http.call("DELETE", api + "/v1/services/again", null).status()).isEqualTo(204);
    long second = Http.call("POST", api + "/v1/services", spec("again", 1)).json().get("version").asLong();
    assertThat(second).isGreaterThan(first);
    Http.Response stale = Http.call("PUT", api + "/v1/services/again?version=" + first, spec("again", 3));
    assertThat(stale.status()).isEqualTo(409);
  }

  @Test
  void theOrchestratorsNotFoundIs404EvenWhenTheGatewayCannotSeeIt() {
    // With an Idempotency-Key the gateway skips its own read-model checks: the 404 is the orchestrator's.
    Http.Response r = Http.call("POST", api + "/v1/services/ghost/scale", "{\"replicas\": 2}",
        "Idempotency-Key", "scale-ghost");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().get("message").asText()).isEqualTo("service ghost not found");
  }

  @Test
  void aRetriedWriteWithAnIdempotencyKeyIsAppliedOnce() {
    Http.Response first = Http.call("POST", api + "/v1/services", spec("once", 1), "Idempotency-Key", "create-once");
    assertThat(first.status()).isEqualTo(201);
    Http.Response retry = Http.call("POST", api + "/v1/services", spec("once", 1), "Idempotency-Key", "create-once");
    assertThat(retry.status()).isEqualTo(201);
    assertThat(retry.json().get("version").asLong()).isEqualTo(first.json().get("version").asLong());
    long v = first.json().get("version").asLong();
    Http.Response scale = Http.call("POST", api + "/v1/services/once/scale", "{\"replicas\": 3}", "Idempotency-Key", "s1");
    Http.Response scaleAgain = Http.call("POST", api + "/v1/services/once/scale", "{\"replicas\": 3}", "Idempotency-Key", "s1");
    assertThat(scale.status()).isEqualTo(200);
    assertThat(scaleAgain.status()).isEqualTo(200);
    assertThat(scaleAgain.json().get("version").asLong()).isEqualTo(scale.json().get("version").asLong())
        .isGreaterThan(v);
    // a different key is a different request: the name now exists
    assertThat(Http.call("POST", api + "/v1/services", spec("once", 1), "Idempotency-Key", "other").status())
        .isEqualTo(409);
  }

  @Test
  void aWriteNobodyDecidesAnswers202WithTheReason(KafkaTestCluster kafka) {
    // A gateway over topics no orchestrator reads: the request is in Kafka, the verdict never comes.
    String prefix = kafka.uniquePrefix() + "lonely-";
    try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
        java.util.Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      dev.shoal.orchestrator.streams.TopicProvisioner.ensure(admin, new Topics(prefix),
          dev.shoal.orchestrator.streams.TopicProvisioner.replication(admin, null));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    try (GatewayServer lonely = new GatewayServer(GatewayConfig.defaults(kafka.bootstrapServers())
        .withTopics(new Topics(prefix)).withListener("127.0.0.1", 0).withApplyTimeout(Duration.ofSeconds(1)))) {
      lonely.start();
      Http.Response r = Http.call("POST", "http://127.0.0.1:" + lonely.port() + "/v1/services", spec("web", 1));
      assertThat(r.status()).isEqualTo(202);
      assertThat(r.json().get("message").asText()).contains("the orchestrator has not answered")
          .contains("is an orchestrator running?");
      assertThat(r.json().get("requestId").asText()).isNotBlank();
    }
  }

  @Test
  void healthIsOkWhileTheReadModelIsCurrent() {
    await().atMost(Duration.ofSeconds(10)).until(() -> Http.get(api + "/v1/health").status() == 200);
    assertThat(Http.get(api + "/v1/health").json().get("status").asText()).isEqualTo("ok");
    assertThat(Http.get(api + "/_ping").body()).isEqualTo("OK");
  }
}
