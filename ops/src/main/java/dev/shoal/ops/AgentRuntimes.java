package dev.shoal.ops;

import dev.shoal.agent.runtime.ContainerRuntime;
import dev.shoal.agent.runtime.ProcessRuntime;
import dev.shoal.agent.runtime.docker.DockerRuntime;
import dev.shoal.agent.runtime.docker.DockerUnavailableException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds an agent's runtimes from the {@code --runtime} choice: {@code docker} needs an engine that
 * answers {@code _ping} ({@code DOCKER_HOST} or the default socket), {@code auto} uses one when it
 * answers and says which way it went, {@code process} never asks. The process runtime is always
 * offered beside it, so specs without an image run anywhere.
 */
final class AgentRuntimes {
  private static final Logger LOG = LoggerFactory.getLogger(AgentRuntimes.class);

  private AgentRuntimes() {}

  /**
   * @param hostname names the node in the process runtime's reasons; null: this machine's name
   * @param allowBindMounts host paths tasks may bind-mount ({@code --allow-bind-mount}); the Docker runtime's rules
   */
  static List<ContainerRuntime> create(RuntimeChoice choice, Path dataDir, String hostname,
                                       List<String> allowBindMounts) {
    List<ContainerRuntime> runtimes = new ArrayList<>();
    if (choice == RuntimeChoice.DOCKER) {
      try {
        runtimes.add(docker(allowBindMounts));
      } catch (DockerUnavailableException e) {
        throw new IllegalStateException("--runtime docker: " + e.getMessage()
            + " (start an engine, set DOCKER_HOST, or use --runtime auto or process)", e);
      }
    } else if (choice == RuntimeChoice.AUTO) {
      try {
        runtimes.add(docker(allowBindMounts));
      } catch (DockerUnavailableException e) {
        LOG.info("runtime auto: {}; tasks with an image will be rejected, the process runtime runs the rest",
            e.getMessage());
      }
    }
    runtimes.add(hostname == null ? new ProcessRuntime(dataDir.resolve("process"))
        : new ProcessRuntime(dataDir.resolve("process"), hostname));
    return runtimes;
  }

  private static DockerRuntime docker(List<String> allowBindMounts) throws DockerUnavailableException {
    DockerRuntime docker = DockerRuntime.connect(null, DockerRuntime.DEFAULT_PULL_TIMEOUT, allowBindMounts);
    LOG.info("tasks may bind-mount {}", allowBindMounts.isEmpty() ? "no host path (--allow-bind-mount allows some)"
        : "host paths under " + allowBindMounts);
    LOG.info("runtime: Docker engine {} at {} runs tasks with an image, the process runtime those without",
        docker.version(), docker.engine());
    return docker;
  }
}
