package dev.shoal.ops.docker;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * {@code shoal dev} with the Docker runtime as a separate process — the cluster a user starts —
 * shared by the Docker-surface ITs of this JVM, since starting Kafka, the orchestrator, the gateway
 * and two agents takes a while. It needs the local Docker engine, the {@code docker} CLI and the test
 * image: without them the tests are skipped with the reason, and under {@code CI=true} they fail.
 * Stopping it removes every container its agents created (found by their node-id label), so nothing
 * is left on the shared engine.
 */
final class ShoalDevCluster implements AutoCloseable {
  static final String IMAGE = "local/busybox:1";
  static final int AGENTS = 2;
  private static final Duration START = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static ShoalDevCluster shared;

  final int apiPort;
  final Path dataDir;
  final DockerCli docker;
  final DockerCli engine;
  private final Process process;
  private final Path log;
  private final List<String> nodeIds = new ArrayList<>();

  /** The cluster of this JVM, started on first use and stopped when the JVM ends. */
  static synchronized ShoalDevCluster shared() {
    if (shared == null) {
      requireDocker();
      shared = new ShoalDevCluster();
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "shoal-dev-cluster-stop"));
    }
    return shared;
  }

  private ShoalDevCluster() {
    try {
      apiPort = freePort();
      int kafkaPort = freePort();
      dataDir = Files.createTempDirectory("shoal-docker-it");
      log = dataDir.resolve("shoal-dev.log");
      String jar = System.getProperty("shoal.jar", "ops/target/shoal.jar");
      process = new ProcessBuilder("java", "-Xmx768m", "-jar", jar, "dev", "--api-port", String.valueOf(apiPort),
          "--kafka-port", String.valueOf(kafkaPort), "--data-dir", dataDir.toString(), "--runtime", "docker",
          "--agents", String.valueOf(AGENTS),
          // the tests bind-mount their own temporary directories; nothing else on the host
          "--allow-bind-mount", System.getProperty("java.io.tmpdir"))
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path config = dataDir.resolve("docker-config");
    try {
      Files.createDirectories(config);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    docker = new DockerCli("tcp://127.0.0.1:" + apiPort, config);
    engine = new DockerCli(null, config);
    try {
      await().atMost(START).pollInterval(Duration.ofMillis(250)).until(() -> {
        if (!process.isAlive()) {
          throw new AssertionError("shoal dev ended:\n" + logTail());
        }
        JsonNode nodes = get("/v1/nodes");
        return nodes != null && nodes.size() == AGENTS
            && nodes.findValues("status").stream().allMatch(s -> s.asText().equals("ready"));
      });
    } catch (RuntimeException | AssertionError e) {
      close();
      throw new AssertionError("shoal dev did not come up within " + START + ":\n" + logTail(), e);
    }
    get("/v1/nodes").forEach(n -> nodeIds.add(n.get("id").asText()));
  }

  String api() {
    return "http://127.0.0.1:" + apiPort;
  }

  /** A GET on the gateway as JSON, or null when it does not answer 200. */
  JsonNode get(String path) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(api() + path))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Any request on the gateway: status and body. */
  HttpResponse<String> send(String method, String path, String body) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(api() + path)).timeout(Duration.ofSeconds(20))
          .header("Content-Type", "application/json")
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
          .build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "<no log: " + e + ">";
    }
  }

  @Override
  public synchronized void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (String node : nodeIds) {
      DockerCli.Result ids = engine.run("ps", "-aq", "--filter", "label=dev.shoal.node.id=" + node);
      List<String> containers = ids.lines().stream().filter(s -> !s.isBlank()).toList();
      if (!containers.isEmpty()) {
        List<String> rm = new ArrayList<>(List.of("rm", "-f"));
        rm.addAll(containers);
        engine.run(rm);
      }
    }
    nodeIds.clear();
    deleteTree(dataDir);
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp dir left behind is not worth failing a test run for
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** The engine, the CLI and the test image, or the reason they are not usable (a failure under CI=true). */
  private static void requireDocker() {
    Path config = DockerCli.emptyConfig();
    DockerCli local = new DockerCli(null, config);
    String problem = null;
    try {
      if (local.run("version", "--format", "{{.Server.Version}}").exit() != 0) {
        problem = "the local Docker engine does not answer (scripts/setup-machine.sh starts one)";
      } else if (local.run("image", "inspect", IMAGE).exit() != 0) {
        problem = "the test image " + IMAGE + " is missing (scripts/build-test-image.sh builds it)";
      }
    } catch (UncheckedIOException e) {
      problem = "the docker CLI cannot be run: " + e.getCause().getMessage();
    } finally {
      deleteTree(config);
    }
    if (problem != null) {
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError("Docker surface ITs need Docker under CI: " + problem);
      }
      Assumptions.abort("Docker surface ITs skipped: " + problem);
    }
  }
}
