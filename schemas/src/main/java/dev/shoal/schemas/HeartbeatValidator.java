package dev.shoal.schemas;

import java.util.List;

/**
 * Checks a node's heartbeat: a node id of the right shape, a description within limits and well-formed
 * hash-chain fields. Whether its node sent it is liveness's question ({@link NodeSignatures},
 * {@link HashChain}).
 */
public final class HeartbeatValidator {
  /** Longest beat interval an anchor may announce: an hour (agents beat every second or faster). */
  public static final long MAX_CHAIN_INTERVAL_MS = 3_600_000;

  private HeartbeatValidator() {}

  public static Validated<NodeHeartbeat> validate(NodeHeartbeat hb, String key) {
    if (hb == null || hb.nodeId() == null) {
      return invalid("a heartbeat needs a nodeId");
    }
    if (!Identifiers.id(hb.nodeId())) {
      return invalid("invalid node id (letters, digits, _ . -; at most 128)");
    }
    if (!hb.nodeId().equals(key)) {
      return invalid("heartbeat key and nodeId differ");
    }
    if (hb.sequence() < 0 || (hb.boot() != null && hb.boot() < 0)) {
      return invalid("sequence and boot must be 0 or more");
    }
    for (String text : new String[] {hb.joinProof(), hb.publicKey(), hb.signature()}) {
      if (text != null && text.length() > NodeSignatures.MAX_TEXT) {
        return invalid("joinProof, publicKey and signature are at most " + NodeSignatures.MAX_TEXT + " characters");
      }
    }
    String chain = chainProblem(hb);
    if (chain != null) {
      return invalid(chain);
    }
    if (hb.runningTaskIds() != null && hb.runningTaskIds().size() > Limits.MAX_HEARTBEAT_TASKS) {
      return invalid("a heartbeat lists at most " + Limits.MAX_HEARTBEAT_TASKS + " running tasks");
    }
    NodeDescription d = hb.description();
    if (d != null) {
      if (d.hostname() != null && (d.hostname().isEmpty() || d.hostname().length() > 253)) {
        return invalid("hostname must be 1-253 characters");
      }
      List<String> labels = Labels.problems(d.engineLabels());
      if (!labels.isEmpty()) {
        return invalid("engine labels: " + String.join("; ", labels));
      }
      if (d.resources() != null && (d.resources().cpus() < 0 || d.resources().memoryBytes() < 0
          || Double.isNaN(d.resources().cpus()) || Double.isInfinite(d.resources().cpus()))) {
        return invalid("resources must be 0 or more");
      }
    }
    return Validated.ok(hb);
  }

  /**
   * What is wrong with the hash-chain fields ({@link HashChain}), or null. An anchor carries all three
   * of its fields; a chained beat carries its element and index, its boot, and nothing that a
   * signature would have to vouch for (no signature, key, join proof or anchor fields).
   */
  private static String chainProblem(NodeHeartbeat hb) {
    boolean anyAnchor = hb.chainTop() != null || hb.chainLength() != null || hb.chainIntervalMs() != null;
    if (anyAnchor) {
      if (hb.chainTop() == null || hb.chainLength() == null || hb.chainIntervalMs() == null) {
        return "an anchor heartbeat carries chainTop, chainLength and chainIntervalMs together";
      }
      if (!HashChain.wellFormed(hb.chainTop())) {
        return "chainTop must be 32 bytes in base64url without padding (" + HashChain.ELEMENT_CHARS + " characters)";
      }
      if (hb.chainLength() < 1 || hb.chainLength() > HashChain.MAX_LENGTH) {
        return "chainLength must be 1 to " + HashChain.MAX_LENGTH;
      }
      if (hb.chainIntervalMs() < 1 || hb.chainIntervalMs() > MAX_CHAIN_INTERVAL_MS) {
        return "chainIntervalMs must be 1 to " + MAX_CHAIN_INTERVAL_MS;
      }
    }
    if (hb.chainElement() == null && hb.chainIndex() == null) {
      return null;
    }
    if (hb.chainElement() == null || hb.chainIndex() == null) {
      return "a chained heartbeat carries chainElement and chainIndex together";
    }
    if (anyAnchor || hb.signature() != null || hb.publicKey() != null || hb.joinProof() != null || hb.boot() == null) {
      return "a chained heartbeat carries its boot and no signature, publicKey, joinProof or anchor fields";
    }
    if (!HashChain.wellFormed(hb.chainElement())) {
      return "chainElement must be 32 bytes in base64url without padding (" + HashChain.ELEMENT_CHARS + " characters)";
    }
    if (hb.chainIndex() < 0 || hb.chainIndex() >= HashChain.MAX_LENGTH) {
      return "chainIndex must be 0 to " + (HashChain.MAX_LENGTH - 1);
    }
    return null;
  }

  private static Validated<NodeHeartbeat> invalid(String reason) {
    return Validated.refused(RejectionCode.INVALID, reason);
  }
}
