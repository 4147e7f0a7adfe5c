package dev.shoal.schemas;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.Map;

/**
 * An imperative request about an existing entity, published to {@code shoal.commands} inside a
 * {@link CommandEnvelope} (key = service name or node id). Unlike a spec, a command says what to
 * change, not the whole desired state.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Command.ScaleService.class, name = "scale"),
    @JsonSubTypes.Type(value = Command.RollbackService.class, name = "rollback"),
    @JsonSubTypes.Type(value = Command.UpdateNode.class, name = "node-update"),
    @JsonSubTypes.Type(value = Command.RemoveNode.class, name = "node-remove"),
    @JsonSubTypes.Type(value = Command.RotateJoinToken.class, name = "join-token-rotate"),
})
public sealed interface Command {

  /** The entity the command is about: the Kafka key it is published under. */
  String target();

  /** Set a replicated service's replica count. */
  record ScaleService(String service, int replicas) implements Command {
    public String target() {
      return service;
    }
  }

  /** Roll a service back to its previous spec; refused when {@code expectedVersion} is set and stale. */
  record RollbackService(String service, Long expectedVersion) implements Command {
    public RollbackService(String service) {
      this(service, null);
    }

    public String target() {
      return service;
    }
  }

  /**
   * Change a node's availability ({@code active|pause|drain}), role or labels. Null fields stay
   * as they are; {@code labels}, when given, replaces the whole label set. {@code expectedVersion}
   * guards against lost updates when set.
   */
  record UpdateNode(String nodeId, String availability, String role, Map<String, String> labels,
                    Long expectedVersion) implements Command {
    public String target() {
      return nodeId;
    }
  }

  /** Replace the join token of {@code role} (worker or manager); nodes that joined stay. */
  record RotateJoinToken(String role) implements Command {
    public String target() {
      return ClusterInfo.KEY;
    }
  }

  /** Forget a node; without {@code force} only a node that is down. */
  record RemoveNode(String nodeId, boolean force) implements Command {
    public String target() {
      return nodeId;
    }
  }
}
