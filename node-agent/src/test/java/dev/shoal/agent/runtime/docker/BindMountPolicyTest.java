package dev.shoal.agent.runtime.docker;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.agent.runtime.TaskRejectedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's bind-mount rules, on real paths of this machine (symbolic links included). */
class BindMountPolicyTest {
  @TempDir
  Path dir;

  private static void allowed(BindMountPolicy p, String source) {
    assertThatCode(() -> p.check(0, source)).as(source).doesNotThrowAnyException();
  }

  private static org.assertj.core.api.AbstractThrowableAssert<?, ?> refused(BindMountPolicy p, String source) {
    return assertThatThrownBy(() -> p.check(0, source)).as(source).isInstanceOf(TaskRejectedException.class);
  }

  @Test
  void withoutAllowancesNoHostPathMayBeMounted() {
    refused(BindMountPolicy.NONE, "/tmp").hasMessage("docker runtime: mounts[0]: bind mount source /tmp is refused:"
        + " this node allows no host bind mounts (rule: prefix; start the agent with --allow-bind-mount PREFIX)");
  }

  @Test
  void aSourceMustBeUnderAnAllowedPrefixComponentByComponent() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.createDirectories(dir.resolve("database"));
    BindMountPolicy p = BindMountPolicy.allowing(List.of(data.toString()));
    allowed(p, data.toString());
    allowed(p, data.resolve("sub/not-yet-there").toString());
    refused(p, dir.resolve("database").toString()).hasMessageContaining("is not under a prefix this node allows"
        + " (rule: prefix; allowed: " + data.toRealPath() + "; --allow-bind-mount)");
    refused(p, "relative/path").hasMessageContaining("must be an absolute path");
  }

  @Test
  void dotDotAndSymbolicLinksAreResolvedBeforeTheCheck() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Path secret = Files.createDirectories(dir.resolve("secret"));
    Files.createSymbolicLink(data.resolve("escape"), secret);
    Files.createSymbolicLink(data.resolve("root"), Path.of("/"));
    BindMountPolicy p = BindMountPolicy.allowing(List.of(data.toString()));
    refused(p, data + "/../secret").hasMessageContaining("(" + secret.toRealPath() + " on this node)")
        .hasMessageContaining("rule: prefix");
    refused(p, data + "/escape").hasMessageContaining("(" + secret.toRealPath() + " on this node)");
    refused(p, data + "/escape/inner").hasMessageContaining("rule: prefix");
    refused(p, data + "/root").hasMessageContaining("is the host's root directory")
        .hasMessageContaining("rule: exact name; --allow-bind-mount /)");
  }

  @Test
  void theRootAndDockerSocketsNeedTheirExactName() throws Exception {
    BindMountPolicy everything = BindMountPolicy.allowing(List.of("/"), dir.resolve("engine.sock").toString());
    allowed(everything, "/usr/share");
    allowed(everything, "/");
    refused(everything, "/var/run/docker.sock").hasMessageContaining("is the Docker socket: refused unless allowed"
        + " by exact name (rule: exact name; --allow-bind-mount ");
    refused(everything, "/srv/elsewhere/docker.sock").hasMessageContaining("is the Docker socket");
    refused(everything, dir.resolve("engine.sock").toString()).hasMessageContaining("is the Docker socket");
    refused(everything, dir.toString()).hasMessageContaining("holds the Docker socket " + dir.resolve("engine.sock"));
    refused(everything, "/run").hasMessageContaining("holds the Docker socket");
    refused(BindMountPolicy.allowing(List.of("/usr")), "/").hasMessageContaining("is the host's root directory");

    BindMountPolicy socket = BindMountPolicy.allowing(List.of("/var/run/docker.sock"));
    allowed(socket, "/var/run/docker.sock");
    refused(socket, "/var/run").hasMessageContaining("holds the Docker socket");
  }

  @Test
  void aRelativeAllowanceIsRefused() {
    assertThatThrownBy(() -> BindMountPolicy.allowing(List.of("data")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be an absolute path");
  }
}
