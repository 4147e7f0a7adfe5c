package dev.shoal.gateway.rest;

import static dev.shoal.gateway.Fixtures.globalService;
import static dev.shoal.gateway.Fixtures.node;
import static dev.shoal.gateway.Fixtures.service;
import static dev.shoal.gateway.Fixtures.task;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.gateway.Http.Response;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.TaskState;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TaskRoutesTest extends RoutesTestBase {

  @BeforeEach
  void cluster() {
    Service web = backend.add(service("web", 2));
    Service api = backend.add(service("api", 1));
    Service agent = backend.add(globalService("agent"));
    backend.add(node("n1", "alpha"));
    backend.add(node("n2", "beta"));
    backend.add(task("w2", web, 2, "n2", DesiredState.RUNNING, TaskState.RUNNING, 30));
    backend.add(task("w1-old", web, 1, "n1", DesiredState.SHUTDOWN, TaskState.FAILED, 10));
    backend.add(task("w1", web, 1, "n1", DesiredState.RUNNING, TaskState.RUNNING, 20));
    backend.add(task("a1", api, 1, "n2", DesiredState.REMOVE, TaskState.SHUTDOWN, 5));
    backend.add(task("g2", agent, null, "n2", DesiredState.RUNNING, null, 7));
    backend.add(task("g1", agent, null, "n1", DesiredState.RUNNING, TaskState.PENDING, 7));
  }

  @Test
  void listsTasksByServiceSlotThenNewestFirst() {
    assertThat(ids(http.get("/v1/tasks"))).containsExactly("g1", "g2", "a1", "w1", "w1-old", "w2");
  }

  @Test
  void filtersByServiceNameOrId() {
    assertThat(ids(http.get("/v1/tasks?service=web"))).containsExactly("w1", "w1-old", "w2");
    assertThat(ids(http.get("/v1/tasks?service=id-api"))).containsExactly("a1");
    assertThat(ids(http.get("/v1/tasks?service=nope"))).isEmpty();
  }

  @Test
  void filtersByNodeIdOrHostname() {
    assertThat(ids(http.get("/v1/tasks?node=n1"))).containsExactly("g1", "w1", "w1-old");
    assertThat(ids(http.get("/v1/tasks?node=beta"))).containsExactly("g2", "a1", "w2");
  }

  @Test
  void filtersByDesiredStateAndCombinesFilters() {
    assertThat(ids(http.get("/v1/tasks?desired-state=shutdown"))).containsExactly("w1-old");
    assertThat(ids(http.get("/v1/tasks?desired-state=RUNNING&service=web&node=alpha"))).containsExactly("w1");
  }

  @Test
  void refusesAnUnknownDesiredState() {
    Response r = http.get("/v1/tasks?desired-state=sleeping");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.message()).startsWith("desired-state must be one of running, shutdown, remove");
  }

  @Test
  void showsATask() {
    Response r = http.get("/v1/tasks/w2");
    assertThat(r.status()).isEqualTo(200);
    JsonNode t = r.json();
    assertThat(t.get("id").asText()).isEqualTo("w2");
    assertThat(t.get("name").asText()).isEqualTo("web.2");
    assertThat(t.get("serviceName").asText()).isEqualTo("web");
    assertThat(t.get("slot").asInt()).isEqualTo(2);
    assertThat(t.get("nodeId").asText()).isEqualTo("n2");
    assertThat(t.get("desiredState").asText()).isEqualTo("running");
    assertThat(t.get("status").get("state").asText()).isEqualTo("running");
    assertThat(t.get("status").get("endpoint").asText()).isEqualTo("127.0.0.1:4000");
    assertThat(t.get("status").get("message").asText()).isEqualTo("msg RUNNING");
    assertThat(t.get("status").get("timestamp").asLong()).isEqualTo(35);
    assertThat(t.get("specVersion").asLong()).isEqualTo(1);
    assertThat(t.get("createdAt").asLong()).isEqualTo(30);
    assertThat(t.get("updatedAt").asLong()).isEqualTo(35);
    assertThat(t.has("spec")).as("the spec is the service's to show").isFalse();

    JsonNode failed = http.get("/v1/tasks/w1-old").json();
    assertThat(failed.get("status").get("exitCode").asInt()).isEqualTo(1);
    assertThat(http.get("/v1/tasks/g2").json().get("status").get("state").asText()).isEqualTo("new");
    assertThat(http.get("/v1/tasks/g2").json().get("name").asText()).isEqualTo("agent.n2");
  }

  @Test
  void anUnknownTaskIs404() {
    Response r = http.get("/v1/tasks/nope");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.message()).isEqualTo("task nope not found");
  }

  private static List<String> ids(Response r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return StreamSupport.stream(r.json().spliterator(), false).map(n -> n.get("id").asText()).toList();
  }

  /** The order before it was written out: service, slot, node (missing ones last), newest first, id. */
  private static final java.util.Comparator<dev.shoal.schemas.Task> CHAINED = java.util.Comparator
      .comparing(dev.shoal.schemas.Task::serviceName, java.util.Comparator.nullsLast(java.util.Comparator.naturalOrder()))
      .thenComparing(dev.shoal.schemas.Task::slot, java.util.Comparator.nullsLast(java.util.Comparator.naturalOrder()))
      .thenComparing(dev.shoal.schemas.Task::nodeId, java.util.Comparator.nullsLast(java.util.Comparator.naturalOrder()))
      .thenComparing(java.util.Comparator.comparingLong(dev.shoal.schemas.Task::createdAt).reversed())
      .thenComparing(dev.shoal.schemas.Task::id);

  @Test
  void theWrittenOutOrderIsTheChainedOneOnRandomTasks() {
    java.util.Random random = new java.util.Random(14);
    Service[] services = {service("a", 1), service("b", 1), new Service("id-x", null, 1, service("x", 1).spec(), null,
        null, 1, 1)};
    List<dev.shoal.schemas.Task> tasks = new java.util.ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      Service s = services[random.nextInt(services.length)];
      Integer slot = random.nextInt(5) == 0 ? null : 1 + random.nextInt(4);
      String node = random.nextInt(5) == 0 ? null : "n" + random.nextInt(3);
      tasks.add(task("t" + random.nextInt(500), s, slot, node, DesiredState.RUNNING, TaskState.RUNNING,
          random.nextInt(4)));
    }
    List<dev.shoal.schemas.Task> expected = tasks.stream().sorted(CHAINED).toList();
    assertThat(tasks.stream().sorted(TaskRoutes.ORDER).toList()).containsExactlyElementsOf(expected);
  }

  @Test
  void aListingIsTheJsonOfItsViewsByteForByte() throws Exception {
    Service web = backend.services.get("id-web");
    dev.shoal.schemas.Task accented = task("w3", web, 3, "n1", DesiredState.RUNNING, TaskState.RUNNING, 40)
        .withStatus(new dev.shoal.schemas.TaskStatus("w3", "n1", TaskState.RUNNING, "démarré ✓ \"quoted\"", null, null,
            null, null, null, "c-1", 45), 45);
    backend.add(accented);
    Response r = http.get("/v1/tasks?service=web");
    assertThat(r.header("Content-Type")).startsWith("application/json");
    List<TaskView> views = backend.tasks.values().stream().filter(t -> "web".equals(t.serviceName()))
        .sorted(CHAINED).map(TaskView::of).toList();
    // what ctx.json wrote: the gateway's mapping rendered as a String, encoded as UTF-8
    byte[] expected = dev.shoal.schemas.Json.MAPPER.writeValueAsString(views).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(r.body().getBytes(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(expected);
    assertThat(ids(r)).containsExactly("w1", "w1-old", "w2", "w3");
  }

  @Test
  void aListingOfVariedTasksIsTheOldRenderingByteForByteWhenFreshCachedAndChanged() throws Exception {
    backend.tasks.clear();
    java.util.Random random = new java.util.Random(14);
    TaskJsonCacheTest.VariedTasks.of(random, 2_000).forEach(backend::add);
    for (int round = 0; round < 3; round++) {
      assertThat(bytes("/v1/tasks")).as("round " + round).isEqualTo(oldRendering(backend.tasks.values()));
      assertThat(bytes("/v1/tasks?service=web")).isEqualTo(oldRendering(backend.tasks.values().stream()
          .filter(t -> "id-web".equals(t.serviceId())).toList())); // the service's tasks, by its id
      // Some tasks change between calls, as statuses arrive; some go, some come.
      List<dev.shoal.schemas.Task> all = List.copyOf(backend.tasks.values());
      for (int i = 0; i < 300; i++) {
        dev.shoal.schemas.Task t = all.get(random.nextInt(all.size()));
        backend.add(t.withDesiredState(DesiredState.values()[random.nextInt(3)], t.updatedAt() + round + 1));
      }
      for (int i = 0; i < 50; i++) {
        backend.tasks.remove(all.get(random.nextInt(all.size())).id());
      }
      String prefix = "new-" + round + "-";
      TaskJsonCacheTest.VariedTasks.of(new java.util.Random(round), 20).stream()
          .map(t -> new dev.shoal.schemas.Task(prefix + t.id(), t.serviceId(), t.serviceName(), t.slot(),
              t.nodeId(), t.specVersion(), t.spec(), t.desiredState(), t.status(), t.createdAt(), t.updatedAt()))
          .forEach(backend::add);
    }
  }

  /** The body exactly as sent (the test client decodes it as a String). */
  private byte[] bytes(String path) throws Exception {
    java.net.http.HttpResponse<byte[]> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
        .newBuilder(java.net.URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  /** The listing before its views were cached: the sorted views through ctx.json (a String, then UTF-8). */
  private static byte[] oldRendering(java.util.Collection<dev.shoal.schemas.Task> tasks) throws Exception {
    List<TaskView> views = tasks.stream().sorted(CHAINED).map(TaskView::of).toList();
    return dev.shoal.schemas.Json.MAPPER.writeValueAsString(views).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void everyStateIsShownInLowerCase() {
    Service web = backend.services.get("id-web");
    for (TaskState state : TaskState.values()) {
      for (DesiredState desired : DesiredState.values()) {
        TaskView v = TaskView.of(task("x", web, 1, "n1", desired, state, 1));
        assertThat(v.status().state()).isEqualTo(state.name().toLowerCase(java.util.Locale.ROOT));
        assertThat(v.desiredState()).isEqualTo(desired.name().toLowerCase(java.util.Locale.ROOT));
      }
    }
    assertThat(TaskView.of(task("y", web, 1, "n1", null, null, 1)).desiredState()).isNull();
  }
}
