package dev.shoal.ops.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 end to end: the real docker CLI ({@code DOCKER_HOST=tcp://127.0.0.1:<port>}) against a
 * {@code shoal dev} cluster whose agents run containers on the local engine. Each test checks the
 * CLI's output and exit status and removes what it created. Attached commands use 500 ms monitor
 * windows (the CLI waits that long after convergence) to keep the class short.
 */
class DockerCliIT {
  private static final Duration CONVERGE = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static ShoalDevCluster cluster;
  private static DockerCli docker;

  @BeforeAll
  static void start() {
    cluster = ShoalDevCluster.shared();
    docker = cluster.docker;
  }

  private static String unique(String prefix) {
    return prefix + UUID.randomUUID().toString().substring(0, 6);
  }

  private static JsonNode json(DockerCli.Result r) {
    try {
      return JSON.readTree(r.ok().out());
    } catch (IOException e) {
      throw new AssertionError(r.toString(), e);
    }
  }

  private static void awaitReplicas(String service, String replicas) {
    await().atMost(CONVERGE).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
        assertThat(docker.run("service", "ls", "--filter", "name=" + service).ok().out())
            // when it fails: where the tasks are and why, as the CLI says
            .as(() -> docker.run("service", "ps", "--no-trunc", service).out() + docker.run("node", "ls").out())
            .containsPattern(service + "\\s+\\S+\\s+" + replicas + "\\s"));
  }

  // ---- system ----

  @Test
  void versionAndInfoDescribeShoalAsASwarmManager() {
    DockerCli.Result version = docker.run("version").ok();
    assertThat(version.out()).contains("API version:       1.41 (downgraded from 1.50)")
        .contains("API version:      1.41 (minimum version 1.24)").contains("shoal-");
    DockerCli.Result info = docker.run("info").ok();
    assertThat(info.out()).contains("Swarm: active").contains("Is Manager: true").contains("Managers: 1")
        .contains("Nodes: " + (ShoalDevCluster.AGENTS + 1)).contains("Name: shoal-control-plane");
    assertThat(info.err()).doesNotContain("WARNING");
  }

  // ---- nodes ----

  @Test
  void nodesAreListedInspectedUpdatedPromotedAndTheirTasksShown() {
    List<String> ls = docker.run("node", "ls").ok().lines();
    assertThat(ls.get(0)).startsWith("ID").contains("HOSTNAME").contains("MANAGER STATUS");
    assertThat(ls).anySatisfy(l -> assertThat(l).contains(" * ").contains("shoal-control-plane").contains("Ready")
        .contains("Drain").contains("Leader"));
    assertThat(ls).anySatisfy(l -> assertThat(l).contains("node-1").contains("Ready").contains("Active"));
    assertThat(ls).hasSize(ShoalDevCluster.AGENTS + 2);

    assertThat(json(docker.run("node", "inspect", "self")).get(0).get("Description").get("Hostname").asText())
        .isEqualTo("shoal-control-plane");
    assertThat(docker.run("node", "inspect", "--pretty", "node-1").ok().out()).contains("Hostname:").contains("node-1")
        .contains("State:").contains("Ready").contains("Availability:").contains("Active");
    try {
      assertThat(docker.run("node", "update", "--availability", "drain", "node-2").ok().out().trim()).isEqualTo("node-2");
      assertThat(field("node-2", "{{.Spec.Availability}}")).isEqualTo("drain");
      docker.run("node", "update", "--availability", "active", "--label-add", "zone=a", "--label-add", "disk=ssd", "node-2").ok();
      assertThat(field("node-2", "{{.Spec.Availability}} {{json .Spec.Labels}}"))
          .isEqualTo("active {\"disk\":\"ssd\",\"zone\":\"a\"}");
      docker.run("node", "update", "--label-rm", "zone", "node-2").ok();
      assertThat(field("node-2", "{{json .Spec.Labels}}")).isEqualTo("{\"disk\":\"ssd\"}");
      assertThat(docker.run("node", "promote", "node-2").ok().out()).contains("Node node-2 promoted to a manager");
      assertThat(field("node-2", "{{.Spec.Role}}")).isEqualTo("manager");
      assertThat(docker.run("info").ok().out()).contains("Managers: 2");
      assertThat(docker.run("node", "demote", "node-2").ok().out()).contains("Manager node-2 demoted");
      assertThat(field("node-2", "{{.Spec.Role}}")).isEqualTo("worker");
    } finally {
      docker.run("node", "update", "--availability", "active", "--label-rm", "zone", "--label-rm", "disk", "--role", "worker",
          "node-2");
    }
    assertThat(docker.run("node", "ps", "node-1").ok().lines().get(0)).startsWith("ID").contains("DESIRED STATE");
    DockerCli.Result rm = docker.run("node", "rm", "node-1");
    assertThat(rm.exit()).as(rm.toString()).isEqualTo(1);
    assertThat(rm.err()).contains("is not down");
    DockerCli.Result cp = docker.run("node", "update", "--availability", "active", "shoal-control-plane");
    assertThat(cp.exit()).isEqualTo(1);
    assertThat(cp.err()).contains("not supported: the control plane node");
  }

  private static String field(String node, String format) {
    return docker.run("node", "inspect", "-f", format, node).ok().out().trim();
  }

  // ---- swarm ----

  @Test
  void joinTokensArePrintedAndRotatedAndInitAndJoinSayHowShoalDoesIt() {
    String worker = docker.run("swarm", "join-token", "-q", "worker").ok().out().trim();
    assertThat(worker).isEqualTo(cluster.get("/v1/swarm/join-tokens").get("worker").asText());
    assertThat(docker.run("swarm", "join-token", "manager").ok().out())
        .contains("To add a manager to this swarm, run the following command:")
        .contains(cluster.get("/v1/swarm/join-tokens").get("manager").asText());
    DockerCli.Result rotated = docker.run("swarm", "join-token", "--rotate", "worker").ok();
    String fresh = cluster.get("/v1/swarm/join-tokens").get("worker").asText();
    assertThat(fresh).isNotEqualTo(worker);
    assertThat(rotated.out()).contains("Successfully rotated worker join token.").contains(fresh);

    DockerCli.Result init = docker.run("swarm", "init");
    assertThat(init.exit()).isEqualTo(1);
    assertThat(init.err()).contains("shoal dev").contains("shoal agent");
    DockerCli.Result join = docker.run("swarm", "join", "--token", fresh, "127.0.0.1:2377");
    assertThat(join.exit()).isEqualTo(1);
    assertThat(join.err()).contains("shoal agent").contains("--join-token");
  }

  // ---- services ----

  @Test
  void aServiceIsCreatedScaledUpdatedRolledBackAndRemovedAsWithAnEngine() throws Exception {
    String web = unique("web");
    String other = unique("other");
    int port = ShoalDevCluster.freePort();
    try {
      DockerCli.Result create = docker.run("service", "create", "--name", web, "--replicas", "2", "-p", port + ":80",
          "--env", "A=1", "--label", "team=x", "--update-monitor", "500ms", "--rollback-monitor", "500ms",
          ShoalDevCluster.IMAGE, "/bin/httpd", "-f", "-p", "80").ok();
      String id = create.lines().stream().filter(l -> l.matches("[0-9a-z]{25}")).findFirst().orElseThrow(
          () -> new AssertionError("no service id in " + create));
      assertThat(create.out()).contains("overall progress: 2 out of 2 tasks").contains("verify: Service " + id + " converged");
      assertThat(create.err()).contains("could not be accessed on a registry to record");

      assertThat(docker.run("service", "ls").ok().lines()).anySatisfy(l -> assertThat(l)
          .startsWith(id.substring(0, 12)).contains(web).contains("replicated").contains("2/2")
          .contains(ShoalDevCluster.IMAGE).contains("*:" + port + "->80/tcp"));
      List<String> ps = docker.run("service", "ps", web).ok().lines();
      assertThat(ps.get(0)).startsWith("ID").contains("CURRENT STATE");
      assertThat(ps.subList(1, ps.size())).hasSize(2).allSatisfy(l -> assertThat(l).contains("Running"))
          .anySatisfy(l -> assertThat(l).contains(web + ".1")).anySatisfy(l -> assertThat(l).contains(web + ".2"));
      assertThat(docker.run("service", "ps", "--no-trunc", web).ok().lines().get(1)).matches("[0-9a-z]{25}\\s.*");
      JsonNode inspect = json(docker.run("service", "inspect", web)).get(0);
      assertThat(inspect.get("ID").asText()).isEqualTo(id);
      assertThat(inspect.get("Spec").get("TaskTemplate").get("ContainerSpec").get("Env").toString()).isEqualTo("[\"A=1\"]");
      assertThat(docker.run("service", "inspect", "--pretty", web).ok().out()).contains("Name:\t\t" + web)
          .contains("Replicas:\t2").contains("team=x").contains("PublishedPort = " + port);

      docker.run("service", "create", "--detach", "--name", other, ShoalDevCluster.IMAGE, "/bin/sleep", "600").ok();
      DockerCli.Result scale = docker.run("service", "scale", web + "=3", other + "=2").ok();
      assertThat(scale.out()).contains(web + " scaled to 3").contains(other + " scaled to 2")
          .contains("overall progress: 3 out of 3 tasks").contains("overall progress: 2 out of 2 tasks")
          .contains("verify: Service " + web + " converged").contains("verify: Service " + other + " converged");
      assertThat(docker.run("service", "ls", "--filter", "name=" + web).ok().out()).contains("3/3");

      DockerCli.Result update = docker.run("service", "update", "--env-add", "B=2", "--env-rm", "A", web).ok();
      assertThat(update.out()).contains("overall progress: 3 out of 3 tasks").contains("converged");
      assertThat(json(docker.run("service", "inspect", web)).get(0).get("Spec").get("TaskTemplate").get("ContainerSpec")
          .get("Env").toString()).isEqualTo("[\"B=2\"]");
      assertThat(docker.run("service", "ps", "-f", "desired-state=running", web).ok().lines()).hasSize(4);
      assertThat(docker.run("service", "ps", web).ok().out()).contains("\\_ " + web + ".1").contains("Shutdown");

      docker.run("service", "update", "--image", ShoalDevCluster.IMAGE, "--force", web).ok();
      assertThat(json(docker.run("service", "inspect", web)).get(0).get("Spec").get("TaskTemplate").get("ForceUpdate")
          .asInt()).isEqualTo(1);
      DockerCli.Result rollback = docker.run("service", "rollback", web).ok();
      assertThat(rollback.out()).contains("rollback:").contains("converged");
      assertThat(json(docker.run("service", "inspect", web)).get(0).get("Spec").get("TaskTemplate").get("ForceUpdate")
          .asInt()).isZero();
      docker.run("service", "update", "--replicas", "2", web).ok();
      assertThat(docker.run("service", "ls", "--filter", "name=" + web).ok().out()).contains("2/2");
      assertThat(docker.run("service", "update", "--rollback", web).ok().out()).contains("converged");
      assertThat(docker.run("service", "inspect", "-f", "{{.Spec.Mode.Replicated.Replicas}}", web).ok().out().trim())
          .isEqualTo("3");

      // busybox httpd prints nothing: an empty stream and exit 0, as capture 25 (DockerServiceLogsIT reads lines)
      DockerCli.Result logs = docker.run("service", "logs", web).ok();
      assertThat(logs.out()).isEmpty();

      assertThat(docker.run("service", "rm", web, other).ok().lines()).containsExactly(web, other);
    } finally {
      docker.run("service", "rm", web, other); // after a failure; refused for what is gone already
    }
    DockerCli.Result gone = docker.run("service", "inspect", web);
    assertThat(gone.exit()).isEqualTo(1);
    assertThat(gone.err()).contains("no such service: " + web);
  }

  @Test
  void everyFlagOfTheIssueReachesTheContainer(@TempDir Path data) throws Exception {
    String name = unique("full");
    String global = unique("glob");
    Files.writeString(data.resolve("index.html"), "hello");
    // The task runs as nobody with /data as its working directory: a temporary directory is the owner's alone.
    Files.setPosixFilePermissions(data, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    try {
      docker.run("service", "create", "--detach", "--name", name, "--replicas", "1", "--env", "X=1", "--label", "a=b",
          "--constraint", "node.role==worker", "--placement-pref", "spread=node.labels.zone",
          "--replicas-max-per-node", "1", "--reserve-cpu", "0.1", "--reserve-memory", "16M", "--limit-cpu", "0.5",
          "--limit-memory", "64M", "--restart-condition", "on-failure", "--restart-delay", "1s",
          "--restart-max-attempts", "3", "--restart-window", "10s", "--update-parallelism", "1", "--update-delay", "1s",
          "--update-failure-action", "rollback", "--update-order", "start-first", "--update-monitor", "1s",
          "--update-max-failure-ratio", "0.5", "--rollback-parallelism", "2", "--rollback-delay", "1s",
          "--rollback-failure-action", "continue", "--rollback-order", "stop-first", "--rollback-monitor", "1s",
          "--rollback-max-failure-ratio", "0.2", "--health-cmd", "true", "--health-interval", "1s",
          "--health-retries", "2", "--stop-signal", "SIGINT", "--stop-grace-period", "2s",
          "--mount", "type=bind,source=" + data + ",target=/data,readonly", "--workdir", "/data", "--user", "nobody",
          ShoalDevCluster.IMAGE, "/bin/httpd", "-f", "-p", "8080").ok();
      docker.run("service", "create", "--detach", "--mode", "global", "--name", global, ShoalDevCluster.IMAGE,
          "/bin/sleep", "600").ok();
      awaitReplicas(name, "1/1");
      awaitReplicas(global, ShoalDevCluster.AGENTS + "/" + ShoalDevCluster.AGENTS);
      assertThat(docker.run("service", "ls", "--filter", "name=" + global).ok().out()).contains("global");

      JsonNode spec = json(docker.run("service", "inspect", name)).get(0).get("Spec");
      assertThat(spec.get("UpdateConfig").toString()).isEqualTo("{\"Parallelism\":1,\"Delay\":1000000000,"
          + "\"FailureAction\":\"rollback\",\"Monitor\":1000000000,\"MaxFailureRatio\":0.5,\"Order\":\"start-first\"}");
      assertThat(spec.get("RollbackConfig").toString()).isEqualTo("{\"Parallelism\":2,\"Delay\":1000000000,"
          + "\"FailureAction\":\"continue\",\"Monitor\":1000000000,\"MaxFailureRatio\":0.2,\"Order\":\"stop-first\"}");
      assertThat(spec.get("TaskTemplate").get("Placement").toString()).isEqualTo("{\"Constraints\":[\"node.role==worker\"],"
          + "\"Preferences\":[{\"Spread\":{\"SpreadDescriptor\":\"node.labels.zone\"}}],\"MaxReplicas\":1}");
      assertThat(spec.get("TaskTemplate").get("RestartPolicy").toString()).isEqualTo("{\"Condition\":\"on-failure\","
          + "\"Delay\":1000000000,\"MaxAttempts\":3,\"Window\":10000000000}");
      assertThat(spec.get("TaskTemplate").get("Resources").toString()).isEqualTo("{\"Limits\":{\"NanoCPUs\":500000000,"
          + "\"MemoryBytes\":67108864},\"Reservations\":{\"NanoCPUs\":100000000,\"MemoryBytes\":16777216}}");

      // What the agent made of it, on the engine itself.
      String task = cluster.get("/v1/tasks?service=" + name + "&desired-state=running").get(0).get("id").asText();
      JsonNode c = json(cluster.engine.run("inspect", "--type", "container", name + ".1." + task)).get(0);
      assertThat(c.get("Config").get("Env").toString()).contains("X=1");
      assertThat(c.get("Config").get("WorkingDir").asText()).isEqualTo("/data");
      assertThat(c.get("Config").get("User").asText()).isEqualTo("nobody");
      assertThat(c.get("Config").get("StopSignal").asText()).isEqualTo("SIGINT");
      assertThat(c.get("Config").get("Cmd").toString()).isEqualTo("[\"/bin/httpd\",\"-f\",\"-p\",\"8080\"]");
      assertThat(c.get("Config").get("Healthcheck").get("Test").toString()).isEqualTo("[\"CMD-SHELL\",\"true\"]");
      assertThat(c.get("HostConfig").get("Memory").asLong()).isEqualTo(64L << 20);
      assertThat(c.get("HostConfig").get("NanoCpus").asLong()).isEqualTo(500_000_000L);
      assertThat(c.get("Mounts").get(0).get("Destination").asText()).isEqualTo("/data");
      assertThat(c.get("Mounts").get(0).get("RW").asBoolean()).isFalse();
    } finally {
      docker.run("service", "rm", name, global);
    }
  }

  // ---- errors ----

  @Test
  void errorsReadAsTheEngineWritesThem() {
    DockerCli.Result inspect = docker.run("service", "inspect", "nosuch");
    assertThat(inspect.exit()).isEqualTo(1);
    assertThat(inspect.out().trim()).isEqualTo("[]");
    assertThat(inspect.err()).contains("no such service: nosuch");
    DockerCli.Result ps = docker.run("service", "ps", "nosuch");
    assertThat(ps.exit()).isEqualTo(1);
    assertThat(ps.out() + ps.err()).contains("no such service: nosuch");
    DockerCli.Result rm = docker.run("service", "rm", "nosuch");
    assertThat(rm.exit()).isEqualTo(1);
    assertThat(rm.err()).contains("Error response from daemon: service nosuch not found");

    String name = unique("dup");
    try {
      String id = docker.run("service", "create", "--detach", "--name", name, ShoalDevCluster.IMAGE, "/bin/sleep", "600")
          .ok().lines().stream().filter(l -> l.matches("[0-9a-z]{25}")).findFirst().orElseThrow();
      DockerCli.Result dup = docker.run("service", "create", "--detach", "--name", name, ShoalDevCluster.IMAGE, "/bin/sleep", "1");
      assertThat(dup.exit()).isEqualTo(1);
      assertThat(dup.err()).contains("AlreadyExists").contains("service " + name + " already exists");

      String spec = json(docker.run("service", "inspect", name)).get(0).get("Spec").toString();
      HttpResponse<String> stale = cluster.send("POST", "/v1.41/services/" + id + "/update?version=1", spec);
      assertThat(stale.statusCode()).isEqualTo(500);
      assertThat(stale.headers().firstValue("Content-Type")).contains("application/json");
      assertThat(stale.body().strip()).isEqualTo("{\"message\":\"rpc error: code = Unknown desc = update out of sequence\"}");
    } finally {
      docker.run("service", "rm", name);
    }

    DockerCli.Result invalid = docker.run("service", "create", "--detach", "--name", unique("bad"),
        "--constraint", "node.colour==blue", ShoalDevCluster.IMAGE);
    assertThat(invalid.exit()).isEqualTo(1);
    assertThat(invalid.err()).contains("invalid spec").contains("node.colour");
    DockerCli.Result unsupported = docker.run("service", "create", "--detach", "--name", unique("bad"),
        "--hostname", "h1", ShoalDevCluster.IMAGE);
    assertThat(unsupported.exit()).isEqualTo(1);
    assertThat(unsupported.err()).contains("not supported: TaskTemplate.ContainerSpec.Hostname");
  }

  // ---- stacks ----

  @Test
  void aComposeStackDeploysUpdatesAndIsRemoved(@TempDir Path dir) throws Exception {
    String stack = unique("st");
    int port = ShoalDevCluster.freePort();
    Path compose = dir.resolve("compose.yml");
    Files.writeString(compose, compose(port, 2));
    try {
      DockerCli.Result deploy = docker.run("stack", "deploy", "-c", compose.toString(), stack).ok();
      assertThat(deploy.out()).contains("Creating network " + stack + "_default")
          .contains("Creating service " + stack + "_web").contains("Creating service " + stack + "_worker");
      assertThat(docker.run("stack", "ls").ok().lines()).anySatisfy(l -> assertThat(l).matches(stack + "\\s+2\\s*"));
      await().atMost(CONVERGE).untilAsserted(() -> {
        List<String> services = docker.run("stack", "services", stack).ok().lines();
        assertThat(services).anySatisfy(l -> assertThat(l).contains(stack + "_web").contains("2/2")
            .contains("*:" + port + "->80/tcp"));
        assertThat(services).anySatisfy(l -> assertThat(l).contains(stack + "_worker").contains("1/1"));
      });
      assertThat(docker.run("stack", "ps", stack).ok().lines().stream().filter(l -> l.contains("Running"))).hasSize(3);
      JsonNode web = json(docker.run("service", "inspect", stack + "_web")).get(0).get("Spec");
      assertThat(web.get("UpdateConfig").get("Order").asText()).isEqualTo("start-first");
      assertThat(web.get("UpdateConfig").get("Delay").asLong()).isEqualTo(1_000_000_000L);
      assertThat(web.get("TaskTemplate").get("Resources").get("Limits").get("MemoryBytes").asLong()).isEqualTo(64L << 20);
      assertThat(web.get("TaskTemplate").get("Placement").get("Constraints").toString()).isEqualTo("[\"node.role==worker\"]");
      assertThat(web.get("TaskTemplate").get("RestartPolicy").get("Condition").asText()).isEqualTo("on-failure");
      JsonNode worker = json(docker.run("service", "inspect", stack + "_worker")).get(0).get("Spec");
      assertThat(worker.get("UpdateConfig").get("FailureAction").asText()).isEqualTo("rollback");

      Files.writeString(compose, compose(port, 3));
      DockerCli.Result again = docker.run("stack", "deploy", "-c", compose.toString(), stack).ok();
      assertThat(again.out()).contains("Updating service " + stack + "_web");
      await().atMost(CONVERGE).untilAsserted(() -> assertThat(docker.run("stack", "services", stack).ok().out())
          .containsPattern(stack + "_web\\s+replicated\\s+3/3"));

      assertThat(docker.run("stack", "rm", stack).ok().out()).contains("Removing service " + stack + "_web")
          .contains("Removing service " + stack + "_worker").contains("Removing network " + stack + "_default");
    } finally {
      docker.run("stack", "rm", stack); // after a failure
    }
    assertThat(docker.run("stack", "ls").ok().out()).doesNotContain(stack);
  }

  private static String compose(int port, int replicas) {
    return """
        version: "3.8"
        services:
          web:
            image: %s
            command: ["/bin/httpd", "-f", "-p", "80"]
            environment:
              - GREETING=hello
            ports:
              - "%d:80"
            deploy:
              replicas: %d
              resources:
                limits:
                  cpus: "0.5"
                  memory: 64M
                reservations:
                  memory: 16M
              placement:
                constraints: ["node.role==worker"]
              update_config:
                parallelism: 1
                delay: 1s
                order: start-first
                monitor: 1s
              restart_policy:
                condition: on-failure
                delay: 1s
          worker:
            image: %s
            command: ["/bin/sleep", "3600"]
            deploy:
              replicas: 1
              update_config:
                parallelism: 1
                failure_action: rollback
        """.formatted(ShoalDevCluster.IMAGE, port, replicas, ShoalDevCluster.IMAGE);
  }
}
