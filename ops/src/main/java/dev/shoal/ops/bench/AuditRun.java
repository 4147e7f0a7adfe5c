package dev.shoal.ops.bench;

import dev.shoal.ops.stack.ProcessStack;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code shoal audit} command timed as a user runs it: in a JVM of its own (cold, so JIT warm-up
 * counts, and its heap is its own) with {@code -Xmx} and a GC log, its output passed on with a
 * prefix so its progress lines show while it runs.
 */
record AuditRun(String label, List<String> args, int exit, double seconds, GcLog heap, List<String> output) {
  private static final Pattern PROGRESS = Pattern.compile("\\[audit \\w+\\] ([\\d,]+) of ([\\d,]+) control records");
  private static final Pattern VERIFIED = Pattern.compile("^([\\d,]+) records replayed");
  /** A later round of {@code verify --follow}: its records are added to the first round's. */
  private static final Pattern ROUND = Pattern.compile("^round \\d+: ([\\d,]+) records replayed");

  static AuditRun run(String label, List<String> auditArgs, String heap, List<String> jvmArgs, Path dir, PrintStream out)
      throws IOException, InterruptedException {
    return start(label, auditArgs, heap, jvmArgs, dir, out).finish();
  }

  /** Starts the command; {@link Running#finish} waits for it to end. */
  static Running start(String label, List<String> auditArgs, String heap, List<String> jvmArgs, Path dir,
                       PrintStream out) throws IOException {
    Path gc = dir.resolve("gc-" + label.replaceAll("[^A-Za-z0-9]+", "-") + ".log");
    List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()),
        "-Xmx" + heap, "-Xlog:gc:file=" + gc));
    String tag = label.replaceAll("[^A-Za-z0-9]+", "-");
    jvmArgs.forEach(a -> cmd.add(a.replace("{run}", tag)));
    cmd.addAll(List.of("-cp", ProcessStack.Builder.defaultClasspath(), "dev.shoal.ops.Shoal", "audit"));
    cmd.addAll(auditArgs);
    out.println("[bench] " + label + ": shoal audit " + String.join(" ", auditArgs));
    return new Running(label, List.copyOf(auditArgs), gc, System.nanoTime(),
        new ProcessBuilder(cmd).redirectErrorStream(true).start(), out);
  }

  /** A command running: its output read as it comes (and passed on), which a bench may wait for. */
  static final class Running {
    private final String label;
    private final List<String> args;
    private final Path gc;
    private final long started;
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private Running(String label, List<String> args, Path gc, long started, Process process, PrintStream out) {
      this.label = label;
      this.args = args;
      this.gc = gc;
      this.started = started;
      this.process = process;
      this.reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8))) {
          for (String line = r.readLine(); line != null; line = r.readLine()) {
            out.println("  | " + line);
            synchronized (lines) {
              lines.add(line);
              lines.notifyAll();
            }
          }
        } catch (IOException e) {
          out.println("  | (output lost: " + e + ")");
        }
      }, "bench-audit-output");
      reader.start();
    }

    /** How many lines the command printed so far. */
    int lines() {
      synchronized (lines) {
        return lines.size();
      }
    }

    /**
     * Waits until a line after the first {@code from} matches {@code wanted}, or the command ends;
     * whether one did.
     */
    boolean awaitLine(int from, Predicate<String> wanted, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      int seen = from;
      synchronized (lines) {
        while (true) {
          for (; seen < lines.size(); seen++) {
            if (wanted.test(lines.get(seen))) {
              return true;
            }
          }
          long left = deadline - System.nanoTime();
          if (left <= 0 || !process.isAlive() && !reader.isAlive()) {
            return false;
          }
          lines.wait(Math.max(1, Math.min(left / 1_000_000, 1_000)));
        }
      }
    }

    /**
     * Asks the command to stop as a service manager would (SIGTERM). Through its handle: {@code
     * Process.destroy} also closes the streams, and what the command prints as it stops would be lost.
     */
    void terminate() {
      process.toHandle().destroy();
    }

    AuditRun finish() throws InterruptedException {
      int exit = process.waitFor();
      reader.join();
      double seconds = (System.nanoTime() - started) / 1e9;
      synchronized (lines) {
        return new AuditRun(label, args, exit, seconds, GcLog.read(gc), List.copyOf(lines));
      }
    }
  }

  /**
   * Control records the command replayed: {@code verify}'s own count (with {@code --follow}, every
   * round's), else the last progress line's
   * (a replay under a second prints none: -1).
   */
  long replayed() {
    long last = -1;
    long rounds = 0;
    for (String line : output) {
      Matcher f = ROUND.matcher(line);
      if (f.find()) {
        rounds += Long.parseLong(f.group(1).replace(",", ""));
      }
    }
    for (String line : output) {
      Matcher v = VERIFIED.matcher(line);
      if (v.find()) {
        return Long.parseLong(v.group(1).replace(",", "")) + rounds;
      }
      Matcher m = PROGRESS.matcher(line);
      if (m.find()) {
        last = Long.parseLong(m.group(1).replace(",", ""));
      }
    }
    return last;
  }

  String row() {
    long n = replayed();
    String rate = n < 0 ? "-" : String.format(Locale.ROOT, "%,.0f", n / seconds);
    return String.format(Locale.ROOT, "%-38s %5d %9.1f s %12s %12s  %s", label, exit, seconds,
        n < 0 ? "-" : String.format(Locale.ROOT, "%,d", n), rate, heap.text());
  }

  static String header() {
    return String.format(Locale.ROOT, "%-38s %5s %11s %12s %12s  %s", "run", "exit", "wall", "replayed", "records/s",
        "heap (GC log)");
  }
}
