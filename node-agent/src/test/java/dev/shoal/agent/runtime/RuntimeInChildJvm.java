package dev.shoal.agent.runtime;

import java.nio.file.Path;
import java.util.List;

/**
 * Run in a child JVM by {@link ProcessRuntimeJvmTest}: starts one task, prints its pid, then exits
 * normally ({@code exit}) or waits to be killed ({@code wait}).
 */
public final class RuntimeInChildJvm {
  private RuntimeInChildJvm() {}

  public static void main(String[] args) throws Exception {
    ProcessRuntime runtime = new ProcessRuntime(Path.of(args[0]));
    runtime.prepare(ProcessRuntimeTest.task("child", List.of("sh", "-c", "sleep 60"), null, "5s"));
    System.out.println(runtime.start("child").containerId());
    System.out.flush();
    if (args[1].equals("exit")) {
      System.exit(0); // no close(): the shutdown hook must do it
    }
    Thread.sleep(Long.MAX_VALUE);
  }
}
