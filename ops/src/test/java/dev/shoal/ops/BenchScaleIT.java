package dev.shoal.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code shoal bench scale} at a tiny size, from the launcher jar as a user runs it: every task runs,
 * the node loss converges, the summary prints its figures, and the run's Kafka data (gigabytes at
 * full size) is gone from the work dir afterwards while the orchestrator's log stays.
 */
class BenchScaleIT {

  @Test
  void aTinyRunConvergesPrintsItsFiguresAndRemovesItsKafkaData(@TempDir Path work) throws Exception {
    Launcher.Result r = new Launcher(work, Map.of()).run(Duration.ofMinutes(4), "bench", "scale", "--nodes", "4",
        "--tasks", "40", "--services", "2", "--timeout", "120s", "--node-down-timeout", "3s", "--warmup-tasks", "12");
    String out = r.stdout();

    assertThat(r.exitCode()).as(out + r.stderr()).isZero();
    assertThat(out).containsPattern("warmed up with 12 tasks \\(run and removed\\)");
    // The output says which collector the bench's own JVM ran: not the parallel one here, so it says
    // how the figures in the docs were measured.
    assertThat(out).contains("this JVM (broker, gateway, hollow nodes) collects with ")
        .contains("measures it with java -XX:+UseParallelGC -jar");
    // The warm-up's services are gone before the clock starts: their removal is not among the run's events.
    String events = out.lines().filter(l -> l.contains("cluster events during the run:")).findFirst().orElseThrow();
    assertThat(events).contains("service.created 2").doesNotContain("service.removed");
    assertThat(out).containsPattern("40 tasks: all placed after [0-9.]+ s, all running after [0-9.]+ s");
    assertThat(out).containsPattern("node hollow-\\d+ lost \\(\\d+ tasks\\): down after [0-9.]+ s");
    assertThat(out).containsPattern("GET /v1/tasks\\?service=s0 \\(20 tasks, 20 calls\\): first \\d+ ms, median \\d+ ms, max \\d+ ms");
    // The hollow agents' INFO lines (one per task start) are not printed.
    assertThat(out + r.stderr()).doesNotContain("starting task");

    Matcher removed = Pattern.compile("Kafka data removed \\(--keep-kafka-data keeps it\\); logs stay in (\\S+)")
        .matcher(out);
    assertThat(removed.find()).as(out).isTrue();
    Path dir = Path.of(removed.group(1));
    try {
      assertThat(dir.resolve("kafka")).doesNotExist();
      assertThat(dir.resolve("orchestrator.log")).isRegularFile();
    } finally {
      org.apache.kafka.common.utils.Utils.delete(dir.toFile());
    }
    assertThat(Files.exists(dir)).isFalse();
  }
}
