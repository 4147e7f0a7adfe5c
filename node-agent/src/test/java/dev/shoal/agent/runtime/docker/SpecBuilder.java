package dev.shoal.agent.runtime.docker;

import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds busybox specs and tasks for the Docker tests; every spec carries the test label. */
public final class SpecBuilder {
  private final String name;
  private final String testClass;
  private String image = DockerTestEngine.IMAGE;
  private List<String> command;
  private final Map<String, String> env = new LinkedHashMap<>();
  private final List<ServiceSpec.PortConfig> ports = new ArrayList<>();
  private ServiceSpec.Resources resources;
  private ServiceSpec.HealthCheck health;
  private String workdir;
  private String user;
  private String stopSignal;
  private String grace = "1s";
  private Boolean readOnly;
  private final List<ServiceSpec.Mount> mounts = new ArrayList<>();

  private SpecBuilder(String name, Class<?> testClass) {
    this.name = name;
    this.testClass = testClass.getSimpleName();
  }

  public static SpecBuilder service(String name, Class<?> testClass) {
    return new SpecBuilder(name, testClass);
  }

  /** busybox httpd serving /www on port 80 in the foreground. */
  public static SpecBuilder httpd(String name, Class<?> testClass) {
    return service(name, testClass).command("httpd", "-f", "-p", "80", "-h", "/www").port(80);
  }

  public SpecBuilder image(String v) {
    image = v;
    return this;
  }

  public SpecBuilder command(String... argv) {
    command = List.of(argv);
    return this;
  }

  public SpecBuilder env(String key, String value) {
    env.put(key, value);
    return this;
  }

  public SpecBuilder port(int target) {
    ports.add(new ServiceSpec.PortConfig(target, null, null, null));
    return this;
  }

  public SpecBuilder limits(Double cpus, String memory) {
    resources = new ServiceSpec.Resources(null, new ServiceSpec.ResourceAmount(cpus, memory));
    return this;
  }

  public SpecBuilder health(String interval, int retries, String... test) {
    health = new ServiceSpec.HealthCheck(List.of(test), interval, "2s", retries, null);
    return this;
  }

  public SpecBuilder workdir(String v) {
    workdir = v;
    return this;
  }

  public SpecBuilder user(String v) {
    user = v;
    return this;
  }

  public SpecBuilder stopSignal(String v) {
    stopSignal = v;
    return this;
  }

  public SpecBuilder grace(String v) {
    grace = v;
    return this;
  }

  public SpecBuilder readOnly() {
    readOnly = true;
    return this;
  }

  public SpecBuilder mount(String type, String source, String target, Boolean ro) {
    mounts.add(new ServiceSpec.Mount(type, source, target, ro));
    return this;
  }

  public ServiceSpec spec() {
    return new ServiceSpec(name, image, command, null, env, Map.of(DockerTestEngine.TEST_LABEL, testClass), null,
        null, ports, null, resources, null, null, null, health, workdir, user, stopSignal, grace, readOnly, mounts,
        null).withDefaults();
  }

  /** A task of this spec in {@code slot} on {@code nodeId}, desired RUNNING and just assigned. */
  public Task task(String id, int slot, String nodeId) {
    return new Task(id, "svc-" + name, name, slot, nodeId, 3, spec(), DesiredState.RUNNING,
        TaskStatus.of(id, nodeId, TaskState.ASSIGNED, "scheduled", 1), 1, 1);
  }
}
