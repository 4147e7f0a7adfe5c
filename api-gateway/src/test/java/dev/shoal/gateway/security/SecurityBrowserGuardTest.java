package dev.shoal.gateway.security;

import static dev.shoal.gateway.Fixtures.specJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.gateway.GatewayConfig;
import dev.shoal.gateway.GatewayServer;
import dev.shoal.gateway.Http;
import dev.shoal.gateway.InMemoryClusterBackend;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The browser checks on the plain loopback gateway {@code shoal dev} runs by default, with no
 * authentication: what a page in a browser can make it send is refused, what curl and the docker
 * CLI send passes.
 */
class SecurityBrowserGuardTest {
  private final InMemoryClusterBackend backend = new InMemoryClusterBackend();
  private GatewayServer server;
  private Http http;

  private void start(ApiSecurity security) {
    server = new GatewayServer(new GatewayConfig(null, null, "127.0.0.1", 0, null, null).withSecurity(security),
        backend, Clock.systemUTC(), List.of()).start();
    http = new Http(server.port());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aBodyThatIsNotJsonIsRefusedWith415() {
    start(ApiSecurity.none());
    for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
        "application/jsonp")) {
      Http.Response r = http.send("POST", "/v1/services", specJson("web", 1), "Content-Type", type);
      assertThat(r.status()).as(type).isEqualTo(415);
      assertThat(r.message()).contains("(got " + type + ")").contains("curl: --json @file.json");
    }
    assertThat(backend.published).isEmpty();
    Http.Response json = http.send("POST", "/v1/services", specJson("web", 1), "Content-Type", "Application/JSON ; charset=utf-8");
    assertThat(json.status()).as(json.toString()).isEqualTo(201);
  }

  @Test
  void aRequestWithoutABodyNeedsNoJsonButStillNoForeignOrigin() {
    start(ApiSecurity.none());
    // The docker CLI marks a body-less POST text/plain; curl -X POST sends no type at all.
    assertThat(http.send("POST", "/v1/swarm/join-tokens/rotate?role=worker", null, "Content-Type", "text/plain").status())
        .isEqualTo(503); // past the guard: this gateway has no cluster secret
    Http.Response page = http.send("POST", "/v1/swarm/join-tokens/rotate?role=worker", null,
        "Content-Type", "text/plain", "Origin", "http://attacker.example");
    assertThat(page.status()).isEqualTo(403);
    assertThat(page.message()).isEqualTo("requests from web pages at http://attacker.example are refused (DNS"
        + " rebinding and cross-site requests); start the gateway with --api-allow-origin http://attacker.example"
        + " to allow that origin");
  }

  @Test
  void foreignOriginsAndCrossSiteFetchesAreRefusedSameOriginPasses() {
    start(ApiSecurity.none());
    assertThat(http.send("GET", "/v1/services", null, "Origin", "http://localhost:8080").status()).isEqualTo(403);
    assertThat(http.send("GET", "/v1/services", null, "Origin", "null").status()).isEqualTo(403);
    assertThat(http.send("GET", "/v1/services", null, "Sec-Fetch-Site", "cross-site").status()).isEqualTo(403);
    assertThat(http.send("GET", "/v1/services", null, "Sec-Fetch-Site", "same-site").status()).isEqualTo(403);

    String own = "http://127.0.0.1:" + server.port();
    assertThat(http.send("GET", "/v1/services", null, "Origin", own, "Sec-Fetch-Site", "same-origin").status()).isEqualTo(200);
    assertThat(http.send("GET", "/v1/services", null, "Sec-Fetch-Site", "none").status())
        .as("typed into the address bar").isEqualTo(200);
  }

  @Test
  void aHostThatIsNotOursIsRefusedAgainstDnsRebinding() throws IOException {
    start(ApiSecurity.none().withHostnames(List.of("shoal.internal")));
    int port = server.port();
    RawHttp.Answer rebound = RawHttp.send(null, port, "GET", "/v1/services", "Host: rebind.attacker.example:" + port);
    assertThat(rebound.status()).isEqualTo(403);
    assertThat(rebound.text()).contains("start the gateway with --api-hostname rebind.attacker.example");
    // and a write without a body, which needs no preflight either
    assertThat(RawHttp.send(null, port, "DELETE", "/v1/services/web", "Host: rebind.attacker.example:" + port).status())
        .isEqualTo(403);

    for (String ours : List.of("127.0.0.1:" + port, "localhost:" + port, "LOCALHOST", "[::1]:" + port,
        "localhost:2375", "shoal.internal:" + port, "shoal.internal.", "10.1.2.3:" + port)) {
      assertThat(RawHttp.send(null, port, "GET", "/v1/services", "Host: " + ours).status()).as(ours).isEqualTo(200);
    }
    assertThat(RawHttp.send(null, port, "GET", "/v1/services", "Host: 127.0.0.1.attacker.example").status()).isEqualTo(403);
  }

  @Test
  void anAllowedOriginGetsCorsAnswersAndItsPreflight() {
    start(ApiSecurity.none().withAllowedOrigins(List.of("https://ui.example:8443")));
    Http.Response preflight = http.send("OPTIONS", "/v1/services", null, "Origin", "https://UI.example:8443",
        "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type");
    assertThat(preflight.status()).isEqualTo(204);
    assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo("https://UI.example:8443");
    assertThat(preflight.header("Access-Control-Allow-Methods")).contains("POST");
    assertThat(preflight.header("Access-Control-Allow-Headers")).contains("Content-Type").contains("Authorization");

    Http.Response create = http.send("POST", "/v1/services", specJson("web", 1), "Origin", "https://ui.example:8443",
        "Sec-Fetch-Site", "cross-site");
    assertThat(create.status()).as(create.toString()).isEqualTo(201);
    assertThat(create.header("Access-Control-Allow-Origin")).isEqualTo("https://ui.example:8443");

    Http.Response other = http.send("OPTIONS", "/v1/services", null, "Origin", "https://ui.example:9999",
        "Access-Control-Request-Method", "POST");
    assertThat(other.status()).isEqualTo(403);
    assertThat(other.header("Access-Control-Allow-Origin")).isNull();
  }

  @Test
  void withoutAuthenticationEveryoneOnLoopbackIsTheLocalAdmin() {
    start(ApiSecurity.none());
    // An Authorization header proves nothing here and changes nothing.
    assertThat(http.send("POST", "/v1/services", specJson("web", 1), "Authorization", "Bearer whatever").status())
        .isEqualTo(201);
    assertThat(backend.published.get(0).caller().principal()).isEqualTo("local");
  }
}
