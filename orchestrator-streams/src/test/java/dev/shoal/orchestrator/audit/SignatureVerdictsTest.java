package dev.shoal.orchestrator.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.schemas.NodeSignatures;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import java.security.KeyPair;
import org.junit.jupiter.api.Test;

class SignatureVerdictsTest {
  private final KeyPair node = NodeSignatures.newKeyPair();
  private final String key = NodeSignatures.encode(node.getPublic());
  private final String otherKey = NodeSignatures.encode(NodeSignatures.newKeyPair().getPublic());
  private final TaskStatus signed = NodeSignatures.sign(
      TaskStatus.of("t1", "n1", TaskState.RUNNING, "running", 1_000L).withOrder(1, 1), node.getPrivate());

  @Test
  void aVerdictAnswersOnlyForItsOwnStatusAndKey() {
    SignatureVerdicts v = new SignatureVerdicts();
    // A verdict that says "not signed" for a status that is: it shows which answers come from it.
    v.expect(new ReplayInput.CheckedSignature(signed, key, false));
    assertThat(v.verifies(signed, key)).isFalse();
    assertThat(v.answered()).isEqualTo(1);

    TaskStatus equalCopy = NodeSignatures.sign(
        TaskStatus.of("t1", "n1", TaskState.RUNNING, "running", 1_000L).withOrder(1, 1), node.getPrivate());
    assertThat(v.verifies(equalCopy, key)).isTrue(); // another object: checked now
    assertThat(v.verifies(signed, otherKey)).isFalse(); // another key: checked now
    assertThat(v.checked()).isEqualTo(2);
  }

  @Test
  void withoutAVerdictEveryQuestionIsChecked() {
    SignatureVerdicts v = new SignatureVerdicts();
    // The sequence is signed: the same signature on another sequence does not verify.
    TaskStatus forged = signed.withOrder(1, 2).withSignature(signed.signature());
    assertThat(v.verifies(signed, key)).isTrue();
    assertThat(v.verifies(forged, key)).isFalse();
    assertThat(v.answered()).isZero();
    assertThat(v.checked()).isEqualTo(2);
  }
}
