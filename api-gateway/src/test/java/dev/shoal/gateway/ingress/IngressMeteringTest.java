package dev.shoal.gateway.ingress;

import static dev.shoal.gateway.ingress.IngressFixtures.closedPort;
import static dev.shoal.gateway.ingress.IngressFixtures.httpService;
import static dev.shoal.gateway.ingress.IngressFixtures.running;
import static dev.shoal.gateway.ingress.IngressFixtures.tcpService;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shoal.gateway.metrics.GatewayMetrics;
import dev.shoal.gateway.ingress.TestBackends.EchoBackend;
import dev.shoal.gateway.ingress.TestBackends.HttpBackend;
import dev.shoal.metrics.ShoalMetrics;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.TaskState;
import io.javalin.Javalin;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ingress reports its traffic per service: a real ingress server metering into the gateway's
 * metrics, real tasks, real clients, and what Prometheus would scrape.
 */
class IngressMeteringTest {
  private final IngressFixtures.Source source = new IngressFixtures.Source();
  private final List<AutoCloseable> closing = new ArrayList<>();
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private ShoalMetrics metrics;
  private IngressServer ingress;
  private int port;

  @BeforeEach
  void start() throws Exception {
    metrics = ShoalMetrics.create();
    ingress = new IngressServer(IngressConfig.defaults(), source)
        .meterWith(new GatewayMetrics(metrics).ingress()).start();
    port = closedPort();
  }

  @AfterEach
  void stop() throws Exception {
    ingress.close();
    for (AutoCloseable c : closing) {
      c.close();
    }
    metrics.close();
  }

  private String scrape() {
    return metrics.scrape();
  }

  /** The value of the sample named exactly {@code series} in a scrape. */
  private static double value(String scrape, String series) {
    return scrape.lines().filter(l -> l.startsWith(series + " "))
        .map(l -> Double.parseDouble(l.substring(series.length() + 1)))
        .findFirst().orElseThrow(() -> new AssertionError("no " + series + " in the scrape"));
  }

  private int get(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private void awaitTasks(int n) {
    await().atMost(Duration.ofSeconds(10)).until(() -> ingress.boundPort(port) == port
        && ingress.view().stream().filter(v -> v.port() == port).findFirst().orElseThrow().tasks().size() == n);
  }

  private int httpBackend(String name) throws Exception {
    HttpBackend b = new HttpBackend(name);
    closing.add(b);
    return b.port();
  }

  @Test
  void httpRequestsAreCountedByStatusClassWithTheirLatencyAndTheClientConnectionIsOpen() throws Exception {
    Service web = httpService("web", port);
    source.put(web);
    source.put(running(web, 1, httpBackend("one")));
    awaitTasks(1);
    assertThat(scrape()).as("published, before any traffic")
        .contains("shoal_gateway_ingress_connections{service=\"web\"} 0.0")
        .contains("shoal_gateway_ingress_retries_total{service=\"web\"} 0.0")
        .doesNotContain("shoal_gateway_ingress_requests_seconds_count");

    for (int i = 0; i < 3; i++) {
      assertThat(get("/")).isEqualTo(200);
    }
    assertThat(get("/slow?ms=300")).isEqualTo(200);
    // A request is counted once its answer is written, on the ingress's thread: the client may have it first.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(scrape())
        .contains("shoal_gateway_ingress_requests_seconds_count{service=\"web\",status=\"2xx\"} 4"));
    String text = scrape();
    assertThat(text).contains("shoal_gateway_ingress_requests_seconds_count{service=\"web\",status=\"2xx\"} 4")
        .as("the JDK client keeps its one connection open")
        .contains("shoal_gateway_ingress_connections{service=\"web\"} 1.0")
        .doesNotContain("shoal_gateway_ingress_errors_total")
        .doesNotContainPattern("shoal_gateway_ingress_\\w+\\{[^}]*(task|address|port)=");
    // The slow one took at least 300 ms: it is not in the 250 ms bucket (the others may be too, on a loaded machine).
    assertThat(value(text, "shoal_gateway_ingress_requests_seconds_bucket{service=\"web\",status=\"2xx\",le=\"0.25\"}"))
        .isLessThanOrEqualTo(3);
    assertThat(value(text, "shoal_gateway_ingress_requests_seconds_sum{service=\"web\",status=\"2xx\"}"))
        .isGreaterThanOrEqualTo(0.3);
  }

  @Test
  void withoutARunningTaskTheRequestIsA5xxAndANoTaskError() throws Exception {
    source.put(httpService("web", port));
    await().atMost(Duration.ofSeconds(10)).until(() -> ingress.boundPort(port) == port);
    assertThat(get("/")).isEqualTo(503);
    assertThat(get("/")).isEqualTo(503);
    // A request is counted once its answer is written, on the ingress's thread: the client may have it first.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(scrape())
        .contains("shoal_gateway_ingress_requests_seconds_count{service=\"web\",status=\"5xx\"} 2")
        .contains("shoal_gateway_ingress_errors_total{reason=\"no_task\",service=\"web\"} 2.0"));
  }

  @Test
  void aRefusedConnectionIsAnErrorAndItsRetryOnAnotherTaskIsCounted() throws Exception {
    Service web = httpService("web", port);
    source.put(web);
    HttpBackend dying = new HttpBackend("dying");
    source.put(running(web, 1, dying.port()));
    source.put(running(web, 2, httpBackend("alive")));
    awaitTasks(2);
    await().atMost(Duration.ofSeconds(10)).until(() -> ingress.view().get(0).tasks().stream()
        .allMatch(t -> t.state().equals("serving")));
    dying.close();
    // Round robin: one of two requests goes to the dead task first, is refused, and is sent to the other.
    assertThat(get("/")).isEqualTo(200);
    assertThat(get("/")).isEqualTo(200);
    // A request is counted once its answer is written, on the ingress's thread: the client may have it first.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(scrape())
        .contains("shoal_gateway_ingress_errors_total{reason=\"connect_failed\",service=\"web\"} 1.0")
        .contains("shoal_gateway_ingress_retries_total{service=\"web\"} 1.0")
        .as("the client saw two successes")
        .contains("shoal_gateway_ingress_requests_seconds_count{service=\"web\",status=\"2xx\"} 2"));
  }

  @Test
  void tcpConnectionsAreCountedWhileOpenAndAConnectionWithoutATaskIsAnError() throws Exception {
    Service db = tcpService("db", port);
    source.put(db);
    EchoBackend echo = new EchoBackend("echo");
    closing.add(echo);
    source.put(running(db, 1, echo.port()));
    awaitTasks(1);
    try (Socket a = new Socket("127.0.0.1", port); Socket b = new Socket("127.0.0.1", port)) {
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(scrape()).contains("shoal_gateway_ingress_connections{service=\"db\"} 2.0"));
      a.close();
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(scrape()).contains("shoal_gateway_ingress_connections{service=\"db\"} 1.0"));
    }
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(scrape()).contains("shoal_gateway_ingress_connections{service=\"db\"} 0.0"));

    // Stopped by its agent: not even a draining task is left.
    source.put(IngressFixtures.task(db, 1, DesiredState.SHUTDOWN, TaskState.SHUTDOWN, null, echo.port()));
    awaitTasks(0);
    try (Socket c = new Socket("127.0.0.1", port)) {
      c.setSoTimeout(10_000);
      try (InputStream in = c.getInputStream()) {
        assertThat(in.read()).as("closed by the ingress").isEqualTo(-1);
      }
    }
    assertThat(scrape()).contains("shoal_gateway_ingress_errors_total{reason=\"no_task\",service=\"db\"} 1.0");
  }

  @Test
  void anUpgradedWebSocketConnectionStaysCountedUntilItCloses() throws Exception {
    Javalin task = Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      cfg.routes.ws("/echo", ws -> ws.onMessage(ctx -> ctx.send("echo " + ctx.message())));
    }).start("127.0.0.1", 0);
    closing.add(task::stop);
    Service web = httpService("web", port);
    source.put(web);
    source.put(running(web, 1, task.port()));
    awaitTasks(1);
    LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
    WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/echo"), new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            received.add(data.toString());
            w.request(1);
            return null;
          }
        }).get(10, TimeUnit.SECONDS);
    ws.sendText("hi", true).get(5, TimeUnit.SECONDS);
    // An echo came back, so the HTTP connection has been replaced by the tunnel: that one is counted now.
    assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("echo hi");
    assertThat(scrape()).contains("shoal_gateway_ingress_connections{service=\"web\"} 1.0")
        .contains("shoal_gateway_ingress_requests_seconds_count{service=\"web\",status=\"1xx\"} 1");
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(scrape()).contains("shoal_gateway_ingress_connections{service=\"web\"} 0.0"));
  }

  @Test
  void aServiceThatNoLongerPublishesLeavesNoSeriesWhileAnotherKeepsItsOwn() throws Exception {
    Service web = httpService("web", port);
    int otherPort = closedPort();
    Service api = httpService("api", otherPort);
    source.put(web);
    source.put(api);
    source.put(running(web, 1, httpBackend("one")));
    awaitTasks(1);
    assertThat(get("/")).isEqualTo(200);
    assertThat(scrape()).contains("service=\"web\"").contains("shoal_gateway_ingress_connections{service=\"api\"} 0.0");

    source.remove(web);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(scrape())
        .doesNotContain("service=\"web\"")
        .contains("shoal_gateway_ingress_connections{service=\"api\"} 0.0"));
  }
}
