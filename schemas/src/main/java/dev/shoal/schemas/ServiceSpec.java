package dev.shoal.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * The desired state of one service, in the one JSON shape used by the REST API, by any Kafka
 * client publishing to {@code shoal.specs}, and by {@code service-spec.schema.json}.
 *
 * <p>Flat and compose-like: durations are Go-style strings ({@code "5s"}), memory sizes are
 * strings such as {@code "64M"}. A spec without {@code image} runs {@code command} as a plain
 * process on the host (the process driver); with an image it needs a node that offers the
 * {@code docker} driver. Absent optional fields stay {@code null}; {@link #withDefaults()} fills
 * Swarm's defaults so that two specs that mean the same compare equal.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServiceSpec(
    String name,
    String image,
    List<String> command,
    List<String> args,
    Map<String, String> env,
    Map<String, String> labels,
    String mode,
    Integer replicas,
    List<PortConfig> ports,
    Placement placement,
    Resources resources,
    RestartPolicy restartPolicy,
    UpdateConfig updateConfig,
    UpdateConfig rollbackConfig,
    HealthCheck healthcheck,
    String workdir,
    String user,
    String stopSignal,
    String stopGracePeriod,
    Boolean readOnly,
    List<Mount> mounts,
    Long forceUpdate) {

  public static final String MODE_REPLICATED = "replicated";
  public static final String MODE_GLOBAL = "global";

  /**
   * One port a task listens on; {@code published} is the port users reach it by. In mode
   * {@code ingress} (the default) every gateway listens on the published port and balances over the
   * service's running tasks; {@code appProtocol: http} has it balance requests rather than
   * connections (see {@code docs/design.md}, "Ingress"). In mode {@code host} the task's node
   * publishes it directly.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record PortConfig(Integer target, Integer published, String protocol, String mode, String appProtocol) {
    public static final String MODE_INGRESS = "ingress";
    public static final String MODE_HOST = "host";
    /** The application protocol of a port whose ingress proxies HTTP requests (X-Forwarded-*, retries). */
    public static final String APP_HTTP = "http";
    /** The default application protocol: any TCP stream, balanced per connection. */
    public static final String APP_TCP = "tcp";

    /** A port without an application protocol (raw TCP through the ingress). */
    public PortConfig(Integer target, Integer published, String protocol, String mode) {
      this(target, published, protocol, mode, null);
    }

    PortConfig withDefaults() {
      return new PortConfig(target, published, protocol == null ? "tcp" : protocol,
          mode == null ? MODE_INGRESS : mode, appProtocol);
    }

    /** A port every gateway publishes: ingress mode with a published port. */
    public boolean isIngress() {
      return !MODE_HOST.equals(mode) && published != null && published > 0;
    }

    /** A host-mode port with a fixed published port books that port on the node it runs on. */
    public boolean booksHostPort() {
      return MODE_HOST.equals(mode) && published != null && published > 0;
    }
  }

  /** Where tasks may run ({@code constraints}) and how they spread ({@code preferences}). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Placement(List<String> constraints, List<Preference> preferences, Integer maxReplicasPerNode) {}

  /** A placement preference: spread tasks evenly over the values of a node attribute. */
  public record Preference(String spread) {}

  /** Reservations (what the scheduler books on a node) and limits (what the runtime enforces). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Resources(ResourceAmount reservations, ResourceAmount limits) {}

  /** CPUs as a decimal number of cores, memory as a size string such as {@code "64M"}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ResourceAmount(Double cpus, String memory) {
    public double cpusOrZero() {
      return cpus == null ? 0 : cpus;
    }

    public long memoryBytesOrZero() {
      return memory == null ? 0 : Sizes.parseBytes(memory);
    }
  }

  /** When a task that ended is replaced: Swarm's condition, delay, attempts and window. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record RestartPolicy(String condition, String delay, Integer maxAttempts, String window) {
    public static final RestartPolicy DEFAULT = new RestartPolicy("any", "5s", 0, "0s");
  }

  /** How a change (update) or a rollback rolls over the tasks. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record UpdateConfig(Integer parallelism, String delay, String failureAction, String monitor,
                             Double maxFailureRatio, String order) {
    public static final UpdateConfig DEFAULT = new UpdateConfig(1, "0s", "pause", "5s", 0.0, "stop-first");
  }

  /** A container health check, Docker's shape with Go-style durations. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record HealthCheck(List<String> test, String interval, String timeout, Integer retries, String startPeriod) {}

  /** A bind or volume mount. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Mount(String type, String source, String target, Boolean readOnly) {}

  public boolean isGlobal() {
    return MODE_GLOBAL.equals(mode);
  }

  /** The driver a node must offer to run this service's tasks. */
  public String driver() {
    return image == null || image.isBlank() ? Drivers.PROCESS : Drivers.DOCKER;
  }

  /**
   * Fills Swarm's defaults (replicated mode, one replica, tcp ingress ports, restart policy any/5s,
   * update and rollback configs) and empty collections, so stored specs are complete and comparable.
   */
  public ServiceSpec withDefaults() {
    String m = mode == null ? MODE_REPLICATED : mode;
    Integer r = MODE_GLOBAL.equals(m) ? null : (replicas == null ? 1 : replicas);
    return new ServiceSpec(name, image, nz(command), nz(args), nz(env), nz(labels), m, r,
        ports == null ? List.of() : ports.stream().map(PortConfig::withDefaults).toList(),
        placement, resources,
        restartPolicy == null ? RestartPolicy.DEFAULT : mergeRestart(restartPolicy),
        updateConfig == null ? UpdateConfig.DEFAULT : mergeUpdate(updateConfig),
        rollbackConfig == null ? UpdateConfig.DEFAULT : mergeUpdate(rollbackConfig),
        healthcheck, workdir, user, stopSignal, stopGracePeriod == null ? "10s" : stopGracePeriod,
        readOnly, nz(mounts), forceUpdate == null ? 0L : forceUpdate);
  }

  public ServiceSpec withReplicas(int n) {
    return new ServiceSpec(name, image, command, args, env, labels, mode, n, ports, placement, resources,
        restartPolicy, updateConfig, rollbackConfig, healthcheck, workdir, user, stopSignal, stopGracePeriod,
        readOnly, mounts, forceUpdate);
  }

  /**
   * What a task runs: the spec without the replica count and without the update and rollback
   * configs. Two specs whose templates are equal run the same task, so changing only
   * {@code replicas} scales and changing only how updates roll replaces nothing.
   */
  public ServiceSpec taskTemplate() {
    return new ServiceSpec(name, image, command, args, env, labels, mode, 0, ports, placement, resources,
        restartPolicy, null, null, healthcheck, workdir, user, stopSignal, stopGracePeriod, readOnly, mounts,
        forceUpdate);
  }

  private static RestartPolicy mergeRestart(RestartPolicy p) {
    RestartPolicy d = RestartPolicy.DEFAULT;
    return new RestartPolicy(p.condition() == null ? d.condition() : p.condition(),
        p.delay() == null ? d.delay() : p.delay(),
        p.maxAttempts() == null ? d.maxAttempts() : p.maxAttempts(),
        p.window() == null ? d.window() : p.window());
  }

  private static UpdateConfig mergeUpdate(UpdateConfig u) {
    UpdateConfig d = UpdateConfig.DEFAULT;
    return new UpdateConfig(u.parallelism() == null ? d.parallelism() : u.parallelism(),
        u.delay() == null ? d.delay() : u.delay(),
        u.failureAction() == null ? d.failureAction() : u.failureAction(),
        u.monitor() == null ? d.monitor() : u.monitor(),
        u.maxFailureRatio() == null ? d.maxFailureRatio() : u.maxFailureRatio(),
        u.order() == null ? d.order() : u.order());
  }

  private static <T> List<T> nz(List<T> l) {
    return l == null ? List.of() : l;
  }

  private static <K, V> Map<K, V> nz(Map<K, V> m) {
    return m == null ? Map.of() : m;
  }
}
