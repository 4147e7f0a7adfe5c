package dev.shoal.agent.runtime;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A spec's {@code stopSignal} for the process runtime, in the forms Docker accepts ({@code SIGUSR1},
 * {@code usr1}, {@code 10}, {@code SIGRTMIN+3}). Java can send only SIGTERM and SIGKILL, so any
 * other signal goes through {@code kill(1)}; the name is handed over as written (normalised), so the
 * number is the node's own, whatever its architecture.
 */
final class StopSignal {
  private static final int KILL_TIMEOUT_SECONDS = 5;

  private StopSignal() {}

  /**
   * The signal's name as {@code kill -s} takes it ({@code USR1}, {@code RTMIN+3}, {@code 10}), or null
   * for SIGTERM (and for no signal), which Java sends itself.
   *
   * @throws IllegalArgumentException for anything that is not a Linux signal
   */
  static String normalise(String signal) {
    if (signal == null || signal.isBlank()) {
      return null;
    }
    String s = dev.shoal.schemas.Signals.normalise(signal);
    if (s == null) {
      throw new IllegalArgumentException("unknown signal \"" + signal + "\" (expected e.g. SIGTERM, SIGINT, SIGUSR1 or 10)");
    }
    return s.equals("TERM") || s.equals("15") ? null : s;
  }

  /**
   * Sends {@code signal} (as returned by {@link #normalise}) to every process in {@code pids} with
   * {@code kill(1)}; processes that are already gone are not an error.
   */
  static void send(String kill, String signal, List<ProcessHandle> processes) {
    if (processes.isEmpty()) {
      return;
    }
    List<String> cmd = new ArrayList<>(List.of(kill, "-s", signal, "--"));
    processes.forEach(p -> cmd.add(Long.toString(p.pid())));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      if (!p.waitFor(KILL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    } catch (IOException e) {
      // The grace period still ends with SIGKILL: the task stops either way.
      processes.forEach(ProcessHandle::destroy);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
