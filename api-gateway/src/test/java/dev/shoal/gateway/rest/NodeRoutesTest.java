package dev.shoal.gateway.rest;

import static dev.shoal.gateway.Fixtures.node;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.gateway.Http.Response;
import dev.shoal.gateway.InMemoryClusterBackend.Published;
import dev.shoal.schemas.Command;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NodeRoutesTest extends RoutesTestBase {

  @BeforeEach
  void cluster() {
    backend.add(node("n2", "beta"));
    backend.add(node("n1", "gamma"));
    backend.add(node("n3", "alpha"));
  }

  @Test
  void listsNodesByHostname() {
    Response r = http.get("/v1/nodes");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json()).extracting(n -> n.get("id").asText()).containsExactly("n3", "n2", "n1");
    assertThat(r.json().get(0).get("description").get("hostname").asText()).isEqualTo("alpha");
  }

  @Test
  void inspectsByIdOrHostname() {
    assertThat(http.get("/v1/nodes/n1").json().get("availability").asText()).isEqualTo("active");
    assertThat(http.get("/v1/nodes/beta").json().get("id").asText()).isEqualTo("n2");
    Response missing = http.get("/v1/nodes/nope");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.message()).isEqualTo("node nope not found");
  }

  @Test
  void updatesAvailabilityRoleAndLabels() {
    Response r = http.send("PATCH", "/v1/nodes/gamma",
        "{\"availability\":\"drain\",\"role\":\"manager\",\"labels\":{\"zone\":\"a\"}}");

    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().get("availability").asText()).isEqualTo("drain");
    assertThat(r.json().get("role").asText()).isEqualTo("manager");
    assertThat(r.json().get("labels").get("zone").asText()).isEqualTo("a");
    assertThat(r.json().get("version").asLong()).isEqualTo(4);
    Published p = backend.published.get(0);
    assertThat(p.key()).isEqualTo("n1");
    assertThat(p.payload()).isEqualTo(new Command.UpdateNode("n1", "drain", "manager", Map.of("zone", "a"), null));
    assertThat(p.caller().principal()).isEqualTo("local");
  }

  @Test
  void leavesOutWhatIsNotGiven() {
    http.patch("/v1/nodes/n1", "{\"availability\":\"pause\"}");
    assertThat(backend.published.get(0).payload()).isEqualTo(new Command.UpdateNode("n1", "pause", null, null, null));
  }

  @Test
  void refusesBadValuesAndUnknownFields() {
    String[][] cases = {
        {"{\"availability\":\"gone\"}", "availability must be one of active, pause, drain"},
        {"{\"role\":\"boss\"}", "role must be one of worker, manager"},
        {"{\"labels\":[\"a\"]}", "labels must be an object of strings"},
        {"{\"labels\":{\"zone\":1}}", "label zone must be a string"},
        {"{\"hostname\":\"x\"}", "unknown field \"hostname\""},
        {"{}", "nothing to change"},
        {"", "the request needs a JSON object body"},
        {"{\"role\":", "malformed JSON"},
        // a label the API accepts must be usable in a constraint: the one Labels rule decides
        {"{\"labels\":{\"zone\":\"ü\"}}", "so that a placement constraint can match it"},
        {"{\"labels\":{\"zo ne\":\"a\"}}", "so that a placement constraint can name it"},
        {"{\"labels\":{\"zone\":\"a\",\"zone\":\"b\"}}", "Duplicate field"},
    };
    for (String[] c : cases) {
      Response r = http.patch("/v1/nodes/n1", c[0]);
      assertThat(r.status()).as(c[0]).isEqualTo(400);
      assertThat(r.message()).as(c[0]).contains(c[1]);
    }
    assertThat(backend.published).isEmpty();
  }

  @Test
  void checksTheVersionWhenGiven() {
    Response stale = http.patch("/v1/nodes/n1?version=2", "{\"availability\":\"pause\"}");
    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.message()).isEqualTo("version 2 is stale: the node is at version 3");

    Response ok = http.patch("/v1/nodes/n1?version=3", "{\"availability\":\"pause\"}");
    assertThat(ok.status()).isEqualTo(200);
    assertThat(backend.published).hasSize(1);
    assertThat(backend.published.get(0).expectedVersion()).isEqualTo(3L);
  }

  @Test
  void anUnknownNodeIs404() {
    assertThat(http.patch("/v1/nodes/nope", "{\"availability\":\"pause\"}").status()).isEqualTo(404);
  }
}
