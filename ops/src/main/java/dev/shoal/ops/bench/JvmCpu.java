package dev.shoal.ops.bench;

import java.lang.management.ManagementFactory;

/**
 * CPU time of this JVM, all threads. A bench that runs the whole cluster in one JVM gets from it
 * what a kind of operation costs the machine, a figure that other load on the cores moves less than
 * it moves latencies (under a load of 30 it read about 1.5 times what it reads on a quiet machine).
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
}
