package dev.shoal.orchestrator.streams;

import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.RejectionCode;
import java.util.Map;
import java.util.TreeMap;

/** Builds the rejection events that take the place of a bad input record (DESIGN principle 5). */
final class Rejections {
  private Rejections() {}

  static ClusterEvent of(String type, String kind, String id, String reason, String requestId, String topic,
                         RejectionCode code, long time) {
    Map<String, String> attrs = new TreeMap<>();
    attrs.put("topic", topic);
    attrs.put("outcome", "rejected");
    attrs.put("code", (code == null ? RejectionCode.INVALID : code).wire());
    if (requestId != null) {
      attrs.put("requestId", requestId);
    }
    String shownId = id == null ? "" : id.length() > 128 ? id.substring(0, 128) : id;
    return new ClusterEvent(type, kind, shownId, reason, attrs, time);
  }
}
