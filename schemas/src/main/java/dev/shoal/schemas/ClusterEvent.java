package dev.shoal.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * A human-readable fact for people, audit and dashboards: value of {@code shoal.events}, key =
 * entity id. {@code type} is dotted, e.g. {@code service.created}, {@code task.failed},
 * {@code spec.rejected}, {@code node.down}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClusterEvent(
    String type,
    String entityKind,
    String entityId,
    String message,
    Map<String, String> attributes,
    long time) {}
