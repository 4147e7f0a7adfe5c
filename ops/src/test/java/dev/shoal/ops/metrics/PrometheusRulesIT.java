package dev.shoal.ops.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The alert rules as Prometheus reads them: {@code promtool check rules} and {@code check config}
 * accept the files, and {@code promtool test rules} fires every alert in its unit tests
 * ({@code ops/prometheus/alerts.test.yml}), each of which this test insists exists.
 */
class PrometheusRulesIT {
  private record Result(int exit, String output) {}

  private static Result promtool(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(PrometheusBinaries.require("promtool").toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(PrometheusBinaries.projectRoot().toFile())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
    return new Result(p.exitValue(), out);
  }

  @Test
  void theRulesAndTheConfigAreValid() throws Exception {
    Result rules = promtool("check", "rules", "ops/prometheus/alerts.yml");
    assertThat(rules.exit()).as(rules.output()).isZero();
    assertThat(rules.output()).contains("SUCCESS: 8 rules found");
    Result config = promtool("check", "config", "ops/prometheus/prometheus.yml");
    assertThat(config.exit()).as(config.output()).isZero();
  }

  @Test
  void everyAlertFiresInItsUnitTest() throws Exception {
    Result test = promtool("test", "rules", "ops/prometheus/alerts.test.yml");
    assertThat(test.exit()).as(test.output()).isZero();
    String alerts = java.nio.file.Files.readString(PrometheusBinaries.projectRoot().resolve("ops/prometheus/alerts.yml"));
    String tests = java.nio.file.Files.readString(PrometheusBinaries.projectRoot().resolve("ops/prometheus/alerts.test.yml"));
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("- alert: (\\w+)").matcher(alerts);
    List<String> names = new ArrayList<>();
    while (m.find()) {
      names.add(m.group(1));
    }
    assertThat(names).hasSize(8);
    for (String name : names) {
      assertThat(tests).as("a unit test expects " + name + " to fire")
          .containsPattern("alertname: " + name + "\\s+exp_alerts:\\s+- exp_labels");
    }
  }

  @Test
  void aBrokenRuleIsRefused(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.yml");
    java.nio.file.Files.writeString(bad, "groups:\n  - name: x\n    rules:\n      - alert: X\n        expr: sum(\n");
    assertThat(promtool("check", "rules", bad.toString()).exit()).as("promtool checks, it does not just run")
        .isNotZero();
  }
}
