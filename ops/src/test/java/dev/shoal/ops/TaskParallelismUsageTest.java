package dev.shoal.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code --task-parallelism} of {@code shoal agent} and {@code shoal dev} just outside 1..256 is a
 * one-line usage error (exit 2) before anything connects or starts.
 */
class TaskParallelismUsageTest {
  @TempDir
  Path dir;

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "agent | 0   | the task parallelism must be 1 to 256, got 0",
      "agent | 257 | the task parallelism must be 1 to 256, got 257",
      "agent | -1  | the task parallelism must be 1 to 256, got -1",
      "dev   | 0   | --task-parallelism must be 1 to 256, got 0",
      "dev   | 257 | --task-parallelism must be 1 to 256, got 257"})
  void outsideOneTo256IsAUsageError(String command, String value, String reason) throws Exception {
    StringWriter err = new StringWriter();
    picocli.CommandLine cmd = Shoal.commandLine();
    cmd.setErr(new PrintWriter(err, true));
    Path data = dir.resolve("data");
    String[] args = command.equals("agent")
        ? new String[] {"agent", "--bootstrap-servers", "127.0.0.1:1", "--data-dir", data.toString(),
            "--task-parallelism", value}
        : new String[] {"dev", "--data-dir", data.toString(), "--task-parallelism", value};
    int code = cmd.execute(args);
    assertThat(code).as(err.toString()).isEqualTo(2);
    assertThat(err.toString()).contains(reason);
    assertThat(Files.exists(data.resolve("agent.lock"))).as("no agent got as far as its data directory").isFalse();
  }
}
