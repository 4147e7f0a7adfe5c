package dev.shoal.ops.bench;

import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.SpecValidator;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.IntFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shoal bench read}: what reading one task record costs, as every reader of {@code shoal.tasks}
 * and {@code shoal.assignments} does once per task change: read as input ({@link Json#fromBytes}, every
 * check) and as the orchestrator's own record ({@link Json#fromOwnBytes}: no duplicate-key check, and
 * a spec read before from the same bytes not bound again), the latter also with specs new to the
 * reader. Two kinds of record: a task of {@code bench scale}'s services and one whose spec has most
 * fields set. Timed with the thread's CPU time, rounds alternating the ways.
 */
@Command(name = "read", mixinStandardHelpOptions = true,
    description = "CPU time to read one task record, as input and as an own record (no duplicate-key check, known"
        + " specs not bound again).")
public final class BenchReadCommand implements Callable<Integer> {
  @Option(names = "--rounds", defaultValue = "8", description = "Timed rounds of each way (default ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--records", defaultValue = "50000", description = "Records read per round (default ${DEFAULT-VALUE}).")
  int records;

  /** More than an own-records reader remembers (4,096), so that each of them is new to it when read. */
  private static final int DISTINCT_SPECS = 5_000;

  /** Where every read ends up, so the JIT cannot leave out reads whose result nobody uses. */
  private volatile long sink;

  @Override
  public Integer call() {
    if (rounds < 1 || records < 1) {
      throw new dev.shoal.ops.UsageException("--rounds and --records must be 1 or more");
    }
    measure("bench scale's task", i -> SpecValidator.validate("{\"name\":\"s" + i
        + "\",\"command\":[\"sleep\",\"3600\"],\"replicas\":10000}").spec().withDefaults());
    measure("a task with a rich spec", i -> BenchListingCommand.richSpec("web" + i, 10_000));
    return 0;
  }

  private static byte[] record(ServiceSpec spec) {
    String id = "t1";
    TaskStatus running = new TaskStatus(id, "hollow-0001", TaskState.RUNNING, "started", null, null, "127.0.0.1:30001",
        null, "healthy", null, 1_000L, 1L, 1L, "sig-" + "a".repeat(86));
    return Json.toBytes(new Task(id, "svc1", spec.name(), 1, "hollow-0001", 1, spec, DesiredState.RUNNING, running, 5, 6));
  }

  /**
   * One record read over and over, as input and as an own record (its spec then known to the reader,
   * as for every task of a service version but the first), and records whose specs the reader has
   * not seen (more distinct ones than an own-records reader keeps, read in turn).
   */
  private void measure(String what, IntFunction<ServiceSpec> specs) {
    byte[][] same = {record(specs.apply(0))};
    byte[][] distinct = new byte[DISTINCT_SPECS][];
    for (int i = 0; i < distinct.length; i++) {
      distinct[i] = record(specs.apply(i));
    }
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    Function<byte[], Task> input = r -> Json.fromBytes(r, Task.class);
    Function<byte[], Task> own = r -> Json.fromOwnBytes(r, Task.class);
    run(input, same, records); // warm-up, untimed
    run(own, same, records);
    run(own, distinct, records);
    double bestInput = Double.MAX_VALUE;
    double bestOwn = Double.MAX_VALUE;
    double bestNewInput = Double.MAX_VALUE;
    double bestNew = Double.MAX_VALUE;
    for (int i = 0; i < rounds; i++) {
      bestInput = Math.min(bestInput, perRecordMicros(cpu, input, same));
      bestOwn = Math.min(bestOwn, perRecordMicros(cpu, own, same));
      bestNewInput = Math.min(bestNewInput, perRecordMicros(cpu, input, distinct));
      bestNew = Math.min(bestNew, perRecordMicros(cpu, own, distinct));
    }
    System.out.printf(Locale.ROOT, "[read] %s (%,d bytes): as input %.2f µs, as an own record %.2f µs (%.0f %% less);"
        + " %,d records with specs new to the reader, in turn: as input %.2f µs, as own records %.2f µs; best of %d"
        + " rounds of %,d, CPU time%n", what, same[0].length, bestInput, bestOwn, 100 * (1 - bestOwn / bestInput),
        distinct.length, bestNewInput, bestNew, rounds, records);
  }

  private double perRecordMicros(ThreadMXBean cpu, Function<byte[], Task> read, byte[][] in) {
    long t0 = cpu.getCurrentThreadCpuTime();
    run(read, in, records);
    return (cpu.getCurrentThreadCpuTime() - t0) / 1e3 / records;
  }

  private void run(Function<byte[], Task> read, byte[][] in, int n) {
    long sum = 0;
    for (int i = 0; i < n; i++) {
      sum += read.apply(in[i % in.length]).slot();
    }
    sink += sum;
  }
}
