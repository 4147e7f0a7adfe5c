package dev.shoal.gateway.ingress;

import static dev.shoal.gateway.ingress.IngressFixtures.closedPort;
import static dev.shoal.gateway.ingress.IngressFixtures.httpService;
import static dev.shoal.gateway.ingress.IngressFixtures.running;
import static dev.shoal.gateway.ingress.IngressFixtures.service;
import static dev.shoal.gateway.ingress.IngressFixtures.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.shoal.gateway.ingress.TestBackends.HttpBackend;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.TaskState;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HTTP through a published port: a real ingress server, real HTTP servers as tasks, a real client. */
class IngressHttpTest {
  private final IngressFixtures.Source source = new IngressFixtures.Source();
  private final List<AutoCloseable> closing = new ArrayList<>();
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private IngressServer ingress;
  private int port;

  @BeforeEach
  void start() throws Exception {
    ingress = new IngressServer(IngressConfig.defaults(), source).start();
    port = closedPort();
  }

  @AfterEach
  void stop() throws Exception {
    ingress.close();
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  private HttpBackend backend(String name) throws Exception {
    HttpBackend b = new HttpBackend(name);
    closing.add(b);
    return b;
  }

  private void awaitOpen() {
    await().atMost(Duration.ofSeconds(10)).until(() -> ingress.boundPort(port) == port);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void requestsSpreadEvenlyOverThreeTasksAndCarryForwardedHeaders() throws Exception {
    Service web = httpService("web", port);
    source.put(web);
    for (int slot = 1; slot <= 3; slot++) {
      source.put(running(web, slot, backend("task-" + slot).port()));
    }
    awaitOpen();
    await().atMost(Duration.ofSeconds(10)).until(() -> ingress.view().get(0).tasks().size() == 3);

    Map<String, Integer> served = new TreeMap<>();
    for (int i = 0; i < 300; i++) {
      HttpResponse<String> r = get("/");
      assertThat(r.statusCode()).isEqualTo(200);
      served.merge(r.body(), 1, Integer::sum);
    }
    assertThat(served).containsExactly(Map.entry("task-1", 100), Map.entry("task-2", 100), Map.entry("task-3", 100));

    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
        .header("X-Forwarded-For", "6.6.6.6").header("Forwarded", "for=6.6.6.6").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.headers().firstValue("Seen-X-Forwarded-For")).hasValue("127.0.0.1");
    assertThat(r.headers().firstValue("Seen-X-Forwarded-Proto")).hasValue("http");
    assertThat(r.headers().firstValue("Seen-X-Forwarded-Host")).hasValue("127.0.0.1:" + port);
    assertThat(r.headers().firstValue("Seen-X-Forwarded-Port")).hasValue(Integer.toString(port));
    assertThat(r.headers().firstValue("Seen-Forwarded")).as("a client's Forwarded is not passed on").isEmpty();
    assertThat(r.headers().firstValue("Seen-Host")).hasValue("127.0.0.1:" + port);

    PortView view = ingress.view().get(0);
    assertThat(view.protocol()).isEqualTo("http");
    assertThat(view.listening()).isTrue();
    assertThat(view.tasks()).extracting(BackendView::served).containsExactly(101L, 100L, 100L);
    // the proxy lets go of a backend just after the client has its answer
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(ingress.view().get(0).tasks()).extracting(BackendView::active).containsOnly(0));
  }

  @Test
  void withoutARunningTaskTheAnswerIs503NamingTheService() throws Exception {
    Service web = httpService("web", port);
    source.put(web);
    source.put(task(web, 1, DesiredState.RUNNING, TaskState.STARTING, null, closedPort()));
    awaitOpen();
    HttpResponse<String> r = get("/");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).isEqualTo("no running task of service web (published port " + port + ")\n");
  }

  @Test
  void anIdempotentRequestThatCannotConnectIsRetriedOnAnotherTask() throws Exception {
    Service web = httpService("web", port);
    source.put(web);
    HttpBackend dying = backend("dying");
    int dead = dying.port();
    source.put(running(web, 1, dead));
    source.put(running(web, 2, backend("alive").port()));
    awaitOpen();
    await().atMost(Duration.ofSeconds(10)).until(() -> ingress.view().get(0).tasks().stream()
        .allMatch(t -> t.state().equals("serving")));
    // The task goes away while still in the route (its process died): the next request to it is refused.
    dying.close();
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> r = get("/");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("alive");
    }
    assertThat(ingress.view().get(0).tasks()).filteredOn(t -> t.address().endsWith(":" + dead)).singleElement()
        .satisfies(t -> assertThat(t.failures()).isPositive());

    // With only the dead task left, a request fails: there is nothing else to try.
    source.put(task(web, 2, DesiredState.SHUTDOWN, TaskState.RUNNING, null, 1));
    await().atMost(Duration.ofSeconds(10)).until(() -> ingress.view().get(0).tasks().size() == 1);
    HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
        .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(502);
  }

  /**
   * A rolling update seen late: two tasks of three are gone while still in the route. A refused
   * connection reached no task, so every request, POST included, gets to the one that serves.
   */
  @Test
  void aRefusedRequestOfAnyMethodIsOfferedToUpToThreeTasks() throws Exception {
    Service web = httpService("web", port);
    source.put(web);
    HttpBackend first = backend("first");
    HttpBackend second = backend("second");
    source.put(running(web, 1, first.port()));
    source.put(running(web, 2, second.port()));
    HttpBackend alive = backend("alive");
    source.put(running(web, 3, alive.port()));
    awaitOpen();
    await().atMost(Duration.ofSeconds(10)).until(() -> ingress.view().get(0).tasks().size() == 3
        && ingress.view().get(0).tasks().stream().allMatch(t -> t.state().equals("serving")));
    first.close();
    second.close();
    for (int i = 0; i < 12; i++) {
      HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
          .POST(HttpRequest.BodyPublishers.ofString("x" + i)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).as("POST %d", i).isEqualTo(200);
      assertThat(post.body()).isEqualTo("alive");
      HttpResponse<String> get = get("/");
      assertThat(get.statusCode()).as("GET %d", i).isEqualTo(200);
      assertThat(get.body()).isEqualTo("alive");
    }
  }

  @Test
  void aTaskThatDoesNotListenYetTakesNoTrafficWhileAnotherServesAndJoinsOnceItDoes() throws Exception {
    Service web = httpService("web", port);
    source.put(web);
    int later = closedPort();
    source.put(running(web, 1, backend("early").port()));
    source.put(running(web, 2, later));
    awaitOpen();
    await().atMost(Duration.ofSeconds(10)).until(() -> ingress.view().get(0).tasks().size() == 2);
    for (int i = 0; i < 10; i++) {
      assertThat(get("/").body()).isEqualTo("early");
    }
    assertThat(ingress.view().get(0).tasks()).filteredOn(t -> t.address().endsWith(":" + later)).singleElement()
        .satisfies(t -> {
          assertThat(t.state()).isEqualTo("starting");
          assertThat(t.served()).isZero();
        });
    closing.add(new HttpBackend("late", later));
    await().atMost(Duration.ofSeconds(10)).until(() -> ingress.view().get(0).tasks().stream()
        .allMatch(t -> t.state().equals("serving")));
    Map<String, Integer> served = new TreeMap<>();
    for (int i = 0; i < 10; i++) {
      served.merge(get("/").body(), 1, Integer::sum);
    }
    assertThat(served).containsExactly(Map.entry("early", 5), Map.entry("late", 5));
  }

  @Test
  void aTaskToldToStopTakesNoNewRequestsWhileItsRequestInFlightFinishes() throws Exception {
    Service web = httpService("web", port);
    source.put(web);
    source.put(running(web, 1, backend("old").port()));
    awaitOpen();
    await().atMost(Duration.ofSeconds(10)).until(() -> ingress.view().get(0).tasks().size() == 1);
    CompletableFuture<HttpResponse<String>> slow = client.sendAsync(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slow?ms=1500")).build(),
        HttpResponse.BodyHandlers.ofString());
    await().atMost(Duration.ofSeconds(10)).until(() -> ingress.view().get(0).tasks().get(0).active() == 1);

    source.put(running(web, 2, backend("new").port()));
    source.put(task(web, 1, DesiredState.SHUTDOWN, TaskState.RUNNING, null, 1));
    await().atMost(Duration.ofSeconds(10)).until(() -> ingress.view().get(0).tasks().stream()
        .anyMatch(t -> t.state().equals("draining")));
    for (int i = 0; i < 5; i++) {
      assertThat(get("/").body()).isEqualTo("new");
    }
    assertThat(slow.get().statusCode()).isEqualTo(200);
    assertThat(slow.get().body()).isEqualTo("old");
  }

  @Test
  void leastConnectionsSendsNewRequestsAwayFromABusyTask() throws Exception {
    Service web = service("web", port, ",\"appProtocol\":\"http\"",
        ",\"labels\":{\"shoal.ingress.balance\":\"least-connections\"}", 1);
    source.put(web);
    source.put(running(web, 1, backend("one").port()));
    source.put(running(web, 2, backend("two").port()));
    awaitOpen();
    await().atMost(Duration.ofSeconds(10)).until(() -> ingress.view().get(0).tasks().size() == 2);
    assertThat(ingress.view().get(0).balance()).isEqualTo("least-connections");
    CompletableFuture<HttpResponse<String>> slow = client.sendAsync(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slow?ms=1500")).build(),
        HttpResponse.BodyHandlers.ofString());
    await().atMost(Duration.ofSeconds(10)).until(() -> ingress.view().get(0).tasks().stream()
        .anyMatch(t -> t.active() == 1));
    String busy = ingress.view().get(0).tasks().stream().filter(t -> t.active() == 1).findFirst().orElseThrow().task();
    String other = busy.equals("web.1") ? "two" : "one";
    for (int i = 0; i < 6; i++) {
      assertThat(get("/").body()).isEqualTo(other);
    }
    assertThat(slow.get().statusCode()).isEqualTo(200);
  }

  @Test
  void thePortClosesWhenTheServiceGoes() throws Exception {
    Service web = httpService("web", port);
    source.put(web);
    source.put(running(web, 1, backend("one").port()));
    awaitOpen();
    assertThat(get("/").statusCode()).isEqualTo(200);
    source.remove(web);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThatThrownBy(() -> new java.net.Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class));
    assertThat(ingress.view()).isEmpty();
  }

  @Test
  void changingThePublishedPortMovesItAndTheOldOneCloses() throws Exception {
    source.put(httpService("web", port));
    source.put(running(httpService("web", port), 1, backend("one").port()));
    awaitOpen();
    assertThat(get("/").body()).isEqualTo("one");
    int moved = closedPort();
    source.put(httpService("web", moved));
    await().atMost(Duration.ofSeconds(10)).until(() -> ingress.boundPort(moved) == moved);
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + moved + "/"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.body()).isEqualTo("one");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThatThrownBy(() -> new java.net.Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class));
    assertThat(ingress.view()).extracting(PortView::port).containsExactly(moved);
  }

  /** Each gateway runs an ingress of its own over the same read model: the port answers on each one's address. */
  @Test
  void everyGatewayPublishesThePortOnItsOwnAddress() throws Exception {
    IngressServer second = new IngressServer(IngressConfig.defaults().withHost("127.0.0.2"), source).start();
    closing.add(second);
    Service web = httpService("web", port);
    source.put(web);
    source.put(running(web, 1, backend("one").port()));
    awaitOpen();
    await().atMost(Duration.ofSeconds(10)).until(() -> second.boundPort(port) == port);
    for (String gateway : List.of("127.0.0.1", "127.0.0.2")) {
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://" + gateway + ":" + port + "/"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(gateway).isEqualTo(200);
      assertThat(r.body()).as(gateway).isEqualTo("one");
    }
    assertThat(second.view().get(0).host()).isEqualTo("127.0.0.2");
  }

  @Test
  void aPortAnotherProcessHoldsIsReportedAndOpenedOnceFree() throws Exception {
    java.net.ServerSocket squatter = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress());
    Service web = httpService("web", port);
    source.put(web);
    source.put(running(web, 1, backend("one").port()));
    await().atMost(Duration.ofSeconds(10)).until(() -> !ingress.view().isEmpty() && ingress.view().get(0).error() != null);
    assertThat(ingress.view().get(0).listening()).isFalse();
    assertThat(ingress.view().get(0).error()).containsIgnoringCase("address already in use");
    squatter.close();
    awaitOpen();
    assertThat(get("/").body()).isEqualTo("one");
  }

  /**
   * As kube-proxy's serving-terminating endpoints: with no serving task reachable, a task told to
   * stop that its agent still runs for the drain delay takes the request rather than a 502.
   */
  @Test
  void aDrainingTaskTakesTheRequestWhenNoServingTaskCanAndNeverOtherwise() throws Exception {
    Service web = httpService("web", port);
    source.put(web);
    HttpBackend serving = backend("serving");
    source.put(running(web, 1, serving.port()));
    source.put(task(web, 2, DesiredState.SHUTDOWN, TaskState.RUNNING, null, backend("draining").port()));
    awaitOpen();
    await().atMost(Duration.ofSeconds(10)).until(() -> ingress.view().get(0).tasks().stream()
        .anyMatch(t -> t.state().equals("serving")));
    for (int i = 0; i < 10; i++) {
      assertThat(get("/").body()).isEqualTo("serving");
    }
    // The serving task's process is gone while still in the route: refused, a POST too goes to the draining one.
    serving.close();
    for (int i = 0; i < 4; i++) {
      HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
          .POST(HttpRequest.BodyPublishers.ofString("x" + i)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(200);
      assertThat(post.body()).isEqualTo("draining");
    }
    // No serving task at all: still the draining one, not a 503.
    source.put(task(web, 1, DesiredState.SHUTDOWN, TaskState.SHUTDOWN, null, serving.port()));
    await().atMost(Duration.ofSeconds(10)).until(() -> ingress.view().get(0).tasks().isEmpty());
    HttpResponse<String> r = get("/");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("draining");
    // Once its agent reports it stopped, nothing is left: 503.
    source.put(task(web, 2, DesiredState.SHUTDOWN, TaskState.SHUTDOWN, null, 1));
    await().atMost(Duration.ofSeconds(10)).until(() -> get("/").statusCode() == 503);
  }
}
