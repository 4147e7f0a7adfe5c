package dev.shoal.gateway.security;

import static dev.shoal.gateway.Fixtures.node;
import static dev.shoal.gateway.Fixtures.service;
import static dev.shoal.gateway.Fixtures.specJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.gateway.GatewayConfig;
import dev.shoal.gateway.GatewayServer;
import dev.shoal.gateway.Http;
import dev.shoal.gateway.InMemoryClusterBackend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each role against each kind of route, over real HTTPS, once with a client certificate and once
 * with a bearer token: what the role allows is served (and recorded under the caller's principal),
 * the rest is refused with 403 naming the role it needs.
 */
class SecurityRolesIT {
  @TempDir
  static Path dir;
  private static TlsFixture tls;
  private static final InMemoryClusterBackend BACKEND = new InMemoryClusterBackend();
  private static GatewayServer server;
  private static final Map<String, Http> CLIENTS = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws IOException {
    tls = new TlsFixture(dir);
    server = new GatewayServer(new GatewayConfig(null, null, "127.0.0.1", 0, null, null)
        .withSecurity(tls.certificatesOrTokens()).withClusterSecret("s3cret".getBytes(StandardCharsets.UTF_8)),
        BACKEND, Clock.systemUTC(), List.of()).start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void cluster() {
    BACKEND.services.clear();
    BACKEND.nodes.clear();
    BACKEND.published.clear();
    BACKEND.add(service("web", 2));
    BACKEND.add(node("n1", "alpha"));
  }

  /** The principal each role authenticates as, with a certificate (CN) or a token (the tokens file's name). */
  private static String principal(String role, String credential) {
    return credential.equals("certificate") ? Map.of("admin", "ada", "deployer", "dora", "reader", "rita").get(role)
        : Map.of("admin", "ci-admin", "deployer", "ci-deploy", "reader", "dashboard").get(role);
  }

  private static Http client(String role, String credential) {
    return CLIENTS.computeIfAbsent(role + "/" + credential, k -> {
      try {
        return credential.equals("certificate")
            ? new Http(server.url(), tls.client(principal(role, credential), Role.parse(role)))
            : new Http(server.url(), tls.noCertificate());
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    });
  }

  private static String[] token(String role, String credential) {
    if (credential.equals("certificate")) {
      return new String[0];
    }
    String t = Map.of("admin", TlsFixture.ADMIN_TOKEN, "deployer", TlsFixture.DEPLOYER_TOKEN,
        "reader", TlsFixture.READER_TOKEN).get(role);
    return new String[] {"Authorization", "Bearer " + t};
  }

  @ParameterizedTest(name = "{0} with a {1}: {2} {3} -> {5}")
  @CsvSource(delimiter = '|', textBlock = """
      reader   | certificate | GET    | /v1/services                          |                            | 200 |
      reader   | token       | GET    | /v1/nodes                             |                            | 200 |
      reader   | certificate | GET    | /v1/tasks                             |                            | 200 |
      reader   | token       | GET    | /v1/events                            |                            | 200 |
      reader   | certificate | GET    | /v1/swarm/join-tokens                 |                            | 403 | the admin role is needed to see the join tokens
      reader   | token       | POST   | /v1/services                          | SPEC                       | 403 | the deployer role is needed to create, change or remove a service
      reader   | certificate | POST   | /v1/services/web/scale                | {"replicas": 3}            | 403 | the deployer role is needed
      reader   | token       | DELETE | /v1/services/web                      |                            | 403 | the deployer role is needed
      reader   | certificate | PATCH  | /v1/nodes/n1                          | {"availability": "drain"}  | 403 | the admin role is needed to change or remove a node
      reader   | token       | POST   | /v1/swarm/join-tokens/rotate?role=worker |                         | 403 | the admin role is needed to rotate a join token
      deployer | certificate | GET    | /v1/nodes                             |                            | 200 |
      deployer | token       | POST   | /v1/services                          | SPEC                       | 201 |
      deployer | certificate | POST   | /v1/services                          | SPEC                       | 201 |
      deployer | token       | POST   | /v1/services/web/scale                | {"replicas": 3}            | 200 |
      deployer | certificate | PUT    | /v1/services/web?version=1            | WEB                        | 200 |
      deployer | token       | DELETE | /v1/services/web                      |                            | 204 |
      deployer | certificate | PATCH  | /v1/nodes/n1                          | {"availability": "drain"}  | 403 | the admin role is needed to change or remove a node (PATCH /v1/nodes/{id}); you are dora (deployer)
      deployer | token       | DELETE | /v1/nodes/n1                          |                            | 403 | the admin role is needed to change or remove a node (DELETE /v1/nodes/{id}); you are ci-deploy (deployer)
      deployer | certificate | GET    | /v1/swarm/join-tokens                 |                            | 403 | the admin role is needed
      deployer | token       | POST   | /v1/swarm/join-tokens/rotate?role=manager |                        | 403 | the admin role is needed
      admin    | certificate | GET    | /v1/swarm/join-tokens                 |                            | 200 |
      admin    | token       | GET    | /v1/swarm/join-tokens                 |                            | 200 |
      admin    | certificate | POST   | /v1/swarm/join-tokens/rotate?role=worker |                         | 200 |
      admin    | token       | PATCH  | /v1/nodes/n1                          | {"availability": "drain"}  | 200 |
      admin    | certificate | DELETE | /v1/nodes/n1                          |                            | 204 |
      admin    | token       | POST   | /v1/services                          | SPEC                       | 201 |
      admin    | certificate | GET    | /v1/services/web                      |                            | 200 |
      """)
  void eachRoleIsServedWhatItAllowsAndRefusedTheRest(String role, String credential, String method, String path,
                                                    String body, int status, String reason) {
    String json = body == null ? null : switch (body) {
      case "SPEC" -> specJson("api", 1);
      case "WEB" -> specJson("web", 4);
      default -> body;
    };
    Http.Response r = client(role, credential).send(method, path, json, token(role, credential));

    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    if (status == 403) {
      assertThat(r.message()).contains(reason);
      assertThat(BACKEND.published).as("nothing reaches the cluster").isEmpty();
    } else if (!method.equals("GET")) {
      assertThat(BACKEND.published).hasSize(1);
      assertThat(BACKEND.published.get(0).caller().principal()).as("the principal recorded")
          .isEqualTo(principal(role, credential));
    }
  }
}
