package dev.shoal.ops.bench;

import dev.shoal.ops.stack.ProcessStack;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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

  static AuditRun run(String label, List<String> auditArgs, String heap, List<String> jvmArgs, Path dir, PrintStream out)
      throws IOException, InterruptedException {
    Path gc = dir.resolve("gc-" + label.replaceAll("[^A-Za-z0-9]+", "-") + ".log");
    List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()),
        "-Xmx" + heap, "-Xlog:gc:file=" + gc));
    String tag = label.replaceAll("[^A-Za-z0-9]+", "-");
    jvmArgs.forEach(a -> cmd.add(a.replace("{run}", tag)));
    cmd.addAll(List.of("-cp", ProcessStack.Builder.defaultClasspath(), "dev.shoal.ops.Shoal", "audit"));
    cmd.addAll(auditArgs);
    out.println("[bench] " + label + ": shoal audit " + String.join(" ", auditArgs));
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        lines.add(line);
        out.println("  | " + line);
      }
    }
    int exit = p.waitFor();
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new AuditRun(label, List.copyOf(auditArgs), exit, seconds, GcLog.read(gc), List.copyOf(lines));
  }

  /**
   * Control records the command replayed: {@code verify}'s own count, else the last progress line's
   * (a replay under a second prints none: -1).
   */
  long replayed() {
    long last = -1;
    for (String line : output) {
      Matcher v = VERIFIED.matcher(line);
      if (v.find()) {
        return Long.parseLong(v.group(1).replace(",", ""));
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
    return String.format(Locale.ROOT, "%-34s %5d %9.1f s %12s %12s  %s", label, exit, seconds,
        n < 0 ? "-" : String.format(Locale.ROOT, "%,d", n), rate, heap.text());
  }

  static String header() {
    return String.format(Locale.ROOT, "%-34s %5s %11s %12s %12s  %s", "run", "exit", "wall", "replayed", "records/s",
        "heap (GC log)");
  }
}
