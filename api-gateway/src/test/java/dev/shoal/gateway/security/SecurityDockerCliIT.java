package dev.shoal.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.gateway.GatewayConfig;
import dev.shoal.gateway.GatewayServer;
import dev.shoal.gateway.InMemoryClusterBackend;
import dev.shoal.gateway.RouteTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real docker CLI against the API over TLS with client certificates, the way Docker users
 * secure an engine ({@code docker --tlsverify --tlscacert --tlscert --tlskey}). {@code docker
 * version} pings the API ({@code /_ping}) and then asks for {@code /v1.NN/version}; while the
 * gateway serves no Docker Engine API that second request ends in a 404, which still proves the
 * request was authenticated and authorized (a 401 or 403 would come first).
 */
class SecurityDockerCliIT {
  private static final Path DOCKER = Path.of("/usr/local/bin/docker");
  @TempDir
  Path dir;
  private TlsFixture tls;
  private GatewayServer server;
  /** Every request answered, as {@code "HEAD /_ping 200 rita"}. */
  private final List<String> answered = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    TestTools.require(docker() != null, "the docker CLI is not installed");
    tls = new TlsFixture(dir);
    RouteTable recorder = routes -> routes.after(ctx -> {
      Identity id = ctx.attribute(Identity.ATTRIBUTE);
      answered.add(ctx.method().name() + " " + ctx.path() + " " + ctx.status().getCode() + " "
          + (id == null ? "-" : id.principal()));
    });
    server = new GatewayServer(new GatewayConfig(null, null, "127.0.0.1", 0, null, null).withSecurity(tls.certificates()),
        new InMemoryClusterBackend(), Clock.systemUTC(), List.of(recorder)).start();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static String docker() {
    if (Files.isExecutable(DOCKER)) {
      return DOCKER.toString();
    }
    for (String p : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!p.isEmpty() && Files.isExecutable(Path.of(p, "docker"))) {
        return Path.of(p, "docker").toString();
      }
    }
    return null;
  }

  /** Runs {@code docker -H tcp://127.0.0.1:<port> --tlsverify <tlsFlags> version}, with a config dir of its own. */
  private String[] dockerVersion(String... tlsFlags) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(docker(), "-H", "tcp://127.0.0.1:" + server.port(), "--tlsverify"));
    cmd.addAll(List.of(tlsFlags));
    cmd.add("version");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(dir.resolve("out").toFile())
        .redirectError(dir.resolve("err").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("DOCKER_"));
    pb.environment().put("DOCKER_CONFIG", Files.createDirectories(dir.resolve("docker-config")).toString());
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("docker version did not end within 60 s");
    }
    return new String[] {String.valueOf(p.exitValue()), Files.readString(dir.resolve("out"), StandardCharsets.UTF_8),
        Files.readString(dir.resolve("err"), StandardCharsets.UTF_8)};
  }

  @Test
  void theDockerCliWithAClientCertificatePingsTheApi() throws Exception {
    Path[] rita = tls.clientFiles("rita", Role.READER);
    String[] r = dockerVersion("--tlscacert", tls.caPem.toString(), "--tlscert", rita[0].toString(),
        "--tlskey", rita[1].toString());
    String all = String.join("\n", r);

    assertThat(all).doesNotContainIgnoringCase("tls:").doesNotContainIgnoringCase("certificate");
    assertThat(answered).as(all).anyMatch(a -> a.matches("(HEAD|GET) /_ping 200 rita"));
    if (r[0].equals("0")) {
      assertThat(r[1]).as("with the Docker Engine API in place").contains("Server:");
    } else {
      assertThat(r[2]).as("without it").contains("no route for GET /v1.");
      assertThat(answered).anyMatch(a -> a.matches("GET /v1\\.[0-9]+/version 404 rita"));
    }
  }

  @Test
  void theDockerCliWithoutAClientCertificateIsRefusedInTheHandshake() throws Exception {
    String[] r = dockerVersion("--tlscacert", tls.caPem.toString());
    assertThat(r[0]).isNotEqualTo("0");
    // Java's TLS answers a missing client certificate with a bad_certificate alert
    assertThat(r[2]).containsPattern("remote error: tls: (bad certificate|certificate required)");
    assertThat(answered).isEmpty();
  }
}
