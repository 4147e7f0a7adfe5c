package dev.shoal.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * A bench's counts just over their limits are a one-line usage error (exit 2) before anything
 * starts: no broker, no engine, no temporary directory.
 */
class BenchUsageTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "listing --tasks 0              | --tasks and --calls must be 1 or more",
      "listing --calls 0              | --tasks and --calls must be 1 or more",
      "listing --warmup -1            | --warmup 0 or more",
      "listing --tasks 5 --churn 6    | --churn between 0 and --tasks",
      "listing --churn -1             | --churn between 0 and --tasks",
      "containers --replicas 0        | --replicas and --rounds must be 1 or more",
      "containers --rounds 0          | --replicas and --rounds must be 1 or more",
      "containers --task-parallelism 0   | --task-parallelism must be 1 to 256, got 0",
      "containers --task-parallelism 257 | --task-parallelism must be 1 to 256, got 257",
      "update --runs 0                | --replicas, --runs and --agents must be 1 or more",
      "update --warmup -1             | --parallelism and --warmup 0 or more",
      "scale --warmup-tasks -1        | --warmup-tasks 0 or more"})
  void countsJustOverTheirLimitsAreUsageErrors(String args, String reason) {
    StringWriter err = new StringWriter();
    CommandLine cmd = Shoal.commandLine();
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute(("bench " + args.trim()).split("\\s+"));
    assertThat(code).as(err.toString()).isEqualTo(2);
    assertThat(err.toString()).contains(reason.trim());
  }
}
