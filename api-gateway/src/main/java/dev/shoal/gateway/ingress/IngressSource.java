package dev.shoal.gateway.ingress;

import dev.shoal.gateway.kafka.ReadModel;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.Task;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** What the ingress reads: the services, their tasks, the nodes, and a signal when any of them changed. */
public interface IngressSource {
  Collection<Service> services();

  List<Task> tasksOfService(String serviceId);

  Optional<Node> node(String nodeId);

  /**
   * Runs {@code onChange} after each change, on whatever thread made it; it must return at once.
   * Closing the handle stops the calls.
   */
  AutoCloseable subscribe(Runnable onChange);

  /** The gateway's read model as a source. */
  static IngressSource of(ReadModel model) {
    return new IngressSource() {
      @Override
      public Collection<Service> services() {
        return model.services();
      }

      @Override
      public List<Task> tasksOfService(String serviceId) {
        return model.tasksOfService(serviceId);
      }

      @Override
      public Optional<Node> node(String nodeId) {
        return model.node(nodeId);
      }

      @Override
      public AutoCloseable subscribe(Runnable onChange) {
        return model.subscribe(onChange);
      }
    };
  }
}
