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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shoal bench read}: what reading one task record costs, as every reader of {@code shoal.tasks}
 * and {@code shoal.assignments} does once per task change: read as input ({@link Json#fromBytes}, every
 * check) and as the orchestrator's own record ({@link Json#fromOwnBytes}, no duplicate-key check). Two
 * records: a task of {@code bench scale}'s services and one whose spec has most fields set. Timed with
 * the thread's CPU time, rounds alternating the two ways.
 */
@Command(name = "read", mixinStandardHelpOptions = true,
    description = "CPU time to read one task record, as input and as an own record (no duplicate-key check).")
public final class BenchReadCommand implements Callable<Integer> {
  @Option(names = "--rounds", defaultValue = "8", description = "Timed rounds of each way (default ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--records", defaultValue = "50000", description = "Records read per round (default ${DEFAULT-VALUE}).")
  int records;

  /** Where every read ends up, so the JIT cannot leave out reads whose result nobody uses. */
  private volatile long sink;

  @Override
  public Integer call() {
    if (rounds < 1 || records < 1) {
      throw new dev.shoal.ops.UsageException("--rounds and --records must be 1 or more");
    }
    ServiceSpec scale = SpecValidator.validate("{\"name\":\"s0\",\"command\":[\"sleep\",\"3600\"],\"replicas\":10000}")
        .spec().withDefaults();
    measure("bench scale's task", record(scale));
    measure("a task with a rich spec", record(BenchListingCommand.richSpec("web", 10_000)));
    return 0;
  }

  private static byte[] record(ServiceSpec spec) {
    String id = "t1";
    TaskStatus running = new TaskStatus(id, "hollow-0001", TaskState.RUNNING, "started", null, null, "127.0.0.1:30001",
        null, "healthy", null, 1_000L, 1L, 1L, "sig-" + "a".repeat(86));
    return Json.toBytes(new Task(id, "svc1", spec.name(), 1, "hollow-0001", 1, spec, DesiredState.RUNNING, running, 5, 6));
  }

  private void measure(String what, byte[] record) {
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    Function<byte[], Task> input = r -> Json.fromBytes(r, Task.class);
    Function<byte[], Task> own = r -> Json.fromOwnBytes(r, Task.class);
    run(input, record, records); // warm-up, untimed
    run(own, record, records);
    double bestInput = Double.MAX_VALUE;
    double bestOwn = Double.MAX_VALUE;
    for (int i = 0; i < rounds; i++) {
      bestInput = Math.min(bestInput, perRecordMicros(cpu, input, record));
      bestOwn = Math.min(bestOwn, perRecordMicros(cpu, own, record));
    }
    System.out.printf(Locale.ROOT, "[read] %s (%,d bytes): as input %.2f µs, as an own record %.2f µs (%.0f %% less);"
        + " best of %d rounds of %,d, CPU time%n", what, record.length, bestInput, bestOwn,
        100 * (1 - bestOwn / bestInput), rounds, records);
  }

  private double perRecordMicros(ThreadMXBean cpu, Function<byte[], Task> read, byte[] record) {
    long t0 = cpu.getCurrentThreadCpuTime();
    run(read, record, records);
    return (cpu.getCurrentThreadCpuTime() - t0) / 1e3 / records;
  }

  private void run(Function<byte[], Task> read, byte[] record, int n) {
    long sum = 0;
    for (int i = 0; i < n; i++) {
      sum += read.apply(record).slot();
    }
    sink += sum;
  }
}
