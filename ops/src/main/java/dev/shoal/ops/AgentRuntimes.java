package dev.shoal.ops;

import dev.shoal.agent.runtime.ContainerRuntime;
import dev.shoal.agent.runtime.ProcessRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds an agent's runtimes from the {@code --runtime} choice. The process runtime is always
 * offered, so specs without an image run anywhere.
 */
final class AgentRuntimes {
  private AgentRuntimes() {}

  static List<ContainerRuntime> create(RuntimeChoice choice, Path dataDir) {
    List<ContainerRuntime> runtimes = new ArrayList<>();
    if (choice == RuntimeChoice.DOCKER) {
      throw new IllegalArgumentException("--runtime docker: the Docker runtime is not in this build yet; use process or auto");
    }
    runtimes.add(new ProcessRuntime(dataDir.resolve("process")));
    return runtimes;
  }
}
