package dev.shoal.orchestrator.core;

import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.NodeDescription;
import dev.shoal.schemas.NodeResources;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.SpecValidator;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import java.util.List;
import java.util.Map;

/** Small builders for scheduler and reconciler tests. */
final class Fixtures {
  private Fixtures() {}

  static Node node(String id) {
    return node(id, Map.of(), 4, 8L << 30);
  }

  static Node node(String id, Map<String, String> labels, double cpus, long memory) {
    return new Node(id, 1, Node.ROLE_WORKER, Node.ACTIVE, labels,
        new NodeDescription("host-" + id, "127.0.0.1", new NodeResources(cpus, memory), List.of("process"), Map.of(),
            "linux", "amd64", null, "process"), Node.READY, null, 0, 0);
  }

  static ServiceSpec spec(String json) {
    SpecValidator.Result r = SpecValidator.validate(json);
    if (!r.valid()) {
      throw new IllegalArgumentException(r.message());
    }
    return r.spec();
  }

  static Task running(String id, String serviceId, ServiceSpec spec, String nodeId, int slot) {
    return new Task(id, serviceId, spec.name(), slot, nodeId, 1, spec, DesiredState.RUNNING,
        TaskStatus.of(id, nodeId, TaskState.RUNNING, "running", 0), 0, 0);
  }
}
