package dev.shoal.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.schemas.NodeHeartbeat;
import dev.shoal.schemas.NodeSignatures;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node key stays the node's across starts, stays private, and every start gets a new boot. */
class NodeSignerTest {
  @TempDir
  Path dir;

  @Test
  void theKeyIsMadeOnceWithMode600AndEveryStartCountsABoot() throws Exception {
    NodeSigner first = NodeSigner.start(dir);
    Path key = dir.resolve(NodeSigner.KEY_FILE);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    NodeSigner second = NodeSigner.start(dir);
    assertThat(second.publicKey()).isEqualTo(first.publicKey());
    assertThat(second.boot()).isEqualTo(first.boot() + 1);
  }

  @Test
  void aKeyFileOthersCanReadIsRefusedWithTheFix() throws Exception {
    NodeSigner.start(dir);
    Path key = dir.resolve(NodeSigner.KEY_FILE);
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> NodeSigner.start(dir)).isInstanceOf(PrivateFiles.ExposedException.class)
        .hasMessage("node key file " + key + " must not be readable by group or others (it is rw-r--r--); run: chmod 600 "
            + key);
  }

  @Test
  void anAnchorIsSignedWithItsChain() {
    NodeSigner signer = NodeSigner.start(dir);
    String top = "Zmh6rfhivXdsj8GLjp-OIAiXFIVu4jOzkCpZHQ1fKSU";
    NodeHeartbeat hb = signer.sign(new NodeHeartbeat("n1", 4, null, null, 1_000, "proof").anchoring(top, 600, 500));
    assertThat(hb.chainTop()).isEqualTo(top);
    assertThat(hb.chainLength()).isEqualTo(600);
    assertThat(hb.chainIntervalMs()).isEqualTo(500L);
    assertThat(NodeSignatures.verifies(hb, signer.publicKey())).isTrue();
    NodeHeartbeat otherInterval = hb.anchoring(top, 600, 1_000).withSignature(hb.signature());
    assertThat(NodeSignatures.verifies(otherInterval, signer.publicKey())).isFalse();
  }

  @Test
  void heartbeatsAndStatusesGoOutSignedInOrder() {
    NodeSigner signer = NodeSigner.start(dir);
    NodeHeartbeat hb = signer.sign(new NodeHeartbeat("n1", 4, null, List.of(), 1_000, "proof"));
    assertThat(hb.boot()).isEqualTo(signer.boot());
    assertThat(hb.publicKey()).isEqualTo(signer.publicKey());
    assertThat(NodeSignatures.verifies(hb, signer.publicKey())).isTrue();
    TaskStatus a = signer.sign(TaskStatus.of("t1", "n1", TaskState.RUNNING, "running", 1));
    TaskStatus b = signer.sign(TaskStatus.of("t1", "n1", TaskState.COMPLETE, "done", 2));
    assertThat(b.sequence()).isGreaterThan(a.sequence());
    assertThat(NodeSignatures.verifies(b, signer.publicKey())).isTrue();
  }
}
