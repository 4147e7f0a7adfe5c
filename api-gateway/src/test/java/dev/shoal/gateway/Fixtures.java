package dev.shoal.gateway;

import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.NodeDescription;
import dev.shoal.schemas.NodeResources;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.SpecValidator;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import java.util.List;
import java.util.Map;

/** Small builders of records for tests. */
public final class Fixtures {
  private Fixtures() {}

  public static String specJson(String name, int replicas) {
    return "{\"name\":\"" + name + "\",\"command\":[\"sleep\",\"1000\"],\"replicas\":" + replicas + "}";
  }

  public static ServiceSpec spec(String name, int replicas) {
    return SpecValidator.validate(specJson(name, replicas)).spec();
  }

  public static ServiceSpec globalSpec(String name) {
    return SpecValidator.validate("{\"name\":\"" + name + "\",\"command\":[\"sleep\",\"1\"],\"mode\":\"global\"}").spec();
  }

  public static Service service(String name, int replicas) {
    return new Service("id-" + name, name, 1, spec(name, replicas), null, null, 100, 100);
  }

  public static Service globalService(String name) {
    return new Service("id-" + name, name, 1, globalSpec(name), null, null, 100, 100);
  }

  public static Task task(String id, Service s, Integer slot, String nodeId, DesiredState desired, TaskState state,
                          long createdAt) {
    TaskStatus status = state == null ? null
        : new TaskStatus(id, nodeId, state, "msg " + state, null, state == TaskState.FAILED ? 1 : null,
            state == TaskState.RUNNING ? "127.0.0.1:4000" : null, null, null, null, createdAt + 5);
    return new Task(id, s.id(), s.name(), slot, nodeId, s.version(), s.spec(), desired, status, createdAt, createdAt + 5);
  }

  public static Node node(String id, String hostname) {
    NodeDescription d = new NodeDescription(hostname, "127.0.0.1", new NodeResources(2, 1L << 30),
        List.of("process"), Map.of(), "linux", "amd64", null, null);
    return new Node(id, 3, Node.ROLE_WORKER, Node.ACTIVE, Map.of(), d, Node.READY, null, 10, 10);
  }
}
