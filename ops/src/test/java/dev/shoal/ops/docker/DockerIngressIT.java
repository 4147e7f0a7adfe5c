package dev.shoal.ops.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 through the docker CLI: {@code docker service create -p P:80} with containers on the
 * local engine is reached on the gateway's published port, balanced over the containers, and the
 * port closes with {@code docker service rm}. The shared {@code shoal dev} cluster of the Docker ITs.
 */
class DockerIngressIT {
  private static final Duration CONVERGE = Duration.ofSeconds(60);
  private static ShoalDevCluster cluster;

  @BeforeAll
  static void start() {
    cluster = ShoalDevCluster.shared();
  }

  @Test
  void aPortPublishedWithDashPReachesEveryContainerThroughTheGatewayAndClosesWithTheService() throws Exception {
    String name = "ing" + UUID.randomUUID().toString().substring(0, 6);
    int port = ShoalDevCluster.freePort();
    cluster.docker.run("service", "create", "--detach", "--name", name, "--replicas", "2", "-p", port + ":80",
        "--label", "shoal.ingress.http=true", ShoalDevCluster.IMAGE, "/bin/httpd", "-f", "-p", "80").ok();
    try {
      await().atMost(CONVERGE).pollInterval(Duration.ofMillis(250)).until(() -> {
        JsonNode p = cluster.get("/v1/ingress/" + port);
        if (p == null || !p.path("listening").asBoolean() || p.path("tasks").size() != 2) {
          return false;
        }
        for (JsonNode t : p.path("tasks")) {
          if (!"serving".equals(t.path("state").asText())) {
            return false;
          }
        }
        return true;
      });
      assertThat(cluster.get("/v1/ingress/" + port).path("protocol").asText()).isEqualTo("http");

      HttpClient client = HttpClient.newHttpClient();
      for (int i = 0; i < 20; i++) {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      }
      List<Long> served = new ArrayList<>();
      cluster.get("/v1/ingress/" + port).path("tasks").forEach(t -> served.add(t.path("served").asLong()));
      assertThat(served).hasSize(2).allMatch(n -> n >= 10);
    } finally {
      cluster.docker.run("service", "rm", name);
    }
    await().atMost(CONVERGE).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class));
  }
}
