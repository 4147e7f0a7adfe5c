package dev.shoal.gateway.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.gateway.Http;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EngineNodeRoutesTest extends EngineRoutesTestBase {
  private String self;

  @BeforeEach
  void cluster() {
    agent("79v7iax8mreka9bnohkj9fhgn", "node-1", 9);
    agent("abcdefghijklmnopqrstuvwxy", "node-2", 9);
    self = http.get("/v1.41/info").json().get("Swarm").get("NodeID").asText();
  }

  @Test
  void theListHasTheControlPlaneAsLeaderAndTheAgents() {
    JsonNode nodes = http.get("/v1.41/nodes").json();
    List<String> hosts = new ArrayList<>();
    nodes.forEach(n -> hosts.add(n.get("Description").get("Hostname").asText()));
    assertThat(hosts).containsExactly("shoal-control-plane", "node-1", "node-2");
    assertThat(nodes.get(0).get("ID").asText()).isEqualTo(self);
    assertThat(nodes.get(0).get("ManagerStatus").get("Leader").asBoolean()).isTrue();
    assertThat(nodes.get(1).has("ManagerStatus")).isFalse();
    assertThat(http.get("/v1.41/nodes?filters=" + filters("{\"role\":{\"worker\":true}}")).json()).hasSize(2);
  }

  @Test
  void aNodeByIdHostnameOrPrefix() {
    assertThat(http.get("/v1.41/nodes/node-2").json().get("ID").asText()).isEqualTo("abcdefghijklmnopqrstuvwxy");
    assertThat(http.get("/v1.41/nodes/79v7").json().get("Description").get("Hostname").asText()).isEqualTo("node-1");
    assertThat(http.get("/v1.41/nodes/" + self).json().get("Spec").get("Availability").asText()).isEqualTo("drain");
    Http.Response missing = http.get("/v1.41/nodes/nosuch");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.message()).isEqualTo("node nosuch not found");
  }

  @Test
  void anUpdateCarriesTheWholeSpecAndTheVersionToTheOrchestrator() {
    // 05: POST /nodes/{id}/update?version=9 {"Labels":{},"Role":"manager","Availability":"drain"}
    Http.Response r = http.post("/v1.41/nodes/79v7iax8mreka9bnohkj9fhgn/update?version=9",
        "{\"Labels\":{\"zone\":\"a\"},\"Role\":\"worker\",\"Availability\":\"drain\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).isEmpty();
    assertThat(backend.writes()).containsExactly(
        "update node 79v7iax8mreka9bnohkj9fhgn at 9: availability drain, role worker, labels {zone=a}");
    JsonNode n = http.get("/v1.41/nodes/node-1").json();
    assertThat(n.get("Spec").toString()).isEqualTo("{\"Labels\":{\"zone\":\"a\"},\"Role\":\"worker\",\"Availability\":\"drain\"}");
  }

  @Test
  void aStaleNodeVersionIsOutOfSequenceAndABadValueTheOrchestratorsReason() {
    Http.Response stale = http.post("/v1.41/nodes/node-1/update?version=3", "{\"Labels\":{},\"Role\":\"worker\",\"Availability\":\"drain\"}");
    assertThat(stale.status()).isEqualTo(500);
    assertThat(stale.message()).isEqualTo("rpc error: code = Unknown desc = update out of sequence");
    Http.Response bad = http.post("/v1.41/nodes/node-1/update?version=9", "{\"Labels\":{},\"Role\":\"worker\",\"Availability\":\"asleep\"}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.message()).contains("asleep");
  }

  @Test
  void theControlPlaneCannotBeChangedOrRemoved() {
    Http.Response update = http.post("/v1.41/nodes/" + self + "/update?version=1", "{\"Labels\":{},\"Role\":\"manager\",\"Availability\":\"active\"}");
    assertThat(update.status()).isEqualTo(400);
    assertThat(update.message()).startsWith("not supported: the control plane node");
    assertThat(http.delete("/v1.41/nodes/" + self).status()).isEqualTo(400);
    assertThat(backend.writes()).isEmpty();
  }

  @Test
  void removingALiveNodeNeedsForce() {
    Http.Response r = http.delete("/v1.41/nodes/node-2");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.message()).contains("is not down");
    assertThat(http.delete("/v1.41/nodes/node-2?force=true").status()).isEqualTo(200);
    assertThat(http.get("/v1.41/nodes/node-2").status()).isEqualTo(404);
  }

  @Test
  void aNodeNameIsNotSupported() {
    Http.Response r = http.post("/v1.41/nodes/node-1/update?version=9", "{\"Name\":\"x\",\"Role\":\"worker\",\"Availability\":\"active\"}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.message()).startsWith("not supported: Name");
  }
}
