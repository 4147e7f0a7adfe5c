package dev.shoal.agent.runtime.docker;

import dev.shoal.agent.runtime.TaskRejectedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which host paths a task may bind-mount on this node ({@code shoal agent --allow-bind-mount PREFIX}).
 * A bind mount hands the container a piece of the host: whoever may publish a spec (any holder of
 * gateway or {@code shoal.specs} write access) would otherwise read {@code /etc/shadow} or drive the
 * engine through its socket. So, by default, no host path at all.
 *
 * <p>The rules, each named in the rejection a task gets:
 * <ol>
 *   <li><b>prefix</b>: the source, with {@code ..} and symbolic links resolved on this host, must be an
 *       allowed prefix or under one, component by component ({@code /srv/data} allows
 *       {@code /srv/data/x}, not {@code /srv/database});</li>
 *   <li><b>exact name</b>: {@code /} itself, a Docker socket ({@code docker.sock}, wherever it is, and
 *       the engine's own socket) and any directory that holds one ({@code /run}, {@code /var/run}) are
 *       refused unless allowed by that exact path — an allowed {@code /} or {@code /var} does not
 *       cover them.</li>
 * </ol>
 *
 * <p>What this cannot do: the engine resolves the path again when it creates the container, so a
 * symbolic link swapped in between (by a process or container that can write inside an allowed
 * directory) is not seen here; allow only directories that tasks cannot write, or mount them
 * read-only.
 */
public final class BindMountPolicy {
  /** The flag that sets the allowances, named in every rejection. */
  public static final String FLAG = "--allow-bind-mount";
  private static final String SOCKET_NAME = "docker.sock";

  private final List<Path> allowed;
  private final Set<Path> sockets;

  private BindMountPolicy(Collection<String> prefixes, Collection<String> knownSockets) {
    List<Path> a = new ArrayList<>();
    for (String p : prefixes) {
      a.add(resolve(absolute(p, "allowed bind mount prefix")));
    }
    this.allowed = List.copyOf(a);
    Set<Path> s = new TreeSet<>();
    for (String p : knownSockets) {
      Path path = absolute(p, "Docker socket");
      s.add(path.normalize());
      s.add(resolve(path));
    }
    this.sockets = Set.copyOf(s);
  }

  /** No host bind mounts at all: the default of every agent. */
  public static final BindMountPolicy NONE = allowing(List.of());

  /**
   * Allows bind mounts under {@code prefixes} (absolute paths), plus the protected paths named
   * exactly among them. The engine's socket is protected wherever it is when {@code engineSocket}
   * names it (a {@code unix://} Docker host's path); {@code /var/run/docker.sock} and
   * {@code /run/docker.sock} always are.
   *
   * @throws IllegalArgumentException for a relative prefix (a usage error for the flag)
   */
  public static BindMountPolicy allowing(Collection<String> prefixes, String engineSocket) {
    List<String> sockets = new ArrayList<>(List.of("/var/run/" + SOCKET_NAME, "/run/" + SOCKET_NAME));
    if (engineSocket != null && engineSocket.startsWith("/")) {
      sockets.add(engineSocket);
    }
    return new BindMountPolicy(prefixes, sockets);
  }

  public static BindMountPolicy allowing(Collection<String> prefixes) {
    return allowing(prefixes, null);
  }

  /** The allowed prefixes as resolved on this host, for logs and rejections. */
  public List<Path> allowed() {
    return allowed;
  }

  /**
   * Refuses {@code source} of the bind mount at {@code mounts[index]} unless a rule allows it.
   *
   * @throws TaskRejectedException naming the rule and the flag that would allow the mount
   */
  void check(int index, String source) throws TaskRejectedException {
    String where = "mounts[" + index + "]: bind mount source " + source;
    Path path;
    try {
      path = Path.of(source);
    } catch (InvalidPathException e) {
      throw rejected(where + " is not a path");
    }
    if (!path.isAbsolute()) {
      throw rejected(where + " must be an absolute path");
    }
    Path real = resolve(path);
    String shown = real.toString().equals(source) ? "" : " (" + real + " on this node)";
    Path guarded = guardedBy(real);
    if (guarded != null) {
      if (allowed.contains(real)) {
        return;
      }
      String what = real.getParent() == null ? "is the host's root directory"
          : guarded.equals(real) ? "is the Docker socket" : "holds the Docker socket " + guarded;
      throw rejected(where + shown + " " + what + ": refused unless allowed by exact name (rule: exact name; "
          + FLAG + " " + real + ")");
    }
    for (Path prefix : allowed) {
      if (real.startsWith(prefix)) {
        return;
      }
    }
    if (allowed.isEmpty()) {
      throw rejected(where + shown + " is refused: this node allows no host bind mounts (rule: prefix; start"
          + " the agent with " + FLAG + " PREFIX)");
    }
    throw rejected(where + shown + " is not under a prefix this node allows (rule: prefix; allowed: "
        + String.join(", ", allowed.stream().map(Path::toString).toList()) + "; " + FLAG + ")");
  }

  /** The protected path {@code real} is or holds, or null: {@code /} itself, a Docker socket, a directory above one. */
  private Path guardedBy(Path real) {
    if (real.getParent() == null) {
      return real;
    }
    if (real.getFileName() != null && real.getFileName().toString().equals(SOCKET_NAME)) {
      return real;
    }
    for (Path socket : sockets) {
      if (socket.startsWith(real)) {
        return socket;
      }
    }
    return null;
  }

  /**
   * The path with {@code ..} and symbolic links resolved: the real path of its longest existing
   * ancestor, then the rest as written (the engine refuses a bind source that does not exist anyway).
   */
  static Path resolve(Path path) {
    Path normal = path.toAbsolutePath().normalize();
    Path existing = normal;
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return normal;
    }
    try {
      Path real = existing.toRealPath();
      return real.resolve(existing.relativize(normal)).normalize();
    } catch (IOException e) {
      return normal; // a dangling link: compared as written, so it matches only what the text says
    }
  }

  private static Path absolute(String p, String what) {
    Path path;
    try {
      path = Path.of(p);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(what + " " + p + " is not a path");
    }
    if (!path.isAbsolute()) {
      throw new IllegalArgumentException(what + " " + p + " must be an absolute path");
    }
    return path;
  }

  private static TaskRejectedException rejected(String reason) {
    return new TaskRejectedException("docker runtime: " + reason);
  }
}
