package dev.shoal.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shoal.agent.DataDirLock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The launcher as a user meets it, run from its jar as a separate process: one agent per data
 * directory, one-line usage errors with exit code 2 and no stack trace, and help that lists every
 * flag. Agents here need no Kafka: they start, and retry a broker that is not there.
 */
class LauncherIT {
  private static final Duration RUN = Duration.ofSeconds(60);

  @TempDir
  Path dir;
  private Launcher shoal;
  private final List<Launcher.Running> started = new ArrayList<>();

  @BeforeEach
  void setUp() {
    // A Docker engine must not change what these runs do, nor an unset CI flag.
    shoal = new Launcher(dir, Map.of("DOCKER_HOST", "unix://" + dir.resolve("no-engine.sock")));
  }

  @AfterEach
  void stopAgents() throws Exception {
    for (Launcher.Running r : started) {
      r.process().destroy();
      if (!r.process().waitFor(30, TimeUnit.SECONDS)) {
        r.process().destroyForcibly();
      }
    }
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort(); // nothing listens there once it is closed
    }
  }

  private Launcher.Running agent(String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of("agent", "--bootstrap-servers", "127.0.0.1:" + closedPort(),
        "--runtime", "process"));
    all.addAll(List.of(args));
    Launcher.Running r = shoal.start(all.toArray(String[]::new));
    started.add(r);
    await().atMost(RUN).until(() -> r.output().contains("Agent ") || !r.process().isAlive());
    assertThat(r.process().isAlive()).as(r.output()).isTrue();
    return r;
  }

  /** A usage error: exit 2, the reason in one line and a pointer to help, no stack trace anywhere. */
  private static void assertUsageError(Launcher.Result r, String command, String reason) {
    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(2);
    assertThat(r.stderrLines()).hasSize(2);
    assertThat(r.stderrLines().get(0)).startsWith("shoal " + command + ": ").contains(reason);
    assertThat(r.stderrLines().get(1)).isEqualTo("see: shoal help " + command);
    assertThat(r.stderr() + r.stdout()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void agentsSharingTheDefaultDataDirAreRefusedAfterTheFirst() throws Exception {
    Launcher.Running first = agent(); // --data-dir left at its default, data/agent, as in the README
    for (int i = 2; i <= 3; i++) {
      Launcher.Result next = shoal.run(RUN, "agent", "--bootstrap-servers", "127.0.0.1:" + closedPort(),
          "--runtime", "process");
      assertUsageError(next, "agent", "data/agent is in use by another node agent (pid " + first.process().pid() + ")");
      assertThat(next.stderrLines().get(0)).endsWith("give each agent its own --data-dir");
    }
    assertThat(first.process().isAlive()).isTrue();
    // The lock goes with the process: once the first has stopped, the directory is free again.
    first.process().destroy();
    assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
    agent();
  }

  @Test
  void aMalformedJoinTokenIsAUsageError() {
    Launcher.Result r = shoal.run(RUN, "agent", "--data-dir", dir.resolve("a").toString(), "--join-token", "SWMTKN-1-nope");
    assertUsageError(r, "agent", "the join token is malformed");
  }

  @Test
  void badFlagValuesAreUsageErrors() {
    assertUsageError(shoal.run(RUN, "agent", "--heartbeat-interval", "soon"), "agent", "invalid duration \"soon\"");
    assertUsageError(shoal.run(RUN, "agent", "--runtime", "podman"), "agent", "expected one of [AUTO, DOCKER, PROCESS]");
    assertUsageError(shoal.run(RUN, "agent", "--fencing-timeout", "1s", "--data-dir", dir.resolve("f").toString()),
        "agent", "must be at least twice the heartbeat interval");
    assertUsageError(shoal.run(RUN, "dev", "--api-port", "70000"), "dev", "port 70000 is out of range");
    assertUsageError(shoal.run(RUN, "gateway", "--cluster-secret-file", dir.resolve("missing").toString()),
        "gateway", "cluster secret file " + dir.resolve("missing") + " does not exist");
    assertUsageError(shoal.run(RUN, "orchestrator", "--state-dir", dir.resolve("o").toString(), "--node-down-timeout",
        "3 seconds"), "orchestrator", "invalid duration");
    assertUsageError(shoal.run(RUN, "kafka", "--no-such-flag"), "kafka", "Unknown option: '--no-such-flag'");
  }

  @Test
  void aRuntimeFailureExitsWithOneAndSaysWhy() {
    // --runtime docker with no engine: a valid command that cannot run here, not a usage error.
    Launcher.Result r = shoal.run(RUN, "agent", "--data-dir", dir.resolve("d").toString(), "--runtime", "docker");
    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(1);
    assertThat(r.stderrLines()).last().asString().startsWith("shoal agent: --runtime docker: ");
    assertThat(r.stderr()).doesNotContain("\tat ");
  }

  @Test
  void shoalDevAndKafkaRefuseADataDirInUse() throws Exception {
    // Held by this JVM: to the launcher's process it is a lock held by another process, as a running shoal dev's is.
    try (DataDirLock held = DataDirLock.acquire(dir.resolve("dev-data"), "dev.lock", "shoal dev");
         DataDirLock broker = DataDirLock.acquire(dir.resolve("kafka-data"), KafkaCommand.LOCK_FILE, "Kafka broker")) {
      String pid = Long.toString(ProcessHandle.current().pid());
      assertUsageError(shoal.run(RUN, "dev", "--data-dir", dir.resolve("dev-data").toString(),
          "--api-port", String.valueOf(closedPort()), "--kafka-port", String.valueOf(closedPort())),
          "dev", "is in use by another shoal dev (pid " + pid + ")");
      assertUsageError(shoal.run(RUN, "kafka", "--data-dir", dir.resolve("kafka-data").toString(),
          "--kafka-port", String.valueOf(closedPort())), "kafka", "is in use by another Kafka broker (pid " + pid + ")");
    }
  }

  @Test
  void helpListsEveryFlagOfEveryCommand() {
    CommandSpec root = Shoal.commandLine().getCommandSpec();
    for (CommandLine sub : root.subcommands().values()) {
      String name = sub.getCommandName();
      if (name.equals("help")) {
        continue;
      }
      Launcher.Result help = shoal.run(RUN, "help", name);
      assertThat(help.exitCode()).as(help.stderr()).isZero();
      assertThat(help.stdout()).startsWith("Usage: shoal " + name);
      for (OptionSpec o : sub.getCommandSpec().options()) {
        assertThat(help.stdout()).as("shoal help " + name).contains(o.longestName());
      }
      for (CommandLine nested : sub.getSubcommands().values()) {
        if (!nested.getCommandName().equals("help")) {
          Launcher.Result nestedHelp = shoal.run(RUN, name, "help", nested.getCommandName());
          assertThat(nestedHelp.exitCode()).isZero();
          nested.getCommandSpec().options().forEach(o -> assertThat(nestedHelp.stdout()).contains(o.longestName()));
        }
      }
    }
    assertThat(shoal.run(RUN, "help", "agent").stdout()).contains("--data-dir");
  }
}
