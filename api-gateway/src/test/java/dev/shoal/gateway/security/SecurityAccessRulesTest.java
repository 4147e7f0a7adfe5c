package dev.shoal.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.gateway.GatewayConfig;
import dev.shoal.gateway.GatewayServer;
import dev.shoal.gateway.InMemoryClusterBackend;
import dev.shoal.gateway.logs.KafkaLogReader;
import dev.shoal.gateway.logs.LogLimits;
import dev.shoal.gateway.logs.LogService;
import io.javalin.http.HandlerType;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The one table of roles: every route the gateway serves needs the role the issue asks for. */
class SecurityAccessRulesTest {
  private static Role need(String route) {
    String[] mp = route.split(" ", 2);
    return AccessRules.needed(HandlerType.findOrCreate(mp[0]), mp[1]).role();
  }

  @Test
  void everyRestRouteNeedsItsRole() {
    Map<String, Role> actual = new TreeMap<>();
    GatewayConfig config = GatewayConfig.defaults("unused:9092").withListener("127.0.0.1", 0);
    InMemoryClusterBackend backend = new InMemoryClusterBackend();
    // The logs routes come with a Kafka reader, which connects only when a request reads.
    LogService logs = new LogService(backend, KafkaLogReader.of(config, LogLimits.DEFAULTS), LogLimits.DEFAULTS);
    try (GatewayServer server = new GatewayServer(config, backend, Clock.systemUTC(), List.of(logs.routes()))) {
      server.routes().forEach(r -> actual.put(r, need(r)));
    }
    Map<String, Role> expected = new TreeMap<>(Map.ofEntries(
        Map.entry("GET /_ping", Role.READER), Map.entry("HEAD /_ping", Role.READER),
        Map.entry("GET /v1/health", Role.READER), Map.entry("GET /v1/openapi.json", Role.READER),
        Map.entry("GET /metrics", Role.READER), // Prometheus scrapes with a reader token or certificate
        Map.entry("GET /v1/schemas/service-spec.json", Role.READER),
        Map.entry("GET /v1/services", Role.READER), Map.entry("GET /v1/services/{name}", Role.READER),
        Map.entry("POST /v1/services", Role.DEPLOYER), Map.entry("PUT /v1/services/{name}", Role.DEPLOYER),
        Map.entry("DELETE /v1/services/{name}", Role.DEPLOYER), Map.entry("POST /v1/services/{name}/scale", Role.DEPLOYER),
        Map.entry("POST /v1/services/{name}/rollback", Role.DEPLOYER),
        // As the service itself: the history shows the specs a reader can already see, and who changed them.
        Map.entry("GET /v1/services/{name}/history", Role.READER),
        Map.entry("GET /v1/tasks", Role.READER), Map.entry("GET /v1/tasks/{id}", Role.READER),
        Map.entry("GET /v1/services/{name}/logs", Role.READER), Map.entry("GET /v1/tasks/{id}/logs", Role.READER),
        Map.entry("GET /v1/nodes", Role.READER), Map.entry("GET /v1/nodes/{id}", Role.READER),
        Map.entry("PATCH /v1/nodes/{id}", Role.ADMIN), Map.entry("DELETE /v1/nodes/{id}", Role.ADMIN),
        Map.entry("GET /v1/events", Role.READER),
        Map.entry("GET /v1/ingress", Role.READER), Map.entry("GET /v1/ingress/{port}", Role.READER),
        Map.entry("GET /v1/swarm/join-tokens", Role.ADMIN), Map.entry("POST /v1/swarm/join-tokens/rotate", Role.ADMIN)));
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void dockerEngineRoutesNeedTheSameRolesVersionedOrNot() {
    for (String v : new String[] {"", "/v{apiVersion}"}) {
      assertThat(need("GET " + v + "/services")).isEqualTo(Role.READER);
      assertThat(need("POST " + v + "/services/create")).isEqualTo(Role.DEPLOYER);
      assertThat(need("POST " + v + "/services/{id}/update")).isEqualTo(Role.DEPLOYER);
      assertThat(need("DELETE " + v + "/services/{id}")).isEqualTo(Role.DEPLOYER);
      assertThat(need("POST " + v + "/networks/create")).isEqualTo(Role.DEPLOYER);
      assertThat(need("POST " + v + "/nodes/{id}/update")).isEqualTo(Role.ADMIN);
      assertThat(need("DELETE " + v + "/nodes/{id}")).isEqualTo(Role.ADMIN);
      assertThat(need("GET " + v + "/swarm")).as("it carries the join tokens").isEqualTo(Role.ADMIN);
      assertThat(need("GET " + v + "/swarm/unlockkey")).isEqualTo(Role.ADMIN);
      assertThat(need("POST " + v + "/swarm/init")).isEqualTo(Role.ADMIN);
      assertThat(need("GET " + v + "/info")).isEqualTo(Role.READER);
      assertThat(need("GET " + v + "/services/{id}/logs")).isEqualTo(Role.READER);
      assertThat(need("GET " + v + "/tasks/{id}/logs")).isEqualTo(Role.READER);
      assertThat(AccessRules.needed(HandlerType.GET, v + "/tasks/{id}/logs").what()).isEqualTo("read task logs");
      assertThat(need("HEAD " + v + "/_ping")).isEqualTo(Role.READER);
    }
  }

  @Test
  void aRouteNoRuleNamesIsReadableButNotWritableByDefault() {
    assertThat(need("GET /v2/anything")).isEqualTo(Role.READER);
    assertThat(need("POST /containers/create")).isEqualTo(Role.ADMIN);
    assertThat(need("PUT /v1/something-new")).isEqualTo(Role.ADMIN);
    assertThat(AccessRules.needed(HandlerType.POST, "/containers/create").what()).isEqualTo("call a route no rule names");
  }

  @Test
  void rolesAreNested() {
    assertThat(Role.ADMIN.covers(Role.DEPLOYER)).isTrue();
    assertThat(Role.DEPLOYER.covers(Role.READER)).isTrue();
    assertThat(Role.DEPLOYER.covers(Role.ADMIN)).isFalse();
    assertThat(Role.READER.covers(Role.DEPLOYER)).isFalse();
    assertThat(Role.parse(" Deployer ")).isEqualTo(Role.DEPLOYER);
  }
}
