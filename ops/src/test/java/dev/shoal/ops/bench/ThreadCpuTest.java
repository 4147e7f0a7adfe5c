package dev.shoal.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ThreadCpuTest {
  @Test
  void threadsDoingTheSameWorkShareAGroup() {
    assertThat(ThreadCpu.group("data-plane-kafka-request-handler-0"))
        .isEqualTo(ThreadCpu.group("data-plane-kafka-request-handler-7"))
        .isEqualTo("data-plane-kafka-request-handler-#");
    assertThat(ThreadCpu.group("shoal-orchestrator-3f2a1c9e-1b2c-4d5e-8f90-a1b2c3d4e5f6-StreamThread-1"))
        .isEqualTo("shoal-orchestrator-<uuid>-StreamThread-#");
  }

  @Test
  void aSnapshotAccountsForTheCpuThisThreadSpends() {
    ThreadCpu before = ThreadCpu.snapshot();
    long x = 0;
    long until = System.nanoTime() + 50_000_000;
    while (System.nanoTime() < until) {
      x += Long.numberOfTrailingZeros(x + System.nanoTime());
    }
    String report = ThreadCpu.snapshot().perOperationSince(before, 1, 50);
    String mine = "  " + ThreadCpu.group(Thread.currentThread().getName());
    String line = report.lines().filter(l -> l.endsWith(mine)).findFirst().orElseThrow();
    // Spun for 50 ms of wall time: most of it on a CPU, unless the machine is very busy.
    assertThat(Double.parseDouble(line.trim().split(" ")[0])).isGreaterThan(10.0);
    assertThat(report).contains("the whole machine");
    assertThat(x).isNotNegative();
  }
}
