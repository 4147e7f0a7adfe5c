package dev.shoal.gateway.ingress;

import static dev.shoal.gateway.ingress.IngressFixtures.closedPort;
import static dev.shoal.gateway.ingress.IngressFixtures.httpService;
import static dev.shoal.gateway.ingress.IngressFixtures.running;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shoal.schemas.Service;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A WebSocket through an HTTP published port: the JDK's client, a Javalin (Jetty) WebSocket server as the task. */
class IngressUpgradeTest {
  private final IngressFixtures.Source source = new IngressFixtures.Source();
  private IngressServer ingress;
  private Javalin task;
  private int port;

  @BeforeEach
  void start() throws Exception {
    ingress = new IngressServer(IngressConfig.defaults(), source).start();
    port = closedPort();
    task = Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      cfg.routes.ws("/echo", ws -> {
        // The task speaks first, so its first frame races the 101 if the tunnel opened too early.
        ws.onConnect(ctx -> ctx.send("hello " + ctx.header("X-Forwarded-For")));
        ws.onMessage(ctx -> ctx.send("echo " + ctx.message()));
      });
      cfg.routes.get("/plain", ctx -> ctx.result("plain"));
    }).start("127.0.0.1", 0);
  }

  @AfterEach
  void stop() {
    ingress.close();
    task.stop();
  }

  @Test
  void aWebSocketUpgradePassesAndFramesFlowBothWaysUntilClosed() throws Exception {
    Service web = httpService("web", port);
    source.put(web);
    source.put(running(web, 1, task.port()));
    await().atMost(Duration.ofSeconds(10)).until(() -> ingress.boundPort(port) == port
        && ingress.view().get(0).tasks().size() == 1);

    LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
    CompletableFuture<Integer> closed = new CompletableFuture<>();
    WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/echo"), new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            received.add(data.toString());
            w.request(1);
            return null;
          }

          @Override
          public CompletionStage<?> onClose(WebSocket w, int status, String reason) {
            closed.complete(status);
            return null;
          }
        }).get(10, TimeUnit.SECONDS);
    assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("hello 127.0.0.1");
    for (int i = 0; i < 20; i++) {
      ws.sendText("message " + i, true).get(5, TimeUnit.SECONDS);
      assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("echo message " + i);
    }
    // The tunnel counts as one connection in flight on the task until it closes.
    assertThat(ingress.view().get(0).tasks().get(0).active()).isEqualTo(1);
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
    assertThat(closed.get(10, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
    await().atMost(Duration.ofSeconds(10)).until(() -> ingress.view().get(0).tasks().get(0).active() == 0);

    // The same port still proxies plain requests.
    var plain = HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/plain")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(plain.body()).isEqualTo("plain");
  }
}
