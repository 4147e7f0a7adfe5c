package dev.shoal.gateway.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.gateway.Http;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.UpdateStatus;
import org.junit.jupiter.api.Test;

class EngineServiceRoutesTest extends EngineRoutesTestBase {
  private static final String CREATE_WEB = Captures.json("create-web.request.json").toString();

  private String createWeb() {
    Http.Response r = http.post("/v1.41/services/create", CREATE_WEB);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("ID").asText();
  }

  @Test
  void createAnswers201WithTheIdAndInspectShowsTheSpec() {
    String id = createWeb();
    assertThat(backend.writes()).containsExactly("create web");
    JsonNode byName = http.get("/v1.41/services/web?insertDefaults=true").json();
    assertThat(byName.get("ID").asText()).isEqualTo(id);
    assertThat(byName.get("Spec").toString()).isEqualTo(Captures.json("service-web.inspect.json").get("Spec").toString());
    assertThat(http.get("/v1.41/services/" + id.substring(0, 6)).json().get("ID").asText()).as("by id prefix").isEqualTo(id);
  }

  @Test
  void aTakenNameIsTheOrchestratorsConflictInSwarmkitsWords() {
    createWeb();
    Http.Response r = http.post("/v1.41/services/create", CREATE_WEB);
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.message()).isEqualTo("rpc error: code = AlreadyExists desc = name conflicts with an existing object: "
        + "service web already exists");
    assertThat(backend.writes()).containsExactly("create web", "create web");
  }

  @Test
  void anInvalidSpecIsRefusedByTheValidatorWithItsReason() {
    ObjectNode body = Captures.object("create-web.request.json");
    ((ObjectNode) body.get("TaskTemplate").get("Placement")).putArray("Constraints").add("node.colour==blue");
    Http.Response r = http.post("/v1.41/services/create", body.toString());
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.message()).startsWith("invalid spec: ").contains("node.colour");
    assertThat(backend.writes()).isEmpty();
  }

  @Test
  void anUnsupportedFieldIsRefusedNotDropped() {
    ObjectNode body = Captures.object("create-web.request.json");
    ((ObjectNode) body.get("TaskTemplate").get("ContainerSpec")).put("Hostname", "h1");
    Http.Response r = http.post("/v1.41/services/create", body.toString());
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.message()).isEqualTo("not supported: TaskTemplate.ContainerSpec.Hostname");
    assertThat(backend.writes()).isEmpty();
  }

  @Test
  void scaleIsAnUpdateOfTheWholeSpecThatChangesOnlyTheReplicas() {
    createWeb();
    Service before = backend.service("web").orElseThrow();
    ObjectNode spec = (ObjectNode) http.get("/v1.41/services/web?insertDefaults=false").json().get("Spec");
    ((ObjectNode) spec.get("Mode").get("Replicated")).put("Replicas", 5);
    Http.Response r = http.post("/v1.41/services/" + before.id() + "/update?version=" + before.version(), spec.toString());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"Warnings\":null}\n");
    Service after = backend.service("web").orElseThrow();
    assertThat(after.spec()).isEqualTo(before.spec().withReplicas(5));
    assertThat(backend.writes()).containsExactly("create web", "update web at " + before.version());
  }

  @Test
  void aStaleVersionIsUpdateOutOfSequence() {
    String id = createWeb();
    Http.Response r = http.post("/v1.41/services/" + id + "/update?version=1", Captures.json("update-probe.request.json")
        .toString().replace("\"probe\"", "\"web\""));
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.message()).isEqualTo("rpc error: code = Unknown desc = update out of sequence");
    assertThat(backend.writes()).as("the orchestrator decided, not the route").contains("update web at 1");
  }

  @Test
  void anUpdateWithoutAVersionIsABadRequest() {
    String id = createWeb();
    Http.Response r = http.post("/v1.41/services/" + id + "/update", CREATE_WEB);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.message()).startsWith("invalid service version ''");
  }

  @Test
  void aServiceCannotBeRenamed() {
    String id = createWeb();
    long v = backend.service("web").orElseThrow().version();
    Http.Response r = http.post("/v1.41/services/" + id + "/update?version=" + v, CREATE_WEB.replace("\"web\"", "\"web2\""));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.message()).isEqualTo("not supported: renaming a service (web to web2)");
  }

  @Test
  void rollbackPreviousAsksTheOrchestratorToRestoreThePreviousSpec() {
    String id = createWeb();
    ObjectNode spec = (ObjectNode) http.get("/v1.41/services/web").json().get("Spec");
    ((ObjectNode) spec.get("TaskTemplate")).put("ForceUpdate", 1);
    long v = backend.service("web").orElseThrow().version();
    assertThat(http.post("/v1.41/services/" + id + "/update?registryAuthFrom=spec&version=" + v, spec.toString()).status())
        .isEqualTo(200);
    long v2 = backend.service("web").orElseThrow().version();
    assertThat(http.post("/v1.41/services/" + id + "/update?rollback=previous&version=" + v, spec.toString()).status())
        .as("stale").isEqualTo(500);
    Http.Response r = http.post("/v1.41/services/" + id + "/update?rollback=previous&version=" + v2, spec.toString());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(backend.writes()).endsWith("rollback web");
    JsonNode after = http.get("/v1.41/services/web").json();
    assertThat(after.get("Spec").get("TaskTemplate").get("ForceUpdate").asInt()).isZero();
    assertThat(after.get("UpdateStatus").get("State").asText()).isEqualTo(UpdateStatus.ROLLBACK_STARTED);
  }

  @Test
  void removeAnswersEmpty200AndAMissingServiceIsTheEngines404() {
    createWeb();
    Http.Response r = http.delete("/v1.41/services/web");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEmpty();
    Http.Response missing = http.delete("/v1.41/services/nosuch");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.body()).isEqualTo("{\"message\":\"service nosuch not found\"}");
    assertThat(http.get("/v1.41/services/nosuch?insertDefaults=true").status()).isEqualTo(404);
  }

  @Test
  void listFiltersAsTheCliAsks() {
    createWeb();
    service("{\"name\":\"st1_web\",\"image\":\"local/busybox:1\",\"labels\":{\"com.docker.stack.namespace\":\"st1\"}}");
    service("{\"name\":\"g1\",\"image\":\"local/busybox:1\",\"mode\":\"global\"}");
    assertThat(names("/v1.41/services")).containsExactly("g1", "st1_web", "web");
    assertThat(names("/v1.41/services?filters=" + filters("{\"name\":{\"web\":true}}"))).containsExactly("web");
    assertThat(names("/v1.41/services?filters=" + filters("{\"id\":{\"web\":true}}"))).isEmpty();
    assertThat(names("/v1.41/services?filters=" + filters("{\"label\":{\"com.docker.stack.namespace\":true}}")))
        .containsExactly("st1_web");
    assertThat(names("/v1.41/services?filters=" + filters("{\"mode\":{\"global\":true}}"))).containsExactly("g1");
    assertThat(http.get("/v1.41/services").json().get(0).has("ServiceStatus")).isFalse();
    assertThat(http.get("/v1.41/services?status=true").json().get(0).get("ServiceStatus").get("DesiredTasks").asInt())
        .isZero();
    Http.Response bogus = http.get("/v1.41/services?filters=" + filters("{\"bogus\":{\"x\":true}}"));
    assertThat(bogus.status()).isEqualTo(400);
    assertThat(bogus.message()).isEqualTo("Invalid filter 'bogus'");
  }

  @Test
  void aWriteWhoseVerdictWasNotSeenSaysSo() {
    String id = createWeb();
    long v = backend.service("web").orElseThrow().version();
    backend.nextPending = true;
    Http.Response update = http.post("/v1.41/services/" + id + "/update?version=" + v, CREATE_WEB);
    assertThat(update.status()).isEqualTo(202);
    assertThat(update.json().get("Warnings").get(0).asText()).contains("not applied yet");
    backend.nextPending = true;
    Http.Response create = http.post("/v1.41/services/create", CREATE_WEB.replace("\"web\"", "\"web3\""));
    assertThat(create.status()).isEqualTo(504);
    assertThat(create.message()).contains("web3 is not created yet");
  }

  @Test
  void aStackServiceIsCreatedWithAWarningAboutItsNetwork() {
    Http.Response r = http.post("/v1.41/services/create", Captures.json("stack-web.request.json").toString());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(r.json().get("Warnings").get(0).asText()).contains("st1_default");
  }

  @Test
  void aServiceWithoutANameGetsOne() {
    ObjectNode body = Captures.object("create-web.request.json");
    body.remove("Name");
    Http.Response r = http.post("/v1.41/services/create", body.toString());
    assertThat(r.status()).isEqualTo(201);
    assertThat(backend.writes().get(0)).matches("create svc_[0-9a-z]{10}");
  }

  @Test
  void logsAreNotAvailableYetAndSaySo() {
    createWeb();
    Http.Response r = http.get("/v1.41/services/web/logs?details=1&stderr=1&stdout=1&tail=all");
    assertThat(r.status()).isEqualTo(501);
    assertThat(r.message()).contains("not available in Shoal yet");
  }

  private java.util.List<String> names(String path) {
    java.util.List<String> out = new java.util.ArrayList<>();
    http.get(path).json().forEach(s -> out.add(s.get("Spec").get("Name").asText()));
    return out;
  }
}
