package dev.shoal.orchestrator.streams;

import dev.shoal.schemas.ClusterEvent;
import java.util.Map;
import java.util.TreeMap;

/** Builds the rejection events that take the place of a bad input record (DESIGN principle 5). */
final class Rejections {
  private Rejections() {}

  static ClusterEvent of(String type, String kind, String id, String reason, String requestId, String topic,
                         long time) {
    Map<String, String> attrs = new TreeMap<>();
    attrs.put("topic", topic);
    if (requestId != null) {
      attrs.put("requestId", requestId);
    }
    return new ClusterEvent(type, kind, id == null ? "" : id, reason, attrs, time);
  }
}
