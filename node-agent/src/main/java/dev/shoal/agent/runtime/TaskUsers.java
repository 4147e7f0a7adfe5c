package dev.shoal.agent.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Resolves a spec's {@code user} for the process runtime, in the forms Docker accepts: {@code name},
 * {@code uid}, {@code name:group}, {@code uid:gid} (and mixes). Users and groups are looked up with
 * {@code getent}, so NSS sources (LDAP, sssd) count as they do for a login. Java cannot change a
 * child's user, so a task that runs as someone else is started through {@code setpriv}, which the
 * agent may do only as root; an agent that is not root runs tasks only as itself.
 *
 * <p>Differences from Docker, both deliberate: a numeric uid without a passwd entry needs a group
 * ({@code 1234:1234}), because Docker's fallback, gid 0, is the host's root group here, not a
 * container's; and a user that does not exist is rejected before anything starts.
 */
final class TaskUsers {
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}\\$?");
  private static final Pattern NUMERIC = Pattern.compile("[0-9]{1,10}");
  private static final long LOOKUP_SECONDS = 10;

  private final HostTools tools;
  private final Credentials agent;
  private final String node;

  /**
   * @param agent who the agent process is
   * @param node the node's name, for reasons the user reads
   */
  TaskUsers(HostTools tools, Credentials agent, String node) {
    this.tools = tools;
    this.agent = agent;
    this.node = node;
  }

  /** The uid and gid of a process. */
  record Credentials(long uid, long gid) {
    /** This JVM's effective uid and gid, from procfs. */
    static Credentials ofThisProcess() {
      try {
        long uid = -1;
        long gid = -1;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
          // "Uid:\treal\teffective\tsaved\tfs": the effective id is what permission checks use.
          if (line.startsWith("Uid:")) {
            uid = Long.parseLong(line.split("\\s+")[2]);
          } else if (line.startsWith("Gid:")) {
            gid = Long.parseLong(line.split("\\s+")[2]);
          }
        }
        return new Credentials(uid, gid);
      } catch (IOException | RuntimeException e) {
        return new Credentials(-1, -1); // no procfs: unknown, so never "the same user", never root
      }
    }

    boolean isRoot() {
      return uid == 0;
    }
  }

  /** The user a task runs as; a null or blank {@code user} is the agent's own. */
  TaskUser resolve(String user) throws TaskRejectedException {
    if (user == null || user.isBlank()) {
      return new TaskUser(agent.uid(), agent.gid(), null, null, List.of());
    }
    String[] parts = user.split(":", -1);
    if (parts.length > 2 || !KEY.matcher(parts[0]).matches() || (parts.length == 2 && !KEY.matcher(parts[1]).matches())) {
      throw rejected("user \"" + user + "\" is not a name, uid, name:group or uid:gid");
    }
    String group = parts.length == 2 ? parts[1] : null;
    Optional<String[]> entry = lookup("passwd", parts[0], user);
    long uid;
    long gid;
    String name = null;
    String home = null;
    if (entry.isPresent()) {
      String[] f = entry.get();
      name = f[0];
      uid = Long.parseLong(f[2]);
      gid = group == null ? Long.parseLong(f[3]) : groupId(group, user);
      home = f.length > 5 ? f[5] : null;
    } else if (NUMERIC.matcher(parts[0]).matches() && group != null) {
      uid = Long.parseLong(parts[0]);
      gid = groupId(group, user);
    } else if (NUMERIC.matcher(parts[0]).matches()) {
      throw rejected("user \"" + user + "\" does not exist on node " + node
          + " (a uid without a passwd entry needs a group too, e.g. \"" + user + ":" + user + "\")");
    } else {
      throw rejected("user \"" + user + "\" does not exist on node " + node);
    }
    return new TaskUser(uid, gid, name, home, launcher(user, uid, gid, name));
  }

  private List<String> launcher(String user, long uid, long gid, String name) throws TaskRejectedException {
    if (uid == agent.uid() && gid == agent.gid()) {
      return List.of();
    }
    if (!agent.isRoot()) {
      throw rejected("cannot run as user \"" + user + "\" on node " + node + ": the agent runs as uid " + agent.uid()
          + ", not as root, so it runs tasks only as itself");
    }
    if (tools.setpriv() == null) {
      throw rejected("user \"" + user + "\" needs setpriv (util-linux), which is not installed on node " + node);
    }
    List<String> l = new ArrayList<>(List.of(tools.setpriv(), "--reuid=" + uid, "--regid=" + gid));
    // Supplementary groups come from the user's name; a bare uid gets none rather than the agent's (root's).
    l.add(name != null ? "--init-groups" : "--clear-groups");
    l.add("--");
    return l;
  }

  private long groupId(String group, String user) throws TaskRejectedException {
    Optional<String[]> entry = lookup("group", group, user);
    if (entry.isPresent()) {
      return Long.parseLong(entry.get()[2]);
    }
    if (NUMERIC.matcher(group).matches()) {
      return Long.parseLong(group); // a gid needs no group entry, as with Docker
    }
    throw rejected("group \"" + group + "\" (user \"" + user + "\") does not exist on node " + node);
  }

  /** The entry's fields, empty when there is none; throws when the lookup itself fails. */
  private Optional<String[]> lookup(String database, String key, String user) throws TaskRejectedException {
    if (tools.getent() == null) {
      throw rejected("cannot look up user \"" + user + "\" on node " + node + ": getent is not installed");
    }
    try {
      Process p = new ProcessBuilder(tools.getent(), database, key).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      // Wait first, read after: a hanging NSS source must not block the agent; one entry fits a pipe's buffer.
      if (!p.waitFor(LOOKUP_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw rejected("looking up user \"" + user + "\" on node " + node + " took over " + LOOKUP_SECONDS + "s");
      }
      // getent: 0 found, 2 no such key; anything else is a failure of the lookup itself.
      if (p.exitValue() == 2) {
        return Optional.empty();
      }
      String line = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse("");
      String[] fields = line.split(":", -1);
      if (p.exitValue() != 0 || fields.length < 3 || !NUMERIC.matcher(fields[2]).matches()
          || (database.equals("passwd") && (fields.length < 4 || !NUMERIC.matcher(fields[3]).matches()))) {
        throw rejected("cannot look up user \"" + user + "\" on node " + node + ": getent " + database + " " + key
            + " exited with " + p.exitValue());
      }
      return Optional.of(fields);
    } catch (IOException e) {
      throw rejected("cannot look up user \"" + user + "\" on node " + node + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw rejected("interrupted while looking up user \"" + user + "\"");
    }
  }

  private static TaskRejectedException rejected(String reason) {
    return new TaskRejectedException("process runtime: " + reason);
  }
}
