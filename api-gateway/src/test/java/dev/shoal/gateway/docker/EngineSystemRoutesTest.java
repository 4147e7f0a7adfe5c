package dev.shoal.gateway.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.gateway.Http;
import org.junit.jupiter.api.Test;

class EngineSystemRoutesTest extends EngineRoutesTestBase {
  @Test
  void headPingNegotiatesApi141() {
    Http.Response r = http.send("HEAD", "/_ping", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Api-Version")).isEqualTo("1.41");
    assertThat(r.header("Ostype")).isEqualTo("linux");
    assertThat(r.header("Docker-Experimental")).isEqualTo("false");
    assertThat(r.body()).isEmpty();
  }

  @Test
  void getPingKeepsItsBodyAndGetsTheHeaders() {
    Http.Response r = http.get("/_ping");
    assertThat(r.body()).isEqualTo("OK");
    assertThat(r.header("Api-Version")).isEqualTo("1.41");
  }

  @Test
  void versionIsServedVersionedAndUnversionedAsExactJson() {
    for (String path : new String[] {"/v1.41/version", "/v1.24/version", "/version"}) {
      Http.Response r = http.get(path);
      assertThat(r.status()).as(path).isEqualTo(200);
      assertThat(r.header("Content-Type")).isEqualTo("application/json");
      assertThat(r.header("Api-Version")).isEqualTo("1.41");
      assertThat(r.body()).endsWith("}\n");
      assertThat(r.json().get("ApiVersion").asText()).isEqualTo("1.41");
    }
  }

  @Test
  void aTooNewVersionGetsTheEnginesErrorAsJson() {
    Http.Response r = http.get("/v1.99/version");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    assertThat(r.body()).isEqualTo("{\"message\":\"client version 1.99 is too new. Maximum supported API version is 1.41\"}");
  }

  @Test
  void shoalsRestApiKeepsItsPaths() {
    service("{\"name\":\"web\",\"image\":\"local/busybox:1\"}");
    Http.Response rest = http.get("/v1/services");
    assertThat(rest.status()).isEqualTo(200);
    assertThat(rest.json().get(0).has("name")).as("the REST view, not the engine's").isTrue();
    Http.Response engine = http.get("/v1.41/services");
    assertThat(engine.json().get(0).get("Spec").get("Name").asText()).isEqualTo("web");
    assertThat(http.get("/v1/info").status()).isEqualTo(404);
  }

  @Test
  void infoShowsAManagerOfTheCluster() {
    agent("n1", "node-1", 3);
    agent("n2", "node-2", 3);
    var swarm = http.get("/v1.41/info").json().get("Swarm");
    assertThat(swarm.get("ControlAvailable").asBoolean()).isTrue();
    assertThat(swarm.get("Nodes").asInt()).isEqualTo(3);
    assertThat(swarm.get("Managers").asInt()).isEqualTo(1);
    String self = swarm.get("NodeID").asText();
    assertThat(http.get("/v1.41/nodes/" + self).json().get("ManagerStatus").get("Leader").asBoolean()).isTrue();
    assertThat(swarm.get("RemoteManagers").get(0).get("Addr").asText()).isEqualTo("127.0.0.1:" + server.port());
  }

  @Test
  void imageDigestsAreDeclinedSoTheCliKeepsTheTag() {
    Http.Response r = http.get("/v1.41/distribution/local/busybox:1/json");
    assertThat(r.status()).isEqualTo(501);
    assertThat(r.message()).contains("local/busybox:1").contains("by its tag");
  }

  @Test
  void secretsAndConfigsAreEmptyAndCannotBeCreated() {
    assertThat(http.get("/v1.41/secrets?filters=" + filters("{\"label\":{\"com.docker.stack.namespace=st1\":true}}"))
        .body()).isEqualTo("[]\n");
    assertThat(http.get("/v1.41/configs").body()).isEqualTo("[]\n");
    Http.Response r = http.post("/v1.41/secrets/create", "{\"Name\":\"s\",\"Data\":\"eA==\"}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.message()).startsWith("not supported: secrets");
  }

  @Test
  void aNodesOwnEndpointsSayWhereToLookInstead() {
    for (String path : new String[] {"/v1.41/containers/json?all=1", "/v1.41/images/json", "/v1.41/volumes",
        "/containers/abc/json", "/v1.41/system/df"}) {
      Http.Response r = http.get(path);
      assertThat(r.status()).as(path).isEqualTo(501);
      assertThat(r.message()).contains("each node's engine").contains("docker service ps");
    }
    assertThat(http.post("/v1.41/containers/create", "{}").status()).isEqualTo(501);
  }
}
