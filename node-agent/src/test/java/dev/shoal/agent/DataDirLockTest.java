package dev.shoal.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One agent per data directory; the ops ITs check the same across processes with the real launcher. */
class DataDirLockTest {
  @TempDir
  Path dir;

  private NodeAgentConfig config() {
    return NodeAgentConfig.builder("127.0.0.1:1", dir).build();
  }

  @Test
  void aSecondAgentOnTheSameDataDirIsRefusedUntilTheFirstCloses() throws Exception {
    NodeAgent first = new NodeAgent(config());
    String pid = Long.toString(ProcessHandle.current().pid());
    try {
      assertThat(Files.readString(dir.resolve(DataDirLock.AGENT_FILE)).trim()).isEqualTo(pid);
      assertThatThrownBy(() -> new NodeAgent(config()))
          .isInstanceOf(DataDirLock.InUseException.class)
          .hasMessage(dir + " is in use by another node agent (pid " + pid + "); it holds "
              + dir.toRealPath().resolve(DataDirLock.AGENT_FILE));
    } finally {
      first.close();
    }
    NodeAgent again = new NodeAgent(config());
    try {
      assertThat(again.nodeId()).isEqualTo(first.nodeId());
    } finally {
      again.close();
    }
  }

  @Test
  void aLockIsReleasedOnceAndLocksOfOtherDirectoriesAreIndependent() {
    DataDirLock a = DataDirLock.acquire(dir.resolve("a"), "x.lock", "test");
    DataDirLock b = DataDirLock.acquire(dir.resolve("b"), "x.lock", "test");
    a.close();
    a.close(); // idempotent: must not release anyone else's
    assertThatThrownBy(() -> DataDirLock.acquire(dir.resolve("b"), "x.lock", "test"))
        .isInstanceOf(DataDirLock.InUseException.class);
    DataDirLock.acquire(dir.resolve("a"), "x.lock", "test").close();
    b.close();
  }
}
