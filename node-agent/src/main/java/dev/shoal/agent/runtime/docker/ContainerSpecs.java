package dev.shoal.agent.runtime.docker;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.InternetProtocol;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.Ports;
import dev.shoal.agent.runtime.RuntimeNames;
import dev.shoal.agent.runtime.TaskRejectedException;
import dev.shoal.schemas.Durations;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Sizes;
import dev.shoal.schemas.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;

/**
 * The one place that says which spec field becomes which part of a container's config. Pure: it
 * fills a create command and checks the spec; the engine is not called.
 *
 * <p>The mapping follows compose: {@code command} followed by {@code args} replaces the image's
 * {@code CMD} and the image's {@code ENTRYPOINT} is kept (with neither, the image's {@code CMD}
 * runs) — the same argv the process driver runs. Every target port is published on
 * {@value #PUBLISH_IP} only: on a port the engine picks, or on {@code published} for a
 * {@code mode: host} port that names one (the gateway's ingress reaches tasks through these).
 * Limits become the engine's memory and NanoCPUs limits; reservations stay the scheduler's business.
 * A health check whose {@code test} does not start with {@code CMD}, {@code CMD-SHELL} or
 * {@code NONE} is taken as {@code CMD}. The container gets no restart policy: restarting is the
 * orchestrator's decision, made with a new task.
 *
 * <p>Refused here, with a reason starting {@code docker runtime:}: a mount type other than bind,
 * volume and tmpfs, a bind mount without a source or whose source the node does not allow
 * ({@link BindMountPolicy}), a tmpfs mount with a source, a volume source that is a path, a target port outside
 * 1–65535, a protocol other than tcp, udp and sctp, an unparsable duration or memory size, a
 * non-positive CPU limit, and an env name the engine would misread. What only the engine can judge
 * (a user or working directory in the image, a stop signal, a bind source on the node) it refuses
 * with its own reason when the container is created or started.
 */
final class ContainerSpecs {
  static final String PUBLISH_IP = "127.0.0.1";
  static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(10);
  private static final Set<String> PROTOCOLS = Set.of("tcp", "udp", "sctp");

  private ContainerSpecs() {}

  /** Fills {@code cmd} (created for the spec's image) for {@code task}; throws if the spec cannot be run as given. */
  static CreateContainerCmd apply(Task task, CreateContainerCmd cmd, BindMountPolicy bindMounts)
      throws TaskRejectedException {
    ServiceSpec spec = task.spec();
    Duration grace = stopGrace(spec);
    cmd.withName(RuntimeNames.of(task)).withLabels(ContainerLabels.of(task, grace));
    List<String> argv = new ArrayList<>();
    if (spec.command() != null) {
      argv.addAll(spec.command());
    }
    if (spec.args() != null) {
      argv.addAll(spec.args());
    }
    if (!argv.isEmpty()) {
      cmd.withCmd(argv);
    }
    if (spec.env() != null && !spec.env().isEmpty()) {
      checkEnv(spec);
      cmd.withEnv(new TreeMap<>(spec.env()).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }
    if (notBlank(spec.workdir())) {
      cmd.withWorkingDir(spec.workdir());
    }
    if (notBlank(spec.user())) {
      cmd.withUser(spec.user());
    }
    if (notBlank(spec.stopSignal())) {
      cmd.withStopSignal(spec.stopSignal());
    }
    // Whole seconds, rounded up: what `docker stop` uses when someone stops the container by hand.
    cmd.withStopTimeout(stopSeconds(grace));
    HostConfig host = HostConfig.newHostConfig();
    ports(spec, cmd, host);
    limits(spec, host);
    if (Boolean.TRUE.equals(spec.readOnly())) {
      host.withReadonlyRootfs(true);
    }
    if (spec.mounts() != null && !spec.mounts().isEmpty()) {
      host.withMounts(mounts(spec.mounts(), bindMounts));
    }
    if (spec.healthcheck() != null) {
      cmd.withHealthcheck(healthCheck(spec.healthcheck()));
    }
    cmd.withHostConfig(host);
    return cmd;
  }

  static Duration stopGrace(ServiceSpec spec) throws TaskRejectedException {
    return duration("stopGracePeriod", spec.stopGracePeriod(), DEFAULT_STOP_GRACE);
  }

  /** The engine's stop timeout for a grace period: whole seconds, rounded up. */
  static int stopSeconds(Duration grace) {
    long ms = Math.max(0, grace.toMillis());
    return (int) Math.min(Integer.MAX_VALUE, (ms + 999) / 1000);
  }

  private static void ports(ServiceSpec spec, CreateContainerCmd cmd, HostConfig host) throws TaskRejectedException {
    if (spec.ports() == null || spec.ports().isEmpty()) {
      return;
    }
    List<ExposedPort> exposed = new ArrayList<>();
    Ports bindings = new Ports();
    for (int i = 0; i < spec.ports().size(); i++) {
      ServiceSpec.PortConfig p = spec.ports().get(i);
      if (p.target() == null || p.target() < 1 || p.target() > 65535) {
        throw rejected("ports[" + i + "]: target must be a port number, got " + p.target());
      }
      String protocol = p.protocol() == null ? "tcp" : p.protocol().toLowerCase(Locale.ROOT);
      if (!PROTOCOLS.contains(protocol)) {
        throw rejected("ports[" + i + "]: unknown protocol " + p.protocol());
      }
      ExposedPort port = new ExposedPort(p.target(), InternetProtocol.parse(protocol));
      exposed.add(port);
      bindings.bind(port, p.booksHostPort()
          ? Ports.Binding.bindIpAndPort(PUBLISH_IP, p.published())
          : Ports.Binding.bindIp(PUBLISH_IP));
    }
    cmd.withExposedPorts(exposed);
    host.withPortBindings(bindings);
  }

  private static void limits(ServiceSpec spec, HostConfig host) throws TaskRejectedException {
    ServiceSpec.ResourceAmount limits = spec.resources() == null ? null : spec.resources().limits();
    if (limits == null) {
      return;
    }
    if (limits.memory() != null) {
      try {
        host.withMemory(Sizes.parseBytes(limits.memory()));
      } catch (IllegalArgumentException e) {
        throw rejected("resources.limits.memory: " + e.getMessage());
      }
    }
    if (limits.cpus() != null) {
      if (limits.cpus() <= 0) {
        throw rejected("resources.limits.cpus must be positive, got " + limits.cpus());
      }
      host.withNanoCPUs(Math.round(limits.cpus() * 1e9));
    }
  }

  private static List<Mount> mounts(List<ServiceSpec.Mount> mounts, BindMountPolicy bindMounts)
      throws TaskRejectedException {
    List<Mount> out = new ArrayList<>();
    for (int i = 0; i < mounts.size(); i++) {
      ServiceSpec.Mount m = mounts.get(i);
      if (!notBlank(m.target())) {
        throw rejected("mounts[" + i + "]: target is required");
      }
      String type = m.type() != null ? m.type().toLowerCase(Locale.ROOT)
          : (m.source() != null && m.source().startsWith("/") ? "bind" : "volume");
      MountType mountType = switch (type) {
        case "bind" -> MountType.BIND;
        case "volume" -> MountType.VOLUME;
        case "tmpfs" -> MountType.TMPFS;
        default -> throw rejected("mounts[" + i + "]: unknown type " + m.type()
            + " (the docker runtime supports bind, volume and tmpfs)");
      };
      if (mountType == MountType.BIND && !notBlank(m.source())) {
        throw rejected("mounts[" + i + "]: a bind mount needs a source");
      }
      if (mountType == MountType.BIND) {
        bindMounts.check(i, m.source());
      }
      if (mountType == MountType.VOLUME && notBlank(m.source()) && m.source().contains("/")) {
        // A volume is named; a path here would be the engine's to interpret, and must not become a host path.
        throw rejected("mounts[" + i + "]: a volume source is a volume name, got " + m.source());
      }
      if (mountType == MountType.TMPFS && notBlank(m.source())) {
        // The engine would drop it: a tmpfs is always new and empty, whatever the spec says.
        throw rejected("mounts[" + i + "]: a tmpfs mount takes no source, got " + m.source());
      }
      Mount mount = new Mount().withType(mountType).withTarget(m.target());
      if (notBlank(m.source()) && mountType != MountType.TMPFS) {
        mount.withSource(m.source());
      }
      if (Boolean.TRUE.equals(m.readOnly())) {
        mount.withReadOnly(true);
      }
      out.add(mount);
    }
    return out;
  }

  private static HealthCheck healthCheck(ServiceSpec.HealthCheck h) throws TaskRejectedException {
    HealthCheck out = new HealthCheck();
    List<String> test = h.test() == null ? List.of() : h.test();
    if (!test.isEmpty()) {
      boolean prefixed = List.of("NONE", "CMD", "CMD-SHELL").contains(test.get(0));
      List<String> full = new ArrayList<>();
      if (!prefixed) {
        full.add("CMD");
      }
      full.addAll(test);
      out.withTest(full);
    }
    if (h.interval() != null) {
      out.withInterval(duration("healthcheck.interval", h.interval(), null).toNanos());
    }
    if (h.timeout() != null) {
      out.withTimeout(duration("healthcheck.timeout", h.timeout(), null).toNanos());
    }
    if (h.startPeriod() != null) {
      out.withStartPeriod(duration("healthcheck.startPeriod", h.startPeriod(), null).toNanos());
    }
    if (h.retries() != null) {
      out.withRetries(h.retries());
    }
    return out;
  }

  /** Throws for a variable the engine would read otherwise than written: {@code A=B} would become {@code A} = "B=…". */
  private static void checkEnv(ServiceSpec spec) throws TaskRejectedException {
    for (var e : spec.env().entrySet()) {
      String k = e.getKey();
      if (k == null || k.isEmpty() || k.indexOf('=') >= 0 || k.indexOf('\0') >= 0
          || (e.getValue() != null && e.getValue().indexOf('\0') >= 0)) {
        throw rejected("env: \"" + k + "\" cannot be passed to a container (names must be non-empty without '=',"
            + " and nothing may contain NUL)");
      }
    }
  }

  /** Reasons name the runtime, as the process runtime's do, so a user knows which rules refused the task. */
  private static TaskRejectedException rejected(String reason) {
    return new TaskRejectedException("docker runtime: " + reason);
  }

  private static Duration duration(String field, String value, Duration fallback) throws TaskRejectedException {
    try {
      return Durations.parseOr(value, fallback);
    } catch (IllegalArgumentException e) {
      throw rejected(field + ": " + e.getMessage());
    }
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }
}
