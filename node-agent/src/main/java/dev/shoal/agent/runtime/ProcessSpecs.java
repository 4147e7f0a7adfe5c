package dev.shoal.agent.runtime;

import dev.shoal.schemas.Durations;
import dev.shoal.schemas.ServiceSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one place that says what the process runtime makes of each spec field, and which fields it
 * refuses because a plain process cannot honour them; the Docker runtime's counterpart is
 * {@code docker.ContainerSpecs}. Pure: nothing is started.
 *
 * <p>Honoured: {@code command}, {@code args}, {@code env}, {@code workdir} (absolute, existing),
 * {@code user} ({@link TaskUsers}), {@code ports} (a free port on 127.0.0.1 per target, or a
 * {@code mode: host} port's {@code published} one), {@code stopSignal} and {@code stopGracePeriod},
 * {@code healthcheck} ({@link HealthSpec}). Refused, with a reason naming the field: {@code mounts},
 * {@code readOnly: true}, {@code resources.limits} (nothing short of a container or a cgroup of its own
 * enforces a memory or CPU limit; {@code prlimit}'s address-space limit is not a memory limit), and
 * {@code sctp} ports. {@code resources.reservations}, placement, restart, update and rollback settings
 * are the orchestrator's business, {@code labels} are metadata.
 */
final class ProcessSpecs {
  static final String PREFIX = "process runtime";
  static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(10);

  private ProcessSpecs() {}

  /** A target port of the task and the host port it gets: fixed (a host-mode published port) or any free one. */
  record PortRequest(int target, String protocol, Integer fixedHostPort) {}

  /** Throws for the first field the process runtime cannot honour. */
  static void refuseUnsupported(ServiceSpec spec) throws TaskRejectedException {
    if (spec.mounts() != null && !spec.mounts().isEmpty()) {
      throw new TaskRejectedException(PREFIX + " does not support mounts: a process sees the node's own filesystem");
    }
    if (Boolean.TRUE.equals(spec.readOnly())) {
      throw new TaskRejectedException(PREFIX + " does not support readOnly: a process cannot get a read-only root"
          + " filesystem of its own");
    }
    ServiceSpec.ResourceAmount limits = spec.resources() == null ? null : spec.resources().limits();
    if (limits != null && limits.memory() != null) {
      throw new TaskRejectedException(PREFIX + " does not support resources.limits.memory: it cannot enforce a memory"
          + " limit on a plain process");
    }
    if (limits != null && limits.cpus() != null) {
      throw new TaskRejectedException(PREFIX + " does not support resources.limits.cpus: it cannot enforce a CPU"
          + " limit on a plain process");
    }
  }

  static Duration stopGrace(ServiceSpec spec) throws TaskRejectedException {
    try {
      return Durations.parseOr(spec.stopGracePeriod(), DEFAULT_STOP_GRACE);
    } catch (IllegalArgumentException e) {
      throw new TaskRejectedException(PREFIX + ": stopGracePeriod: " + e.getMessage());
    }
  }

  /** The stop signal as {@code kill -s} takes it, or null for SIGTERM. */
  static String stopSignal(ServiceSpec spec, HostTools tools, String node) throws TaskRejectedException {
    String signal;
    try {
      signal = StopSignal.normalise(spec.stopSignal());
    } catch (IllegalArgumentException e) {
      throw new TaskRejectedException(PREFIX + ": stopSignal: " + e.getMessage());
    }
    if (signal != null && tools.kill() == null) {
      throw new TaskRejectedException(PREFIX + ": stopSignal " + spec.stopSignal() + " needs kill(1), which is not"
          + " installed on node " + node);
    }
    return signal;
  }

  /** The spec's working directory, or {@code fallback} (the task's own) when it sets none. */
  static Path workdir(ServiceSpec spec, Path fallback) throws TaskRejectedException {
    if (spec.workdir() == null || spec.workdir().isBlank()) {
      return fallback;
    }
    Path dir = Path.of(spec.workdir());
    if (!dir.isAbsolute()) {
      // Relative to what? The agent's own directory would be an accident; Docker refuses it too.
      throw new TaskRejectedException(PREFIX + ": workdir must be an absolute path, got " + spec.workdir());
    }
    if (!Files.isDirectory(dir)) {
      throw new TaskRejectedException(PREFIX + ": working directory " + dir + " does not exist");
    }
    return dir;
  }

  /** Throws for a variable the OS cannot pass (a name with {@code =} or a NUL anywhere). */
  static void checkEnv(Map<String, String> env) throws TaskRejectedException {
    if (env == null) {
      return;
    }
    for (Map.Entry<String, String> e : env.entrySet()) {
      String k = e.getKey();
      if (k == null || k.isEmpty() || k.indexOf('=') >= 0 || k.indexOf('\0') >= 0
          || (e.getValue() != null && e.getValue().indexOf('\0') >= 0)) {
        throw new TaskRejectedException(PREFIX + ": env: \"" + k + "\" cannot be passed to a process"
            + " (names must be non-empty without '=', and nothing may contain NUL)");
      }
    }
  }

  static List<PortRequest> ports(ServiceSpec spec) throws TaskRejectedException {
    List<PortRequest> out = new ArrayList<>();
    if (spec.ports() == null) {
      return out;
    }
    for (int i = 0; i < spec.ports().size(); i++) {
      ServiceSpec.PortConfig p = spec.ports().get(i);
      if (p.target() == null || p.target() < 1 || p.target() > 65535) {
        throw new TaskRejectedException(PREFIX + ": ports[" + i + "]: target must be a port number, got " + p.target());
      }
      String protocol = p.protocol() == null ? "tcp" : p.protocol().toLowerCase(Locale.ROOT);
      if (protocol.equals("sctp")) {
        throw new TaskRejectedException(PREFIX + " does not support sctp ports (ports[" + i + "])");
      }
      if (!protocol.equals("tcp") && !protocol.equals("udp")) {
        throw new TaskRejectedException(PREFIX + ": ports[" + i + "]: unknown protocol " + p.protocol());
      }
      if (p.booksHostPort() && p.published() > 65535) {
        throw new TaskRejectedException(PREFIX + ": ports[" + i + "]: published must be a port number, got "
            + p.published());
      }
      out.add(new PortRequest(p.target(), protocol, p.booksHostPort() ? p.published() : null));
    }
    return out;
  }

  /** The check, or null; throws with the reason for one the runtime cannot run. */
  static HealthSpec health(ServiceSpec spec, Map<String, String> env) throws TaskRejectedException {
    try {
      return HealthSpec.of(spec.healthcheck(), env);
    } catch (IllegalArgumentException e) {
      throw new TaskRejectedException(PREFIX + ": " + e.getMessage());
    }
  }
}
