package dev.shoal.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.schemas.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's tour, run as a newcomer runs it: {@code shoal dev} from the launcher jar, then every
 * command of the tour, of its Kafka block and of its docker CLI block through {@code bash}, one by
 * one, in a directory laid out like the repository ({@code ops/target/shoal.jar}, {@code data/}).
 * The commands are read from README.md ({@link ReadmeTour}), so a command the README changes or adds
 * fails here until this test knows what it should print; each one's exit status and the essentials
 * of its output are checked, and an output the README shows in a comment must be printed as shown.
 *
 * <p>What is changed, and only that: the README's ports (2375, 8080, 9092) become free ones, and the
 * audit commands, which default to Kafka on 9092, are given the test's broker. Needs the local Docker
 * engine, the test image, kcat, curl and python3: skipped without them, failed under {@code CI=true}.
 */
class ReadmeTourIT {
  /** Commands that cannot run in a test, each with the reason; matched by a fragment of the README's text. */
  private static final Map<String, String> SKIPPED = Map.of(
      "logs?follow=true", "follows the logs until Ctrl-C",
      "audit why <task-id>", "<task-id> is a placeholder for the reader to fill in");
  private static final Duration START = Duration.ofSeconds(120);
  private static final Duration SETTLE = Duration.ofSeconds(45);
  private static final Duration COMMAND = Duration.ofSeconds(120);
  private static final String IMAGE = "local/busybox:1";

  @TempDir
  Path dir;
  private Process dev;
  private Path devLog;
  private final List<String> nodeIds = new ArrayList<>();
  private final Map<String, String> env = new HashMap<>();
  /** What earlier commands printed that later ones are checked against (tokens, the first idempotent answer). */
  private final Map<String, String> learned = new HashMap<>();
  private int apiPort;
  private int publishedPort;
  private int kafkaPort;

  @Test
  void theTourRunsAsWritten() throws Exception {
    ReadmeTour readme = ReadmeTour.read(ReadmeTour.readme());
    requireTools();
    Path work = repositoryLayout();
    startDev(work, readme.readyLine);

    Expectations expect = expectations();
    List<ReadmeTour.Command> all = new ArrayList<>(readme.tour);
    all.addAll(readme.kafka);
    all.addAll(readme.docker);
    for (ReadmeTour.Command command : all) {
      String skipped = SKIPPED.entrySet().stream().filter(e -> command.text().contains(e.getKey()))
          .map(Map.Entry::getValue).findFirst().orElse(null);
      if (skipped != null) {
        System.out.println("[readme tour] skipped (" + skipped + "): " + command.text());
        continue;
      }
      Expectation e = expect.take(command.text());
      Run run = e.eventually ? eventually(work, command, e) : check(run(work, localized(command.text())), command, e);
      System.out.println("[readme tour] ok: " + command.text().lines().findFirst().orElseThrow());
      e.after.accept(run, this);
    }
    assertThat(expect.unused()).as("expectations of commands the README no longer has").isEmpty();
  }

  // ---- what each command must do ----

  /** A command's check: its run (exit status, output) and what the tour learned so far. */
  private record Expectation(String fragment, boolean eventually, BiConsumer<Run, ReadmeTourIT> check,
      BiConsumer<Run, ReadmeTourIT> after) {}

  private Expectations expectations() {
    Expectations x = new Expectations();
    // the tour
    x.eventually("curl -s http://127.0.0.1:2375/v1/nodes", (r, t) -> {
      assertThat(r.json()).hasSize(3);
      assertThat(r.json().findValuesAsText("hostname")).containsExactlyInAnyOrder("node-1", "node-2", "node-3");
      assertThat(r.json()).allSatisfy(n -> assertThat(n.get("status").asText()).isEqualTo("ready"));
    });
    x.once("cat > web.json", (r, t) -> assertThat(t.workFile("web.json")).exists());
    x.once("curl -s --json @web.json http://", (r, t) -> assertThat(r.json().get("name").asText()).isEqualTo("web"));
    x.eventually("curl -s http://127.0.0.1:2375/v1/services ", (r, t) -> {
      JsonNode web = r.json().get(0);
      assertThat(web.get("replicas").get("running").asInt()).isEqualTo(3);
      assertThat(web.get("replicas").get("desired").asInt()).isEqualTo(3);
    });
    x.eventually("curl -s \"http://127.0.0.1:2375/v1/tasks?service=web\"", (r, t) -> {
      assertThat(r.json()).hasSize(3);
      assertThat(r.json()).allSatisfy(task -> {
        assertThat(task.get("status").get("state").asText()).isEqualTo("running");
        assertThat(task.get("status").get("endpoint").asText()).startsWith("127.0.0.1:");
      });
    });
    x.eventually("logs?tail=20&timestamps=true", (r, t) -> assertThat(r.out.lines()
        .filter(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT\\S+ web\\.\\d\\.\\w+@node-\\d \\| Serving HTTP on 127\\.0\\.0\\.1 .*")))
        .hasSize(3));
    x.eventually("[\"status\"][\"endpoint\"]", (r, t) -> assertThat(r.out).startsWith("<!DOCTYPE HTML>"));
    x.eventually("curl -s http://127.0.0.1:8080/ | head -3", (r, t) -> assertThat(r.out).startsWith("<!DOCTYPE HTML>"));
    x.eventually("/v1/ingress", (r, t) -> {
      JsonNode port = r.json().get(0);
      assertThat(port.get("port").asInt()).isEqualTo(t.publishedPort);
      assertThat(port.get("service").asText()).isEqualTo("web");
      assertThat(port.get("listening").asBoolean()).isTrue();
      assertThat(port.get("tasks")).hasSize(3);
    });
    x.once("/scale", (r, t) -> assertThat(r.json().get("replicas").get("desired").asInt()).isEqualTo(5));
    x.once("V=$(", (r, t) -> assertThat(t.env.get("V")).matches("\\d+"));
    x.once("-X PUT --json @web.json", (r, t) -> {
      assertThat(r.json().get("version").asLong()).isEqualTo(Long.parseLong(t.env.get("V")) + 1);
      assertThat(r.json().get("spec").get("replicas").asInt()).isEqualTo(3);
    });
    x.once("/v1/events?since=5m", (r, t) -> assertThat(r.json().findValuesAsText("type"))
        .contains("node.joined", "service.created", "service.scaled", "service.updated"));
    x.once("-X DELETE", (r, t) -> assertThat(r.out).isEmpty());
    // the same command twice: the second answers with the change the first made (the same service
    // id, version and spec; the live counts in the answer, e.g. tasks running, may have moved on)
    x.once("Idempotency-Key: deploy-42", (r, t) -> {
      assertThat(r.json().get("name").asText()).isEqualTo("web");
      t.learned.put("idempotent", r.out);
    });
    x.once("Idempotency-Key: deploy-42", (r, t) -> {
      JsonNode first = Json.fromString(t.learned.get("idempotent"), JsonNode.class);
      JsonNode again = r.json();
      for (String field : List.of("id", "version", "spec")) {
        assertThat(again.get(field)).as(field).isEqualTo(first.get(field));
      }
    });
    x.once("\"replicas\": -1", (r, t) -> assertThat(r.json().get("message").asText()).contains("replicas"));
    x.once("{\"availability\": \"drain\"}", (r, t) -> assertThat(r.json().get("availability").asText()).isEqualTo("drain"));
    x.once("{\"labels\": {\"zone\": \"a\"}}", (r, t) -> assertThat(r.json().get("labels").get("zone").asText()).isEqualTo("a"));
    x.once("curl -s http://127.0.0.1:2375/v1/swarm/join-tokens", (r, t) -> {
      assertThat(r.json().get("worker").asText()).startsWith("SWMTKN-1-");
      assertThat(r.json().get("manager").asText()).startsWith("SWMTKN-1-");
      t.learned.put("worker", r.json().get("worker").asText());
      t.learned.put("manager", r.json().get("manager").asText());
    });
    x.once("join-tokens/rotate?role=worker", (r, t) -> {
      assertThat(r.json().get("worker").asText()).startsWith("SWMTKN-1-").isNotEqualTo(t.learned.get("worker"));
      assertThat(r.json().get("manager").asText()).isEqualTo(t.learned.get("manager"));
    });
    x.once("/v1/health", (r, t) -> assertThat(r.json().get("status").asText()).isEqualTo("ok"));
    x.once("audit verify", (r, t) -> assertThat(r.out).contains(" 0 divergences"));
    x.once("audit at 10m", (r, t) -> assertThat(r.out).contains("SERVICES").contains("TASKS").contains("NODES"));
    x.once("audit history --service web", (r, t) -> assertThat(r.out).contains("created").contains("scaled")
        .contains("replicas: 3"));
    x.once("/v1/services/web/history?limit=5", (r, t) -> {
      assertThat(r.json().get("service").asText()).isEqualTo("web");
      assertThat(r.json().get("entries").findValuesAsText("what")).contains("scaled");
    });
    // any Kafka client is a door
    x.once("echo 'web:{\"name\":\"web\"", (r, t) -> assertThat(r.out).isEmpty(), (r, t) ->
        await().atMost(SETTLE).untilAsserted(() -> {
          Http.Response web = Http.call("GET", t.api() + "/v1/services/web", null);
          assertThat(web.status()).as(web.body()).isEqualTo(200);
          assertThat(web.json().get("spec").get("command").toString()).isEqualTo("[\"sleep\",\"600\"]");
          assertThat(web.json().get("replicas").get("desired").asInt()).isEqualTo(2);
        }));
    x.once("-K: -Z <<<'web:'", (r, t) -> assertThat(r.out).isEmpty(), (r, t) ->
        await().atMost(SETTLE).untilAsserted(() ->
            assertThat(Http.call("GET", t.api() + "/v1/services/web", null).status()).isEqualTo(404)));
    x.once("kcat -C -b 127.0.0.1:9092 -t shoal.events -e", (r, t) ->
        assertThat(r.out).contains("\"type\":\"service.removed\",\"entityKind\":\"service\",\"entityId\":\"web\""));
    // the docker CLI
    x.once("export DOCKER_HOST=", (r, t) -> assertThat(t.env.get("DOCKER_HOST")).isEqualTo("tcp://127.0.0.1:" + t.apiPort));
    x.once("docker node ls", (r, t) -> assertThat(r.out).contains("node-1").contains("node-2").contains("node-3")
        .contains("shoal-control-plane"));
    x.once("docker service create --name hello", (r, t) -> assertThat(r.out).contains("converged"));
    x.once("docker service ls && docker service ps hello", (r, t) -> {
      assertThat(r.out).containsPattern("hello\\s+replicated\\s+2/2\\s+" + IMAGE + "\\s+\\*:" + t.publishedPort + "->80/tcp");
      assertThat(r.out).contains("hello scaled to 3");
    });
    x.eventually("-w '%{http_code}\\n' http://127.0.0.1:8080/", (r, t) -> assertThat(r.out).isEqualTo("200\n"));
    x.eventually("docker service logs --tail 10 -t hello", (r, t) -> assertThat(r.out + r.err)
        .containsPattern("hello\\.\\d\\.\\w+@node-\\d\\s*\\| .*response:200"));
    x.once("docker service rm hello", (r, t) -> assertThat(r.out.strip()).isEqualTo("hello"));
    x.once("cat > compose.yml", (r, t) -> assertThat(t.workFile("compose.yml")).exists());
    x.once("docker stack deploy -c compose.yml shop", (r, t) -> assertThat(r.out)
        .contains("Creating service shop_web").containsPattern("shop_web\\s+replicated\\s+\\d/2\\s+" + IMAGE));
    x.once("docker stack rm shop", (r, t) -> assertThat(r.out).contains("Removing service shop_web"));
    return x;
  }

  /** The expectations in the README's order; one is taken per command, by a fragment of its text. */
  private static final class Expectations {
    private final List<Expectation> pending = new ArrayList<>();

    void once(String fragment, BiConsumer<Run, ReadmeTourIT> check) {
      once(fragment, check, (r, t) -> {});
    }

    void once(String fragment, BiConsumer<Run, ReadmeTourIT> check, BiConsumer<Run, ReadmeTourIT> after) {
      pending.add(new Expectation(fragment, false, check, after));
    }

    /** A read that becomes true as the cluster converges: run again until it holds (as a reader would). */
    void eventually(String fragment, BiConsumer<Run, ReadmeTourIT> check) {
      pending.add(new Expectation(fragment, true, check, (r, t) -> {}));
    }

    Expectation take(String command) {
      List<Expectation> matching = pending.stream().filter(e -> command.contains(e.fragment())).toList();
      assertThat(matching).as("the README has a command this test does not know; say what it must print:\n" + command)
          .isNotEmpty();
      assertThat(matching.stream().map(Expectation::fragment).distinct())
          .as("more than one expectation fits the README's command\n" + command).hasSize(1);
      pending.remove(matching.get(0));
      return matching.get(0);
    }

    List<String> unused() {
      return pending.stream().map(Expectation::fragment).toList();
    }
  }

  // ---- running the commands ----

  /** What one command did. */
  record Run(String command, int exit, String out, String err) {
    JsonNode json() {
      try {
        return Json.MAPPER.readTree(out);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + this, e);
      }
    }

    @Override
    public String toString() {
      return "`" + command + "` exited " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }
  }

  private Run check(Run run, ReadmeTour.Command command, Expectation e) {
    assertThat(run.exit()).as(run.toString()).isZero();
    if (command.promisedOutput() != null) {
      assertThat(run.out().strip()).as("the README promises this output of\n" + command.text())
          .isEqualTo(command.promisedOutput());
    }
    try {
      e.check.accept(run, this);
    } catch (AssertionError | RuntimeException failure) {
      throw new AssertionError(run + "\n" + failure.getMessage() + "\nshoal dev's log:\n" + logTail(), failure);
    }
    return run;
  }

  private Run eventually(Path work, ReadmeTour.Command command, Expectation e) {
    Run[] last = new Run[1];
    try {
      await().atMost(SETTLE).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
        last[0] = run(work, localized(command.text()));
        check(last[0], command, e);
      });
    } catch (ConditionTimeoutException timeout) {
      check(last[0], command, e); // the last run's failure, with its output
    }
    return last[0];
  }

  private static final Pattern ASSIGNMENT = Pattern.compile("^(?:export )?([A-Za-z_][A-Za-z0-9_]*)=");
  private static final Pattern AUDIT = Pattern.compile("(shoal\\.jar audit \\w+)");

  /** The README's ports become the test's; the audit commands (Kafka on 9092 by default) get its broker. */
  private String localized(String command) {
    String c = command.replaceAll("\\b2375\\b", String.valueOf(apiPort))
        .replaceAll("\\b8080\\b", String.valueOf(publishedPort))
        .replaceAll("\\b9092\\b", String.valueOf(kafkaPort));
    return AUDIT.matcher(c).replaceFirst("$1 --bootstrap-servers 127.0.0.1:" + kafkaPort);
  }

  /**
   * {@code bash -c COMMAND} in the repository-like directory. A shell variable the command sets
   * ({@code V=$(...)}, {@code export DOCKER_HOST=...}) is kept for the commands after it, as the
   * reader's shell would keep it.
   */
  private Run run(Path work, String command) {
    Matcher assignment = ASSIGNMENT.matcher(command);
    String variable = assignment.find() ? assignment.group(1) : null;
    String script = variable == null ? command : command + "\nprintf '%s' \"$" + variable + "\"";
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", script).directory(work.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("DOCKER_"));
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      CompletableFuture<String> out = readAll(p.getInputStream());
      CompletableFuture<String> err = readAll(p.getErrorStream());
      if (!p.waitFor(COMMAND.toSeconds(), TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new AssertionError("`" + command + "` did not end within " + COMMAND + "\nshoal dev's log:\n" + logTail());
      }
      Run run = new Run(command, p.exitValue(), out.join(), err.join());
      if (variable != null && run.exit() == 0) {
        env.put(variable, run.out());
        run = new Run(command, run.exit(), "", run.err());
      }
      return run;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static CompletableFuture<String> readAll(InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try (in) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "<unreadable: " + e + ">";
      }
    });
  }

  // ---- the cluster ----

  /** A directory where the README's relative paths hold: {@code ops/target/shoal.jar}, and {@code data/} once dev runs. */
  private Path repositoryLayout() throws IOException {
    Path work = Files.createDirectories(dir.resolve("repo"));
    Files.createDirectories(work.resolve("ops/target"));
    Files.createSymbolicLink(work.resolve("ops/target/shoal.jar"), Path.of(Launcher.jar()).toAbsolutePath());
    // the reader's own docker config, contexts and audit cache stay out of it
    env.put("DOCKER_CONFIG", Files.createDirectories(dir.resolve("docker-config")).toString());
    env.put("DOCKER_CLI_HINTS", "false");
    env.put("XDG_CACHE_HOME", Files.createDirectories(dir.resolve("cache")).toString());
    return work;
  }

  private Path workFile(String name) {
    return dir.resolve("repo").resolve(name);
  }

  private void startDev(Path work, String readyLine) throws IOException {
    apiPort = freePort();
    publishedPort = freePort();
    kafkaPort = freePort();
    devLog = dir.resolve("shoal-dev.log");
    String java = ProcessHandle.current().info().command().orElse("java");
    // the README's command, with the test's ports; data/ is the default data directory
    dev = new ProcessBuilder(java, "-Xmx768m", "-jar", "ops/target/shoal.jar", "dev",
        "--api-port", String.valueOf(apiPort), "--kafka-port", String.valueOf(kafkaPort))
        .directory(work.toFile()).redirectErrorStream(true).redirectOutput(devLog.toFile()).start();
    await().atMost(START).pollInterval(Duration.ofMillis(250)).until(() -> {
      if (!dev.isAlive()) {
        throw new AssertionError("shoal dev ended:\n" + logTail());
      }
      return Files.readString(devLog).contains(readyLine);
    });
    assertThat(Files.readString(devLog)).as("the API's address, as the tour says").contains("http://127.0.0.1:" + apiPort);
    await().atMost(START).until(() -> Http.call("GET", api() + "/v1/nodes", null).status() == 200);
    Http.call("GET", api() + "/v1/nodes", null).json().forEach(n -> nodeIds.add(n.get("id").asText()));
  }

  private String api() {
    return "http://127.0.0.1:" + apiPort;
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(devLog);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException | RuntimeException e) {
      return "<no log: " + e + ">";
    }
  }

  @AfterEach
  void stopDev() throws Exception {
    if (dev == null) {
      return;
    }
    List<ProcessHandle> tasks = dev.descendants().toList(); // the process driver's tasks
    dev.destroy();
    if (!dev.waitFor(40, TimeUnit.SECONDS)) {
      dev.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    tasks.forEach(ProcessHandle::destroyForcibly);
    // containers its agents started, found by their node-id label, so nothing is left on the engine
    for (String node : nodeIds) {
      Process ids = new ProcessBuilder("docker", "ps", "-aq", "--filter", "label=dev.shoal.node.id=" + node).start();
      List<String> containers = new String(ids.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
          .filter(s -> !s.isBlank()).toList();
      ids.waitFor(30, TimeUnit.SECONDS);
      if (!containers.isEmpty()) {
        List<String> rm = new ArrayList<>(List.of("docker", "rm", "-f"));
        rm.addAll(containers);
        new ProcessBuilder(rm).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
            .waitFor(60, TimeUnit.SECONDS);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** The tour needs what the README's setup installs; without it the test is skipped, or fails under CI=true. */
  private static void requireTools() throws Exception {
    Map<String, List<String>> probes = new LinkedHashMap<>();
    probes.put("the local Docker engine (scripts/setup-machine.sh starts it)", List.of("docker", "version", "--format", "{{.Server.Version}}"));
    probes.put("the test image " + IMAGE + " (scripts/setup-machine.sh builds it)", List.of("docker", "image", "inspect", IMAGE));
    probes.put("kcat", List.of("kcat", "-V"));
    probes.put("curl", List.of("curl", "--version"));
    probes.put("python3", List.of("python3", "--version"));
    for (Map.Entry<String, List<String>> probe : probes.entrySet()) {
      String problem = null;
      try {
        ProcessBuilder pb = new ProcessBuilder(probe.getValue()).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().keySet().removeIf(k -> k.startsWith("DOCKER_"));
        Process p = pb.start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
          problem = probe.getKey() + " is not usable";
        }
      } catch (IOException e) {
        problem = probe.getKey() + " is missing: " + e.getMessage();
      }
      if (problem != null) {
        if ("true".equals(System.getenv("CI"))) {
          throw new AssertionError("the README tour needs it under CI: " + problem);
        }
        Assumptions.abort("the README tour skipped: " + problem);
      }
    }
  }
}
