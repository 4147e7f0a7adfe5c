package dev.shoal.ops.bench;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * CPU time of this JVM's threads, grouped by name with the numbers taken out (the broker's request
 * handlers, a Streams application's threads, an agent's, ...): where {@link JvmCpu}'s figure goes.
 * The JVM's own threads (garbage collection, JIT compilers), which the thread MXBean does not list,
 * are read from {@code /proc/self/task} (Linux; 10 ms ticks, so only sums over many writes mean
 * anything), and the whole machine's busy time from {@code /proc/stat}: processes the agents spawn
 * are not this JVM's. Threads that end between two snapshots are missed; the bench's live through a run.
 */
final class ThreadCpu {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  /** Linux's USER_HZ is 100 on every architecture the JDK runs on. */
  private static final long TICK_NANOS = 10_000_000L;
  /** The key of the processes this JVM started (thread ids are positive, native threads' negated). */
  private static final long CHILDREN = Long.MIN_VALUE;
  private static final Pattern NATIVE =
      Pattern.compile("GC Thread|G1 |C1 Compiler|C2 Compiler|VM Thread|VM Periodic");
  private final Map<Long, Long> nanosById;
  private final Map<Long, String> nameById;
  private final long machineBusyNanos;

  private ThreadCpu(Map<Long, Long> nanosById, Map<Long, String> nameById, long machineBusyNanos) {
    this.nanosById = nanosById;
    this.nameById = nameById;
    this.machineBusyNanos = machineBusyNanos;
  }

  static ThreadCpu snapshot() {
    Map<Long, Long> nanos = new HashMap<>();
    Map<Long, String> names = new HashMap<>();
    jvmThreads(nanos, names);
    nanos.put(CHILDREN, childProcesses());
    names.put(CHILDREN, "(processes this JVM started, while they live)");
    if (!THREADS.isThreadCpuTimeSupported()) {
      return new ThreadCpu(nanos, names, machineBusy());
    }
    for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long ns = THREADS.getThreadCpuTime(info.getThreadId());
      if (ns >= 0) {
        nanos.put(info.getThreadId(), ns);
        names.put(info.getThreadId(), info.getThreadName());
      }
    }
    return new ThreadCpu(nanos, names, machineBusy());
  }

  /** The JVM's native threads (GC, JIT), under negative ids: the thread MXBean lists Java threads only. */
  private static void jvmThreads(Map<Long, Long> nanos, Map<Long, String> names) {
    File[] tasks = new File("/proc/self/task").listFiles();
    if (tasks == null) {
      return;
    }
    for (File task : tasks) {
      try {
        String stat = Files.readString(task.toPath().resolve("stat"));
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        String comm = stat.substring(open + 1, close);
        if (!NATIVE.matcher(comm).lookingAt()) {
          continue;
        }
        String[] f = stat.substring(close + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
        long id = -Long.parseLong(task.getName());
        nanos.put(id, ticks * TICK_NANOS);
        names.put(id, "(jvm) " + comm);
      } catch (IOException | RuntimeException e) {
        // a thread that ended while listed
      }
    }
  }

  /** CPU time of this JVM's live descendants (the tasks' processes), from {@code /proc/<pid>/stat}. */
  private static long childProcesses() {
    return ProcessHandle.current().descendants().mapToLong(p -> {
      try {
        String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_NANOS;
      } catch (IOException | RuntimeException e) {
        return 0;
      }
    }).sum();
  }

  /** The machine's busy CPU time, all cores (user, nice, system, irq, softirq, steal), or 0 off Linux. */
  private static long machineBusy() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
        busy += Long.parseLong(f[i]);
      }
      return busy * TICK_NANOS;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** Each group's CPU since {@code before}, per operation, largest first, in ms: one line per group. */
  String perOperationSince(ThreadCpu before, int operations, int groups) {
    Map<String, Long> byGroup = new HashMap<>();
    nanosById.forEach((id, ns) -> byGroup.merge(group(nameById.get(id)), ns - before.nanosById.getOrDefault(id, 0L),
        Long::sum));
    return byGroup.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(groups)
        .map(e -> String.format(Locale.ROOT, "    %6.2f ms  %s", e.getValue() / 1e6 / operations, e.getKey()))
        .collect(Collectors.joining("\n"))
        + String.format(Locale.ROOT, "%n    %6.2f ms  the whole machine (all processes)",
            (machineBusyNanos - before.machineBusyNanos) / 1e6 / operations);
  }

  /** A thread's name without its numbers and instance ids: threads doing the same work share a group. */
  static String group(String name) {
    return name.replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "<uuid>").replaceAll("\\d+", "#");
  }
}
