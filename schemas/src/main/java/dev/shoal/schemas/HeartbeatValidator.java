package dev.shoal.schemas;

import java.util.List;

/**
 * Checks a node's heartbeat: a node id of the right shape and a description within limits. Whether
 * its node sent it is liveness's question ({@link NodeSignatures}).
 */
public final class HeartbeatValidator {
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

  private static Validated<NodeHeartbeat> invalid(String reason) {
    return Validated.refused(RejectionCode.INVALID, reason);
  }
}
