package dev.shoal.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.shoal.gateway.security.ClientTls;
import dev.shoal.schemas.Topics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API's security as a user meets it through the launcher jar: flags that would leave the API
 * open or cannot work are one-line usage errors, and {@code shoal dev --tls} makes its certificates
 * and prints lines that work as printed — for curl, for the JDK's client and for the docker CLI —
 * with the certificate's CN recorded as the principal on what reaches Kafka.
 */
class SecurityLauncherIT {
  private static final Duration RUN = Duration.ofSeconds(60);
  @TempDir
  Path dir;
  private Launcher shoal;
  private final List<Launcher.Running> started = new ArrayList<>();

  @BeforeEach
  void setUp() {
    shoal = new Launcher(dir, Map.of("DOCKER_HOST", "unix://" + dir.resolve("no-engine.sock")));
  }

  @AfterEach
  void stop() throws Exception {
    for (Launcher.Running r : started) {
      r.process().destroy();
      if (!r.process().waitFor(30, TimeUnit.SECONDS)) {
        r.process().destroyForcibly();
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void assertUsageError(Launcher.Result r, String command, String reason) {
    assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isEqualTo(2);
    assertThat(r.stderrLines()).hasSize(2);
    assertThat(r.stderrLines().get(0)).startsWith("shoal " + command + ": ").contains(reason);
    assertThat(r.stderrLines().get(1)).isEqualTo("see: shoal help " + command);
  }

  @Test
  void flagsThatLeaveTheApiOpenOrCannotWorkAreUsageErrors() throws Exception {
    String kafka = "127.0.0.1:" + freePort();
    assertUsageError(shoal.run(RUN, "gateway", "--bootstrap-servers", kafka, "--api-host", "0.0.0.0"), "gateway",
        "refusing to serve the API on 0.0.0.0 without authentication");

    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, "0123456789abcdef0123 ci admin\n");
    Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString("rw-r--r--"));
    assertUsageError(shoal.run(RUN, "gateway", "--bootstrap-servers", kafka, "--api-tokens", tokens.toString()),
        "gateway", "is accessible by others (mode rw-r--r--): chmod 600 " + tokens);
    Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString("rw-------"));
    assertUsageError(shoal.run(RUN, "gateway", "--bootstrap-servers", kafka, "--api-host", "0.0.0.0",
        "--api-tokens", tokens.toString()), "gateway", "with bearer tokens over plain HTTP");

    assertUsageError(shoal.run(RUN, "gateway", "--bootstrap-servers", kafka, "--tls-verify"), "gateway",
        "--tls-verify needs --tls-ca");
    assertUsageError(shoal.run(RUN, "gateway", "--bootstrap-servers", kafka, "--tls-cert", dir.resolve("nope.pem").toString(),
        "--tls-key", dir.resolve("nope-key.pem").toString()), "gateway", "cannot read " + dir.resolve("nope.pem"));
    assertUsageError(shoal.run(RUN, "dev", "--tls", "--tls-cert", "x.pem", "--tls-key", "y.pem"), "dev",
        "give --tls (certificates made in the data directory) or the --tls-* files, not both");
  }

  @Test
  void devWithTlsMakesCertificatesAndPrintsLinesThatWork() throws Exception {
    int apiPort = freePort();
    int kafkaPort = freePort();
    Path data = dir.resolve("data");
    Launcher.Running dev = shoal.start("dev", "--tls", "--agents", "0", "--data-dir", data.toString(),
        "--api-port", String.valueOf(apiPort), "--kafka-port", String.valueOf(kafkaPort));
    started.add(dev);
    await().atMost(Duration.ofSeconds(120)).until(() -> dev.output().contains("Ctrl-C stops") || !dev.process().isAlive());
    assertThat(dev.process().isAlive()).as(dev.output()).isTrue();
    String out = dev.output();

    Path tls = data.resolve("tls").toAbsolutePath();
    for (String f : List.of("ca.pem", "cert.pem", "server-cert.pem")) {
      assertThat(tls.resolve(f)).exists();
    }
    for (String f : List.of("ca-key.pem", "key.pem", "server-key.pem")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.resolve(f)))).as(f).isEqualTo("rw-------");
    }
    String url = "https://127.0.0.1:" + apiPort;
    assertThat(out).contains("  docker: export DOCKER_HOST=tcp://127.0.0.1:" + apiPort + " DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=" + tls + "\n");
    String curlLine = out.lines().filter(l -> l.startsWith("  curl:   ")).findFirst().orElseThrow().substring(10);
    assertThat(curlLine).isEqualTo("curl --cacert " + tls.resolve("ca.pem") + " --cert " + tls.resolve("cert.pem")
        + " --key " + tls.resolve("key.pem") + " " + url + "/v1/nodes");

    // The curl line as printed
    Process curl = new ProcessBuilder("bash", "-c", curlLine + " -sS").redirectErrorStream(true).start();
    assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("[]");

    // Without the client certificate: no handshake
    HttpClient anonymous = HttpClient.newBuilder().sslContext(ClientTls.trusting(tls.resolve("ca.pem"))).build();
    assertThatThrownBy(() -> anonymous.send(HttpRequest.newBuilder(URI.create(url + "/v1/nodes")).build(),
        HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);

    // With it: a change, recorded in Kafka under the certificate's CN
    SSLContext admin = ClientTls.ofDockerCertPath(tls);
    HttpResponse<String> created = HttpClient.newBuilder().sslContext(admin).build().send(
        HttpRequest.newBuilder(URI.create(url + "/v1/services")).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"web\",\"command\":[\"sleep\",\"60\"],\"replicas\":0}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).as(created.body()).isIn(201, 202);
    assertThat(principalOfSpec("127.0.0.1:" + kafkaPort, "web")).isEqualTo(expectedPrincipal());

    dockerCliWorksWithThePrintedEnvironment(apiPort, tls);
  }

  /** {@code DOCKER_HOST}, {@code DOCKER_TLS_VERIFY} and {@code DOCKER_CERT_PATH} as printed, then {@code docker version}. */
  private void dockerCliWorksWithThePrintedEnvironment(int apiPort, Path tls) throws Exception {
    String docker = Files.isExecutable(Path.of("/usr/local/bin/docker")) ? "/usr/local/bin/docker" : "docker";
    ProcessBuilder pb = new ProcessBuilder(docker, "version").redirectOutput(dir.resolve("docker.out").toFile())
        .redirectError(dir.resolve("docker.err").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("DOCKER_"));
    pb.environment().putAll(Map.of("DOCKER_HOST", "tcp://127.0.0.1:" + apiPort, "DOCKER_TLS_VERIFY", "1",
        "DOCKER_CERT_PATH", tls.toString(), "DOCKER_CONFIG", Files.createDirectories(dir.resolve("docker-config")).toString()));
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new AssertionError("the docker CLI is not installed (CI=true, so this fails)", e);
      }
      org.junit.jupiter.api.Assumptions.abort("the docker CLI is not installed: " + e.getMessage());
      return;
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String stdout = Files.readString(dir.resolve("docker.out"));
    String stderr = Files.readString(dir.resolve("docker.err"));
    assertThat(stdout + stderr).doesNotContainIgnoringCase("tls:").doesNotContainIgnoringCase("x509");
    if (p.exitValue() == 0) {
      assertThat(stdout).as("with the Docker Engine API in place").contains("Server:");
    } else {
      // Past TLS, authentication and the role check, the gateway has no engine route yet.
      assertThat(stderr).as("without it").contains("no route for GET /v1.");
    }
  }

  private static String expectedPrincipal() {
    String user = System.getProperty("user.name", "");
    return dev.shoal.schemas.Identifiers.token(user) && !user.contains(",") && !user.contains("=") ? user : "admin";
  }

  /** The principal header of the newest record for {@code key} on the spec topic. */
  private static String principalOfSpec(String bootstrap, String key) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "security-launcher-it");
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      c.subscribe(List.of(Topics.defaults().specs.name()));
      List<String> principals = new ArrayList<>();
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
          Header h = r.headers().lastHeader("shoal-principal");
          if (key.equals(r.key()) && h != null) {
            principals.add(new String(h.value(), StandardCharsets.UTF_8));
          }
        }
        return !principals.isEmpty();
      });
      return principals.get(principals.size() - 1);
    }
  }
}
