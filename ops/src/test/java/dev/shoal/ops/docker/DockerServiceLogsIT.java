package dev.shoal.ops.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 12's logs through the real docker CLI: {@code docker service logs [-f] [--tail N] [-t]} of
 * a service and of a task, against a {@code shoal dev} cluster whose agents run busybox containers
 * on the local engine, their output shipped to {@code shoal.logs} and read back by the gateway.
 */
class DockerServiceLogsIT {
  private static final Duration CONVERGE = Duration.ofSeconds(60);
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

  /** The text after the CLI's {@code name.slot.task@node | } prefix. */
  private static String text(String line) {
    int bar = line.indexOf("| ");
    return bar < 0 ? line : line.substring(bar + 2);
  }

  @Test
  void aThousandLinesComeBackInOrderWithTailTimestampsAndByTask() {
    String svc = unique("printer");
    try {
      docker.run("service", "create", "--detach", "--name", svc, "--restart-condition", "none", ShoalDevCluster.IMAGE,
          "sh", "-c", "i=1; while [ $i -le 1000 ]; do echo \"line $i\"; i=$((i+1)); done; echo oops >&2; "
              + "sleep 1; echo last; sleep 3600").ok();
      List<String> want = IntStream.rangeClosed(1, 1000).mapToObj(i -> "line " + i).toList();
      await().atMost(CONVERGE).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
        DockerCli.Result all = docker.run("service", "logs", svc).ok();
        assertThat(all.lines()).hasSize(1001); // stdout; the stderr line goes to the CLI's stderr
        assertThat(all.err()).contains("| oops");
      });
      DockerCli.Result all = docker.run("service", "logs", svc).ok();
      // Each line names its task as against an engine: printer.1.<12 chars of the task id>@<node>
      assertThat(all.lines()).allSatisfy(l -> assertThat(l).matches(svc + "\\.1\\.[0-9a-z]{12}@\\S+\\s+\\| .*"));
      assertThat(all.lines().stream().map(DockerServiceLogsIT::text).filter(t -> t.startsWith("line ")).toList())
          .containsExactlyElementsOf(want);
      assertThat(all.out()).contains("| last\n");
      assertThat(all.err()).as("stderr lines go to the CLI's stderr").contains("| oops");

      assertThat(docker.run("service", "logs", "--tail", "1", svc).ok().lines()).singleElement()
          .satisfies(l -> assertThat(text(l)).isEqualTo("last"));
      assertThat(docker.run("service", "logs", "--tail", "1", "-t", svc).ok().lines()).singleElement()
          .satisfies(l -> assertThat(l).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z " + svc
              + "\\.1\\..*\\| last"));

      String task = docker.run("service", "ps", "-q", "--no-trunc", svc).ok().out().trim();
      assertThat(task).matches("[0-9a-z]+");
      DockerCli.Result byTask = docker.run("service", "logs", "--tail", "1", task).ok();
      assertThat(byTask.lines()).singleElement().satisfies(l -> assertThat(l).matches(svc + "\\.1\\..*\\| last"));
      DockerCli.Result wholeTask = docker.run("service", "logs", task).ok();
      assertThat(wholeTask.lines()).hasSize(1001);

      DockerCli.Result over = docker.run("service", "logs", "--tail", "50001", svc);
      assertThat(over.exit()).as(over.toString()).isNotZero();
      assertThat(over.err()).contains("tail must be at most 50000 lines");
    } finally {
      docker.run("service", "rm", svc);
    }
  }

  @Test
  void followShowsNewLinesAsTheyArePrinted() throws Exception {
    String svc = unique("ticker");
    Process follow = null;
    try {
      docker.run("service", "create", "--detach", "--name", svc, ShoalDevCluster.IMAGE,
          "sh", "-c", "i=1; while true; do echo \"tick $i\"; i=$((i+1)); sleep 1; done").ok();
      await().atMost(CONVERGE).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
          assertThat(docker.run("service", "logs", svc).ok().out()).contains("| tick 2"));
      follow = docker.start("service", "logs", "-f", "--tail", "1", svc);
      BlockingQueue<String> lines = new LinkedBlockingQueue<>();
      Process p = follow;
      Thread reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          in.lines().forEach(lines::add);
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
          // the process was stopped
        }
      }, "docker-logs-follow");
      reader.setDaemon(true);
      reader.start();
      String first = text(lines.poll(30, java.util.concurrent.TimeUnit.SECONDS));
      assertThat(first).startsWith("tick ");
      int n = Integer.parseInt(first.substring(5));
      // New lines keep coming while the CLI follows: the task prints one a second.
      for (int i = 1; i <= 3; i++) {
        String next = lines.poll(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(next).as("line %d after the first, while following", i).isNotNull();
        assertThat(text(next)).isEqualTo("tick " + (n + i));
      }
      assertThat(follow.isAlive()).as("-f goes on until stopped").isTrue();
    } finally {
      if (follow != null) {
        follow.destroy();
      }
      docker.run("service", "rm", svc);
    }
  }
}
