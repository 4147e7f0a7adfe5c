package dev.shoal.schemas;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** What a stop signal may be, decided once for every door and both runtimes: a Linux signal. */
public final class Signals {
  /** Linux's signal names, without the {@code SIG} prefix. */
  private static final Set<String> NAMES = Set.of("HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "IOT", "BUS", "FPE",
      "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN",
      "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "POLL", "PWR", "SYS");
  private static final Pattern REALTIME = Pattern.compile("RTMIN(\\+([1-9]|[12][0-9]|30))?|RTMAX(-([1-9]|[12][0-9]|30))?");
  private static final Pattern NUMBER = Pattern.compile("[1-9][0-9]?");

  private Signals() {}

  /** The name without {@code SIG}, upper case ({@code USR1}, {@code RTMIN+3}, {@code 10}), or null if not a signal. */
  public static String normalise(String signal) {
    if (signal == null || signal.isBlank()) {
      return null;
    }
    String s = signal.trim().toUpperCase(Locale.ROOT);
    if (s.startsWith("SIG")) {
      s = s.substring(3);
    }
    boolean valid = NAMES.contains(s) || REALTIME.matcher(s).matches()
        || (NUMBER.matcher(s).matches() && Integer.parseInt(s) <= 64);
    return valid ? s : null;
  }
}
