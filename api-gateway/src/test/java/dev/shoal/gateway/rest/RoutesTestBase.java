package dev.shoal.gateway.rest;

import dev.shoal.gateway.GatewayConfig;
import dev.shoal.gateway.GatewayServer;
import dev.shoal.gateway.Http;
import dev.shoal.gateway.InMemoryClusterBackend;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A gateway on a free port over an {@link InMemoryClusterBackend}, with a client for it. */
abstract class RoutesTestBase {
  static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");

  InMemoryClusterBackend backend;
  GatewayServer server;
  Http http;

  @BeforeEach
  void startGateway() {
    backend = new InMemoryClusterBackend();
    GatewayConfig config = new GatewayConfig(null, null, "127.0.0.1", 0, null, null);
    server = new GatewayServer(config, backend, Clock.fixed(NOW, ZoneOffset.UTC), List.of()).start();
    http = new Http(server.port());
  }

  @AfterEach
  void stopGateway() {
    server.close();
  }
}
