package dev.shoal.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Signatures survive the wire (JSON out and back) and cover every field. */
class NodeSignaturesTest {
  private final KeyPair keys = NodeSignatures.newKeyPair();
  private final String key = NodeSignatures.encode(keys.getPublic());

  private NodeHeartbeat heartbeat(long boot, long sequence) {
    NodeDescription d = new NodeDescription("host-a", "127.0.0.1", new NodeResources(2.5, 1L << 30),
        List.of("process"), Map.of("zone", "a", "disk", "ssd"), "linux", "amd64", null, "process");
    return new NodeHeartbeat("n1", sequence, d, List.of("t1", "t2"), 1_000, "proof", boot, key, null);
  }

  private static <T> T wire(T value, Class<T> type) {
    return Json.fromString(Json.toString(value), type);
  }

  @Test
  void aSignedHeartbeatVerifiesAfterTheWireAndNotWithAnotherKey() {
    NodeHeartbeat signed = NodeSignatures.sign(heartbeat(3, 7), keys.getPrivate());
    assertThat(signed.signature()).isNotBlank();
    assertThat(NodeSignatures.verifies(wire(signed, NodeHeartbeat.class), key)).isTrue();
    String other = NodeSignatures.encode(NodeSignatures.newKeyPair().getPublic());
    assertThat(NodeSignatures.verifies(signed, other)).isFalse();
    assertThat(NodeSignatures.verifies(signed.withSignature(null), key)).isFalse();
    assertThat(NodeSignatures.verifies(signed, "not a key")).isFalse();
    assertThat(NodeSignatures.verifies(signed.withSignature("!!"), key)).isFalse();
  }

  @Test
  void theSignatureCoversEveryField() {
    NodeHeartbeat signed = NodeSignatures.sign(heartbeat(3, 7), keys.getPrivate());
    List<NodeHeartbeat> changed = List.of(
        new NodeHeartbeat("n2", 7, signed.description(), signed.runningTaskIds(), 1_000, "proof", 3L, key, signed.signature()),
        new NodeHeartbeat("n1", 8, signed.description(), signed.runningTaskIds(), 1_000, "proof", 3L, key, signed.signature()),
        new NodeHeartbeat("n1", 7, signed.description(), List.of("t1"), 1_000, "proof", 3L, key, signed.signature()),
        new NodeHeartbeat("n1", 7, signed.description(), signed.runningTaskIds(), 1_001, "proof", 3L, key, signed.signature()),
        new NodeHeartbeat("n1", 7, signed.description(), signed.runningTaskIds(), 1_000, "proof", 4L, key, signed.signature()),
        new NodeHeartbeat("n1", 7, null, signed.runningTaskIds(), 1_000, "proof", 3L, key, signed.signature()));
    changed.forEach(hb -> assertThat(NodeSignatures.verifies(hb, key)).as(hb.toString()).isFalse());
  }

  @Test
  void anAnchorsSignatureCoversItsChain() {
    String top = "Zmh6rfhivXdsj8GLjp-OIAiXFIVu4jOzkCpZHQ1fKSU";
    String otherTop = "KzLbbCwKYjX7E5foIl6oXg8Obox7Em0AFsy94OZnFR4";
    NodeHeartbeat signed = NodeSignatures.sign(heartbeat(3, 7).anchoring(top, 600, 1_000), keys.getPrivate());
    assertThat(NodeSignatures.verifies(wire(signed, NodeHeartbeat.class), key)).isTrue();
    assertThat(Json.toString(signed)).contains("\"chainTop\":\"" + top + "\"", "\"chainLength\":600",
        "\"chainIntervalMs\":1000");
    List<NodeHeartbeat> changed = List.of(
        heartbeat(3, 7).anchoring(otherTop, 600, 1_000).withSignature(signed.signature()),
        heartbeat(3, 7).anchoring(top, 601, 1_000).withSignature(signed.signature()),
        heartbeat(3, 7).anchoring(top, 600, 999).withSignature(signed.signature()),
        heartbeat(3, 7).withSignature(signed.signature()));
    changed.forEach(hb -> assertThat(NodeSignatures.verifies(hb, key)).as(hb.toString()).isFalse());
  }

  @Test
  void aTaskStatusSignatureCannotPassForAHeartbeatsOrAnotherStatus() {
    TaskStatus s = new TaskStatus("t1", "n1", TaskState.RUNNING, "running", null, null, "127.0.0.1:8080",
        List.of(new TaskStatus.PortBinding(80, "127.0.0.1", 8080, "tcp")), "healthy", null, 5).withOrder(2, 9);
    TaskStatus signed = NodeSignatures.sign(s, keys.getPrivate());
    assertThat(NodeSignatures.verifies(wire(signed, TaskStatus.class), key)).isTrue();
    assertThat(NodeSignatures.verifies(signed.withOrder(2, 10).withSignature(signed.signature()), key)).isFalse();
    TaskStatus unhealthy = new TaskStatus("t1", "n1", TaskState.RUNNING, "running", null, null, "127.0.0.1:8080",
        s.ports(), "unhealthy", null, 5, 2L, 9L, signed.signature());
    assertThat(NodeSignatures.verifies(unhealthy, key)).isFalse();
    assertThat(TaskStatusValidator.validate(signed).value()).isEqualTo(signed);
  }

  /**
   * Signing and checking use Bouncy Castle, keys come from the JDK: a signature made by the JDK's own
   * Ed25519 over the purpose line and the JSON must verify, and ours must verify with the JDK's.
   */
  @Test
  void signaturesAreInterchangeableWithTheJdksEd25519() throws Exception {
    NodeHeartbeat hb = heartbeat(3, 7);
    byte[] signedBytes = concat("shoal-heartbeat-v1\n".getBytes(java.nio.charset.StandardCharsets.UTF_8), Json.toBytes(hb));
    java.security.Signature jdk = java.security.Signature.getInstance("Ed25519");
    jdk.initSign(keys.getPrivate());
    jdk.update(signedBytes);
    String jdkSignature = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(jdk.sign());
    assertThat(NodeSignatures.verifies(hb.withSignature(jdkSignature), key)).isTrue();

    NodeHeartbeat ours = NodeSignatures.sign(hb, keys.getPrivate());
    assertThat(ours.signature()).isEqualTo(jdkSignature); // Ed25519 signatures are deterministic
    jdk.initVerify(keys.getPublic());
    jdk.update(signedBytes);
    assertThat(jdk.verify(java.util.Base64.getUrlDecoder().decode(ours.signature()))).isTrue();
  }

  @Test
  void aKeyOfAnotherAlgorithmOrASignatureOfTheWrongSizeVerifiesNothing() throws Exception {
    NodeHeartbeat signed = NodeSignatures.sign(heartbeat(3, 7), keys.getPrivate());
    String x25519 = java.util.Base64.getEncoder().encodeToString(
        java.security.KeyPairGenerator.getInstance("X25519").generateKeyPair().getPublic().getEncoded());
    assertThat(NodeSignatures.verifies(signed, x25519)).isFalse();
    String shortSignature = signed.signature().substring(0, signed.signature().length() - 4);
    assertThat(NodeSignatures.verifies(signed.withSignature(shortSignature), key)).isFalse();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void publicKeysHaveOneWireForm() {
    assertThat(NodeSignatures.publicKey(key)).isEqualTo(keys.getPublic());
    assertThat(key).hasSizeLessThan(NodeSignatures.MAX_TEXT);
    assertThatThrownBy(() -> NodeSignatures.publicKey("AAAA")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aPassedCheckIsRememberedButAChangedRecordWithItsSignatureIsCheckedAndRefused() {
    TaskStatus s = new TaskStatus("t-memo", "n1", TaskState.RUNNING, "running", null, null, null, List.of(), null,
        null, 5).withOrder(4, 1);
    TaskStatus signed = NodeSignatures.sign(s, keys.getPrivate());
    assertThat(NodeSignatures.verifies(wire(signed, TaskStatus.class), key)).isTrue();
    long before = NodeSignatures.rememberedChecks();
    assertThat(NodeSignatures.verifies(wire(signed, TaskStatus.class), key)).isTrue();
    assertThat(NodeSignatures.rememberedChecks()).isEqualTo(before + 1);
    // The same signature on other bytes, under another key, or as another purpose: none is remembered.
    TaskStatus failed = new TaskStatus("t-memo", "n1", TaskState.FAILED, "running", null, null, null, List.of(), null,
        null, 5, 4L, 1L, signed.signature());
    assertThat(NodeSignatures.verifies(failed, key)).isFalse();
    String otherKey = NodeSignatures.encode(NodeSignatures.newKeyPair().getPublic());
    assertThat(NodeSignatures.verifies(signed, otherKey)).isFalse();
    assertThat(NodeSignatures.rememberedChecks()).isEqualTo(before + 1);
  }

  @Test
  void aHeartbeatCheckedAheadIsAnsweredFromMemoryOnceAndAChangedOneIsCheckedInFull() {
    NodeHeartbeat signed = NodeSignatures.sign(heartbeat(9, 1), keys.getPrivate());
    assertThat(NodeSignatures.checksAhead(wire(signed, NodeHeartbeat.class), key)).as("checked ahead").isTrue();
    long before = NodeSignatures.rememberedChecks();
    assertThat(NodeSignatures.verifies(wire(signed, NodeHeartbeat.class), key)).as("liveness's check").isTrue();
    assertThat(NodeSignatures.rememberedChecks()).isEqualTo(before + 1);
    assertThat(NodeSignatures.verifies(wire(signed, NodeHeartbeat.class), key)).as("a copy, checked in full").isTrue();
    assertThat(NodeSignatures.rememberedChecks()).isEqualTo(before + 1);
    NodeHeartbeat later = new NodeHeartbeat("n1", 2, signed.description(), signed.runningTaskIds(), 1_000, "proof", 9L,
        key, signed.signature());
    assertThat(NodeSignatures.verifies(later, key)).as("its signature on the next sequence").isFalse();
    assertThat(NodeSignatures.rememberedChecks()).isEqualTo(before + 1);
  }

  @Test
  void livenesssOwnFullCheckIsNotRememberedAndACheckAheadTwiceIsStillOneAnswer() {
    NodeHeartbeat signed = NodeSignatures.sign(heartbeat(11, 1), keys.getPrivate());
    long before = NodeSignatures.rememberedChecks();
    assertThat(NodeSignatures.verifies(wire(signed, NodeHeartbeat.class), key)).as("liveness, nothing ahead").isTrue();
    assertThat(NodeSignatures.verifies(wire(signed, NodeHeartbeat.class), key)).as("again: in full").isTrue();
    assertThat(NodeSignatures.rememberedChecks()).isEqualTo(before);

    NodeHeartbeat next = NodeSignatures.sign(heartbeat(11, 2), keys.getPrivate());
    assertThat(NodeSignatures.checksAhead(next, key)).isTrue();
    assertThat(NodeSignatures.checksAhead(wire(next, NodeHeartbeat.class), key)).as("read twice ahead").isTrue();
    assertThat(NodeSignatures.rememberedChecks()).isEqualTo(before);
    assertThat(NodeSignatures.verifies(next, key)).isTrue();
    assertThat(NodeSignatures.rememberedChecks()).isEqualTo(before + 1);
    assertThat(NodeSignatures.verifies(next, key)).isTrue();
    assertThat(NodeSignatures.rememberedChecks()).isEqualTo(before + 1);

    NodeHeartbeat forged = new NodeHeartbeat("n1", 3, next.description(), null, 1_000, "proof", 11L, key,
        next.signature());
    assertThat(NodeSignatures.checksAhead(forged, key)).isFalse();
    assertThat(NodeSignatures.verifies(forged, key)).isFalse();
    assertThat(NodeSignatures.rememberedChecks()).isEqualTo(before + 1);
  }
}
