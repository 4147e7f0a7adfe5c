package dev.shoal.agent.runtime;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who a process task (and its health check) runs as, resolved from the spec's {@code user} on the
 * node ({@link TaskUsers}).
 *
 * @param name the user's name, null for a uid without a passwd entry
 * @param home the user's home directory from its passwd entry, or null
 * @param launcher what goes before the task's argv to switch to this user ({@code setpriv …}), empty
 *     when the task runs as the agent itself
 */
record TaskUser(long uid, long gid, String name, String home, List<String> launcher) {
  TaskUser {
    launcher = List.copyOf(launcher);
  }

  /** Whether the task runs as someone other than the agent. */
  boolean switches() {
    return !launcher.isEmpty();
  }

  /**
   * {@code HOME}, {@code USER} and {@code LOGNAME} of the user, as a login would set them, for a task
   * that runs as another user: the agent's own values (root's home) would be wrong for it.
   */
  Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    if (!switches()) {
      return env;
    }
    if (home != null && !home.isBlank()) {
      env.put("HOME", home);
    }
    if (name != null) {
      env.put("USER", name);
      env.put("LOGNAME", name);
    }
    return env;
  }
}
