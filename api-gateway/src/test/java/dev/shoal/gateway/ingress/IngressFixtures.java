package dev.shoal.gateway.ingress;

import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.SpecValidator;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Builders of services and tasks with published ports, and an in-memory {@link IngressSource}. */
final class IngressFixtures {
  private IngressFixtures() {}

  /** A service publishing {@code published} for target 80; {@code extra} is more spec JSON (",\"labels\":…"). */
  static Service service(String name, int published, String portExtra, String extra, long createdAt) {
    String json = "{\"name\":\"" + name + "\",\"command\":[\"true\"],\"ports\":[{\"target\":80,\"published\":"
        + published + portExtra + "}]" + extra + "}";
    SpecValidator.Result r = SpecValidator.validate(json);
    if (!r.valid()) {
      throw new IllegalArgumentException(r.message());
    }
    return new Service("id-" + name, name, 1, r.spec(), null, null, createdAt, createdAt);
  }

  static Service httpService(String name, int published) {
    return service(name, published, ",\"appProtocol\":\"http\"", "", 1);
  }

  static Service tcpService(String name, int published) {
    return service(name, published, "", "", 1);
  }

  /** A task of {@code s} in slot {@code slot} whose target port 80 answers on 127.0.0.1:{@code hostPort}. */
  static Task task(Service s, int slot, DesiredState desired, TaskState state, String health, int hostPort) {
    String id = s.name() + "-task-" + slot;
    TaskStatus status = new TaskStatus(id, "node-1", state, "", null, null, "127.0.0.1:" + hostPort,
        List.of(new TaskStatus.PortBinding(80, "127.0.0.1", hostPort, "tcp")), health, null, 1);
    return new Task(id, s.id(), s.name(), slot, "node-1", 1, s.spec(), desired, status, 1, 1);
  }

  static Task running(Service s, int slot, int hostPort) {
    return task(s, slot, DesiredState.RUNNING, TaskState.RUNNING, null, hostPort);
  }

  /** A port nothing listens on (bound, then closed): connecting to it is refused. */
  /**
   * A loopback port nothing listens on now, for a test to publish later. Taken below the kernel's
   * ephemeral range: a port the kernel handed out (bind to 0) is free only until the next outgoing
   * connection takes it as its own local port, and then the ingress cannot bind it (seen once in a
   * full run: "Address already in use" for 10 s).
   */
  static int closedPort() throws IOException {
    int below = ephemeralLow();
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = random.nextInt(10_000, below);
      try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      } catch (IOException taken) {
        // another one
      }
    }
    throw new IOException("no free loopback port between 10000 and " + below);
  }

  /** The lowest port the kernel gives outgoing connections (32768 when it cannot be read). */
  private static int ephemeralLow() {
    try {
      String range = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range"));
      int low = Integer.parseInt(range.trim().split("\\s+")[0]);
      return low > 11_000 ? low : 32_768;
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }

  /** A mutable picture of the cluster that tells its subscribers about every change, as the read model does. */
  static final class Source implements IngressSource {
    private final Map<String, Service> services = new ConcurrentHashMap<>();
    private final Map<String, Task> tasks = new ConcurrentHashMap<>();
    private final Map<String, Node> nodes = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    void put(Service s) {
      services.put(s.id(), s);
      changed();
    }

    void remove(Service s) {
      services.remove(s.id());
      changed();
    }

    void put(Task t) {
      tasks.put(t.id(), t);
      changed();
    }

    void put(Node n) {
      nodes.put(n.id(), n);
      changed();
    }

    private void changed() {
      listeners.forEach(Runnable::run);
    }

    @Override
    public Collection<Service> services() {
      return List.copyOf(services.values());
    }

    @Override
    public List<Task> tasksOfService(String serviceId) {
      List<Task> out = new ArrayList<>();
      tasks.values().forEach(t -> {
        if (t.serviceId().equals(serviceId)) {
          out.add(t);
        }
      });
      return out;
    }

    @Override
    public Optional<Node> node(String nodeId) {
      return Optional.ofNullable(nodes.get(nodeId));
    }

    @Override
    public AutoCloseable subscribe(Runnable onChange) {
      listeners.add(onChange);
      return () -> listeners.remove(onChange);
    }
  }
}
