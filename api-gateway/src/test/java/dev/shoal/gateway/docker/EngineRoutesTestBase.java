package dev.shoal.gateway.docker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.gateway.GatewayConfig;
import dev.shoal.gateway.GatewayServer;
import dev.shoal.gateway.Http;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.NodeDescription;
import dev.shoal.schemas.NodeResources;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A gateway on a free port over a {@link FakeClusterBackend}, as the docker CLI would reach it. */
abstract class EngineRoutesTestBase {
  static final Instant NOW = Instant.parse("2026-11-22T08:11:52Z");
  static final byte[] SECRET = new byte[32];

  FakeClusterBackend backend;
  GatewayServer server;
  Http http;

  @BeforeEach
  void startGateway() {
    backend = new FakeClusterBackend();
    GatewayConfig config = new GatewayConfig(null, null, "127.0.0.1", 0, null, null).withClusterSecret(secret());
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    server = new GatewayServer(config, backend, clock, List.of(new DockerEngineApi(backend, "", secret(), clock))).start();
    http = new Http(server.port());
  }

  /** The cluster secret the gateway gets (null: join tokens off). */
  byte[] secret() {
    return SECRET;
  }

  @AfterEach
  void stopGateway() {
    server.close();
  }

  Node agent(String id, String hostname, long version) {
    return backend.put(new Node(id, version, Node.ROLE_WORKER, Node.ACTIVE, Map.of(),
        new NodeDescription(hostname, "127.0.0.1", new NodeResources(2, 1L << 30), List.of("docker"), Map.of(),
            "linux", "amd64", "20.10.24", "docker"), Node.READY, null, NOW.toEpochMilli(), NOW.toEpochMilli()));
  }

  Service service(String json) {
    ServiceSpec spec = dev.shoal.schemas.SpecValidator.validate(json).spec();
    return backend.put(spec);
  }

  Task task(Service s, String id, Integer slot, String node, TaskState state, DesiredState desired, ServiceSpec spec) {
    TaskStatus status = TaskStatus.of(id, node, state, state.name().toLowerCase(), NOW.toEpochMilli());
    return backend.put(new Task(id, s.id(), s.name(), slot, node, s.version(), spec, desired, status,
        NOW.toEpochMilli(), NOW.toEpochMilli()));
  }

  static String filters(String json) {
    return java.net.URLEncoder.encode(json, java.nio.charset.StandardCharsets.UTF_8);
  }

  static JsonNode json(Http.Response r) {
    return r.json();
  }
}
