package dev.shoal.gateway.rest;

import static dev.shoal.gateway.Fixtures.globalService;
import static dev.shoal.gateway.Fixtures.service;
import static dev.shoal.gateway.Fixtures.specJson;
import static dev.shoal.gateway.Fixtures.task;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.gateway.Http.Response;
import dev.shoal.gateway.InMemoryClusterBackend.Mode;
import dev.shoal.gateway.InMemoryClusterBackend.Published;
import dev.shoal.schemas.Command;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.TaskState;
import org.junit.jupiter.api.Test;

class ServiceRoutesTest extends RoutesTestBase {

  @Test
  void listsServicesByNameWithReplicaCounts() {
    Service web = backend.add(service("web", 3));
    backend.add(service("api", 2));
    Service agent = backend.add(globalService("agent"));
    backend.add(task("t1", web, 1, "n1", DesiredState.RUNNING, TaskState.RUNNING, 10));
    backend.add(task("t2", web, 2, "n1", DesiredState.RUNNING, TaskState.STARTING, 10));
    backend.add(task("t3", web, 3, "n1", DesiredState.SHUTDOWN, TaskState.RUNNING, 10));
    backend.add(task("g1", agent, null, "n1", DesiredState.RUNNING, TaskState.RUNNING, 10));
    backend.add(task("g2", agent, null, "n2", DesiredState.RUNNING, TaskState.PREPARING, 10));

    Response r = http.get("/v1/services");

    assertThat(r.status()).isEqualTo(200);
    JsonNode list = r.json();
    assertThat(list).extracting(n -> n.get("name").asText()).containsExactly("agent", "api", "web");
    assertThat(list.get(2).get("replicas").toString()).isEqualTo("{\"running\":1,\"desired\":3}");
    assertThat(list.get(1).get("replicas").toString()).isEqualTo("{\"running\":0,\"desired\":2}");
    assertThat(list.get(0).get("replicas").toString()).isEqualTo("{\"running\":1,\"desired\":2}");
    assertThat(list.get(2).get("id").asText()).isEqualTo(web.id());
    assertThat(list.get(2).get("version").asLong()).isEqualTo(1);
    assertThat(list.get(2).get("spec").get("replicas").asInt()).isEqualTo(3);
  }

  @Test
  void createsAServiceAndAnswersWithItsView() {
    Response r = http.post("/v1/services", specJson("web", 2));

    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    assertThat(r.json().get("id").asText()).isEqualTo("id-web");
    assertThat(r.json().get("version").asLong()).isEqualTo(1);
    assertThat(r.json().get("replicas").get("desired").asInt()).isEqualTo(2);
    assertThat(backend.published).hasSize(1);
    Published p = backend.published.get(0);
    assertThat(p.kind()).isEqualTo("spec");
    assertThat(p.expectedVersion()).as("create only").isEqualTo(0L);
    assertThat(p.caller().principal()).as("everyone on an unauthenticated loopback gateway").isEqualTo("local");
    assertThat(r.header("X-Shoal-Request-Id")).isEqualTo(p.caller().requestId());
    // The spec published is the validator's normalised one, defaults filled in.
    assertThat(((ServiceSpec) p.payload()).mode()).isEqualTo("replicated");
    assertThat(((ServiceSpec) p.payload()).restartPolicy()).isNotNull();
  }

  @Test
  void aCallerCannotNameItselfWithAHeader() {
    Response r = http.send("POST", "/v1/services", specJson("web", 1), "X-Shoal-User", "alice");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.message()).isEqualTo("X-Shoal-User is not accepted: the principal recorded is the authenticated caller (local)");
    assertThat(backend.published).isEmpty();
  }

  @Test
  void refusesAnInvalidSpecWithTheValidatorsReason() {
    Response r = http.post("/v1/services", "{\"name\":\"web\"}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.message()).contains("a spec needs an image (container) or a command (process)");
    assertThat(backend.published).isEmpty();
  }

  @Test
  void refusesUnknownFieldsAndMalformedJson() {
    Response unknown = http.post("/v1/services", "{\"name\":\"web\",\"command\":[\"x\"],\"replicaz\":2}");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.message()).contains("replicaz");

    Response malformed = http.post("/v1/services", "{\"name\":");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.message()).startsWith("malformed JSON");

    Response notObject = http.post("/v1/services", "[1]");
    assertThat(notObject.status()).isEqualTo(400);
    assertThat(backend.published).isEmpty();
  }

  @Test
  void refusesToCreateAServiceThatExists() {
    backend.add(service("web", 1));
    Response r = http.post("/v1/services", specJson("web", 2));
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.message()).isEqualTo("service web already exists");
    assertThat(backend.published).isEmpty();
  }

  @Test
  void answersTheOrchestratorsRejectionAs400() {
    backend.rejectWith("no node offers the docker driver");
    Response r = http.post("/v1/services", specJson("web", 1));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.message()).isEqualTo("no node offers the docker driver");
  }

  @Test
  void answers202WhenTheChangeIsNotVisibleInTime() {
    backend.mode(Mode.PENDING);
    Response r = http.post("/v1/services", specJson("web", 1));
    assertThat(r.status()).isEqualTo(202);
    assertThat(r.message()).contains("service web was accepted but is not applied yet");
    assertThat(r.json().get("requestId").asText()).isEqualTo(backend.published.get(0).caller().requestId());
  }

  @Test
  void inspectsByNameOrIdAnd404sOtherwise() {
    backend.add(service("web", 1));
    assertThat(http.get("/v1/services/web").json().get("name").asText()).isEqualTo("web");
    assertThat(http.get("/v1/services/id-web").json().get("name").asText()).isEqualTo("web");

    Response missing = http.get("/v1/services/nope");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.message()).isEqualTo("service nope not found");
  }

  @Test
  void updateNeedsANumericVersion() {
    backend.add(service("web", 1));
    for (String path : new String[] {"/v1/services/web", "/v1/services/web?version=abc"}) {
      Response r = http.put(path, specJson("web", 2));
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.message()).isEqualTo("version query parameter is required: send the version you read");
    }
  }

  @Test
  void updateOfAnUnknownServiceIs404() {
    Response r = http.put("/v1/services/web?version=1", specJson("web", 2));
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.message()).isEqualTo("service web not found");
  }

  @Test
  void updateWithAStaleVersionIs409() {
    Service web = backend.add(service("web", 1));
    backend.add(web.withSpec(web.spec().withReplicas(4), 2, 200));

    Response r = http.put("/v1/services/web?version=1", specJson("web", 2));

    assertThat(r.status()).isEqualTo(409);
    assertThat(r.message()).isEqualTo("version 1 is stale: the service is at version 2 (update out of sequence)");
    assertThat(backend.published).isEmpty();
  }

  @Test
  void updateMustKeepTheName() {
    backend.add(service("web", 1));
    Response r = http.put("/v1/services/web?version=1", specJson("api", 2));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.message()).contains("must equal the service's name");
  }

  @Test
  void updatePublishesWithTheExpectedVersionAndAnswersTheNewView() {
    backend.add(service("web", 1));

    Response r = http.put("/v1/services/id-web?version=1", specJson("web", 5));

    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().get("version").asLong()).isEqualTo(2);
    assertThat(r.json().get("spec").get("replicas").asInt()).isEqualTo(5);
    assertThat(backend.published.get(0).expectedVersion()).isEqualTo(1L);
  }

  @Test
  void aStaleRejectionFromTheOrchestratorIs409() {
    backend.add(service("web", 1));
    backend.rejectWith(dev.shoal.schemas.RejectionCode.CONFLICT, "version 1 is stale: the service is at version 2");
    Response r = http.put("/v1/services/web?version=1", specJson("web", 5));
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.message()).isEqualTo("version 1 is stale: the service is at version 2");
  }

  @Test
  void removesAService() {
    backend.add(service("web", 1));

    Response r = http.delete("/v1/services/web");

    assertThat(r.status()).isEqualTo(204);
    assertThat(r.body()).isEmpty();
    assertThat(backend.published.get(0).kind()).isEqualTo("tombstone");
    assertThat(backend.published.get(0).key()).isEqualTo("web");
    assertThat(http.get("/v1/services/web").status()).isEqualTo(404);
  }

  @Test
  void removalOfAnUnknownServiceIs404AndASlowOneIs202() {
    assertThat(http.delete("/v1/services/web").status()).isEqualTo(404);
    backend.add(service("web", 1));
    backend.mode(Mode.PENDING);
    assertThat(http.delete("/v1/services/web").status()).isEqualTo(202);
  }

  @Test
  void scalesAReplicatedService() {
    backend.add(service("web", 1));

    Response r = http.post("/v1/services/web/scale", "{\"replicas\": 5}");

    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().get("spec").get("replicas").asInt()).isEqualTo(5);
    assertThat(r.json().get("version").asLong()).isEqualTo(2);
    assertThat(backend.published.get(0).payload()).isEqualTo(new Command.ScaleService("web", 5));
  }

  @Test
  void scaleRefusesBadCountsUnknownFieldsAndGlobalServices() {
    backend.add(service("web", 1));
    backend.add(globalService("agent"));
    for (String body : new String[] {"{\"replicas\": -1}", "{\"replicas\": \"3\"}", "{\"replicas\": 1.5}", "{}",
        "{\"replicas\": 99999999999}", "{\"replicas\": 10001}", "{\"replicas\": 1e2}"}) {
      Response r = http.post("/v1/services/web/scale", body);
      assertThat(r.status()).as(body).isEqualTo(400);
      assertThat(r.message()).as(body).startsWith("replicas must be an integer from 0 to 10000");
    }
    Response unknown = http.post("/v1/services/web/scale", "{\"replicas\": 2, \"force\": true}");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.message()).contains("unknown field \"force\"");

    Response global = http.post("/v1/services/agent/scale", "{\"replicas\": 2}");
    assertThat(global.status()).isEqualTo(400);
    assertThat(global.message()).contains("is global");

    assertThat(http.post("/v1/services/nope/scale", "{\"replicas\": 2}").status()).isEqualTo(404);
    assertThat(backend.published).isEmpty();
  }

  @Test
  void rollsBackToThePreviousSpecOrSaysWhyNot() {
    Service first = service("web", 1);
    backend.add(first.withSpec(dev.shoal.gateway.Fixtures.spec("web", 4), 2, 2));

    Response r = http.post("/v1/services/web/rollback", null);

    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().get("spec").get("replicas").asInt()).isEqualTo(1);
    assertThat(backend.published.get(0).payload()).isEqualTo(new Command.RollbackService("web"));

    backend.add(service("fresh", 1));
    Response none = http.post("/v1/services/fresh/rollback", null);
    assertThat(none.status()).isEqualTo(400);
    assertThat(none.message()).isEqualTo("service fresh has no previous spec to roll back to");
    assertThat(http.post("/v1/services/nope/rollback", null).status()).isEqualTo(404);
  }

  @Test
  void unknownRoutesAre404Json() {
    Response r = http.get("/v1/nope");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.message()).isEqualTo("no route for GET /v1/nope");
  }

  @Test
  void anIdempotencyKeyGivesARetryTheSameRequestId() {
    http.send("POST", "/v1/services", specJson("web", 1), "Idempotency-Key", "deploy-42");
    backend.services.clear();
    http.send("POST", "/v1/services", specJson("web", 1), "Idempotency-Key", "deploy-42");
    http.send("POST", "/v1/services", specJson("other", 1), "Idempotency-Key", "deploy-43");
    assertThat(backend.published).hasSize(3);
    assertThat(backend.published.get(0).caller().requestId()).isEqualTo(backend.published.get(1).caller().requestId())
        .isNotEqualTo(backend.published.get(2).caller().requestId());
    Response bad = http.send("POST", "/v1/services", specJson("x", 1), "Idempotency-Key", "has space");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.message()).contains("Idempotency-Key");
    Response tooLong = http.send("POST", "/v1/services", specJson("x", 1), "Idempotency-Key", "k".repeat(256));
    assertThat(tooLong.status()).isEqualTo(400);
  }

  @Test
  void aCommandBodyOverItsLimitInBytesIs413WhateverItsLengthInCharacters() {
    // Found by FuzzIT: 16 KiB is bytes, and "€" takes three of them.
    String euros = "\u20ac".repeat(dev.shoal.schemas.Limits.MAX_COMMAND_BYTES / 3 + 10);
    Response r = http.post("/v1/services/web/scale", "{\"replicas\":1,\"x\":\"" + euros + "\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(413);
  }

  @Test
  void aBodyOverTheLimitIs413() {
    String big = "{\"name\":\"big\",\"command\":[\"" + "x".repeat(dev.shoal.schemas.Limits.MAX_SPEC_BYTES) + "\"]}";
    Response r = http.post("/v1/services", big);
    assertThat(r.status()).isEqualTo(413);
    assertThat(backend.published).isEmpty();
    String justUnder = "{\"name\":\"ok\",\"command\":[\"" + "x".repeat(32_000) + "\",\"" + "y".repeat(32_000) + "\"]}";
    assertThat(justUnder.length()).isLessThan(dev.shoal.schemas.Limits.MAX_SPEC_BYTES);
    assertThat(http.post("/v1/services", justUnder).status()).isEqualTo(201);
  }

  @Test
  void eachRejectionCodeHasItsStatus() {
    backend.add(service("web", 1));
    for (var c : java.util.Map.of(dev.shoal.schemas.RejectionCode.NOT_FOUND, 404, dev.shoal.schemas.RejectionCode.CONFLICT,
        409, dev.shoal.schemas.RejectionCode.INVALID, 400, dev.shoal.schemas.RejectionCode.TOO_LARGE, 413,
        dev.shoal.schemas.RejectionCode.FORBIDDEN, 403, dev.shoal.schemas.RejectionCode.INTERNAL, 500).entrySet()) {
      backend.rejectWith(c.getKey(), "because " + c.getKey());
      Response r = http.post("/v1/services/web/scale", "{\"replicas\": 2}");
      assertThat(r.status()).as(c.getKey().toString()).isEqualTo(c.getValue());
      assertThat(r.message()).isEqualTo("because " + c.getKey());
    }
  }
}
