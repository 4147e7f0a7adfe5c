package dev.shoal.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.gateway.GatewayConfig;
import dev.shoal.gateway.GatewayServer;
import dev.shoal.gateway.Http;
import dev.shoal.gateway.InMemoryClusterBackend;
import dev.shoal.schemas.Command;
import dev.shoal.schemas.JoinTokens;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SwarmRoutesTest {
  private final byte[] secret = "s3cret".getBytes(StandardCharsets.UTF_8);
  private final InMemoryClusterBackend backend = new InMemoryClusterBackend();
  private GatewayServer server;

  private Http start(byte[] clusterSecret) {
    server = new GatewayServer(GatewayConfig.defaults("unused:9092").withListener("127.0.0.1", 0)
        .withClusterSecret(clusterSecret), backend).start();
    return new Http(server.port());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void showsAndRotatesTokens() {
    Http http = start(secret);
    Http.Response r = http.get("/v1/swarm/join-tokens");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("worker").asText()).isEqualTo(JoinTokens.token(secret, "worker", 1));
    assertThat(r.json().get("manager").asText()).isEqualTo(JoinTokens.token(secret, "manager", 1));

    Http.Response rotated = http.post("/v1/swarm/join-tokens/rotate?role=worker", null);
    assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
    assertThat(rotated.json().get("worker").asText()).isEqualTo(JoinTokens.token(secret, "worker", 2));
    assertThat(rotated.json().get("manager").asText()).isEqualTo(JoinTokens.token(secret, "manager", 1));
    assertThat(backend.published.get(0).payload()).isEqualTo(new Command.RotateJoinToken("worker"));

    Http.Response bad = http.post("/v1/swarm/join-tokens/rotate?role=admin", null);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.message()).isEqualTo("role query parameter must be worker or manager");
  }

  @Test
  void withoutASecretTokensAreNotEnabled() {
    Http http = start(null);
    Http.Response r = http.get("/v1/swarm/join-tokens");
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.message()).contains("join tokens are not enabled");
  }
}
