package dev.shoal.ops.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * CPU time of this JVM, all threads. A bench that runs the whole cluster in one JVM gets from it
 * what a kind of operation costs the machine, a figure that other load on the cores does not move
 * the way it moves latencies.
 */
final class JvmCpu {
  private JvmCpu() {
  }

  static long nanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }

  /** CPU milliseconds a second this JVM uses while nothing is asked of it, over {@code window}. */
  static double idleMsPerSecond(Duration window) {
    long cpu0 = nanos();
    long t0 = System.nanoTime();
    LockSupport.parkNanos(window.toNanos()); // measuring idleness: nothing to wait for but time
    return (nanos() - cpu0) / 1e6 / ((System.nanoTime() - t0) / 1e9);
  }
}
