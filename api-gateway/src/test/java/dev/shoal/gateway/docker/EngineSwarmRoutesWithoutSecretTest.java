package dev.shoal.gateway.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.gateway.Http;
import org.junit.jupiter.api.Test;

class EngineSwarmRoutesWithoutSecretTest extends EngineRoutesTestBase {
  @Override
  byte[] secret() {
    return null;
  }

  @Test
  void withoutAClusterSecretTokensAreNotEnabledAndInfoStillWorks() {
    Http.Response r = http.get("/v1.41/swarm");
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.message()).contains("--cluster-secret-file");
    assertThat(http.get("/v1.41/info").status()).isEqualTo(200);
  }
}
