package dev.shoal.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JoinTokensTest {
  private final byte[] secret = "a cluster secret of some length".getBytes(StandardCharsets.UTF_8);

  @Test
  void tokensHaveSwarmsShapeAndDifferByRoleAndGeneration() {
    String worker = JoinTokens.token(secret, "worker", 1);
    assertThat(worker).matches("SWMTKN-1-[0-9a-z]{50}-[0-9a-z]{25}");
    assertThat(JoinTokens.wellFormed(worker)).isTrue();
    assertThat(JoinTokens.token(secret, "manager", 1)).isNotEqualTo(worker).startsWith(worker.substring(0, 59));
    assertThat(JoinTokens.token(secret, "worker", 2)).isNotEqualTo(worker);
    assertThat(JoinTokens.token("other".getBytes(StandardCharsets.UTF_8), "worker", 1).substring(0, 59))
        .isNotEqualTo(worker.substring(0, 59));
    assertThat(JoinTokens.wellFormed("SWMTKN-1-abc")).isFalse();
  }

  @Test
  void aProofNamesTheRoleOfTheCurrentTokenOnlyForItsNodeAndKey() {
    ClusterInfo info = ClusterInfo.INITIAL;
    String worker = JoinTokens.token(secret, "worker", 1);
    String manager = JoinTokens.token(secret, "manager", 1);
    String key = NodeSignatures.encode(NodeSignatures.newKeyPair().getPublic());
    String otherKey = NodeSignatures.encode(NodeSignatures.newKeyPair().getPublic());
    assertThat(JoinTokens.roleFor(secret, info, "n1", key, JoinTokens.proof(worker, "n1", key))).contains("worker");
    assertThat(JoinTokens.roleFor(secret, info, "n1", key, JoinTokens.proof(manager, "n1", key))).contains("manager");
    assertThat(JoinTokens.roleFor(secret, info, "n2", key, JoinTokens.proof(worker, "n1", key))).isEmpty();
    // A copied proof does not let anyone join as that node with a key of their own.
    assertThat(JoinTokens.roleFor(secret, info, "n1", otherKey, JoinTokens.proof(worker, "n1", key))).isEmpty();
    assertThat(JoinTokens.roleFor(secret, info.rotated("worker", 5), "n1", key, JoinTokens.proof(worker, "n1", key)))
        .isEmpty();
    assertThat(JoinTokens.roleFor(secret, info, "n1", key, null)).isEmpty();
    assertThat(JoinTokens.roleFor(secret, info, "n1", null, JoinTokens.proof(worker, "n1", key))).isEmpty();
  }
}
