package dev.shoal.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@code shoal bench audit} with a tiny history, as a user runs it: it makes the history, times each
 * {@code shoal audit} run in its own JVM (the launcher jar) and prints its figures; every verify
 * finds the decisions it published, the resumed ones start from the snapshot, and a
 * {@code verify --follow} stopped with SIGTERM exits 0 and leaves a snapshot the next verify starts at.
 */
class BenchAuditIT {

  @Test
  void aSmallBenchRunsEveryCommandAndPrintsItsFigures() {
    PrintStream before = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int exit;
    try (PrintStream tee = new PrintStream(new TeeStream(captured, before), true, StandardCharsets.UTF_8)) {
      System.setOut(tee);
      exit = Shoal.commandLine().execute("bench", "audit", "--records", "500", "--more", "7", "--snapshot-every",
          "200", "--services", "5", "--nodes", "4", "--heap", "256m");
    } finally {
      System.setOut(before);
    }
    String out = captured.toString(StandardCharsets.UTF_8);

    assertThat(exit).isZero();
    assertThat(out).contains("[bench] generating 500 decisions", "[bench] generating 7 decisions");
    assertThat(out).contains("500 records replayed, 500 decisions compared, 0 divergences");
    assertThat(out).contains("Resumed from a verified snapshot");
    assertThat(out).contains("7 records replayed, 7 decisions compared, 0 divergences");
    assertThat(out).contains("history: 507 decisions (5 services, 4 nodes, seed 1), 0 inputs refused");
    assertThat(out).containsPattern("mix: .*TaskStatusReported");
    for (String run : new String[] {"verify, no snapshots", "verify, leaving snapshots", "verify again, nothing new",
        "verify again, 7 new (no follow)", "at (decision 475), no snapshots", "at (decision 475), snapshots"}) {
      assertThat(out).as(run).containsPattern("(?m)^" + java.util.regex.Pattern.quote(run) + " +0 +[0-9.]+ s ");
    }
    // verify --follow verified the 7 new decisions as they came, stopped on SIGTERM with status 0, and
    // the verify after it went on from the snapshot it left: nothing to replay.
    assertThat(out).contains("stopped after ", "where a verified snapshot is left for the next verify");
    assertThat(out).containsPattern("(?m)^verify --follow, 7 decided +0 +[0-9.]+ s +7 ");
    assertThat(out).containsPattern("(?m)^verify after the follow stopped +0 +[0-9.]+ s +0 ");
  }

  /** Writes to two streams: the test captures the output and the log still shows it. */
  private static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream a;
    private final java.io.OutputStream b;

    TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws java.io.IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public void write(byte[] buf, int off, int len) throws java.io.IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }
  }
}
