package dev.shoal.agent.runtime;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A spec's {@code stopSignal} for the process runtime, in the forms Docker accepts ({@code SIGUSR1},
 * {@code usr1}, {@code 10}, {@code SIGRTMIN+3}). Java can send only SIGTERM and SIGKILL, so any
 * other signal goes through {@code kill(1)}; the name is handed over as written (normalised), so the
 * number is the node's own, whatever its architecture.
 */
final class StopSignal {
  /** Linux's signal names, without the {@code SIG} prefix. */
  private static final Set<String> NAMES = Set.of("HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "IOT", "BUS", "FPE",
      "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN",
      "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "POLL", "PWR", "SYS");
  private static final Pattern REALTIME = Pattern.compile("RTMIN(\\+([1-9]|[12][0-9]|30))?|RTMAX(-([1-9]|[12][0-9]|30))?");
  private static final Pattern NUMBER = Pattern.compile("[1-9][0-9]?");
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
    String s = signal.trim().toUpperCase(Locale.ROOT);
    if (s.startsWith("SIG")) {
      s = s.substring(3);
    }
    boolean valid = NAMES.contains(s) || REALTIME.matcher(s).matches()
        || (NUMBER.matcher(s).matches() && Integer.parseInt(s) <= 64);
    if (!valid) {
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
