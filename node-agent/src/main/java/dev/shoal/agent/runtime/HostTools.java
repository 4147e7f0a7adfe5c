package dev.shoal.agent.runtime;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The programs of the node the process runtime relies on for what Java cannot do itself:
 * {@code setpriv} (util-linux) to run a task as another user, {@code kill} to send a signal other
 * than SIGTERM or SIGKILL, {@code getent} to look users and groups up through the node's NSS.
 * Found once, on the agent's {@code PATH}; a task that needs a missing one is rejected with its name.
 *
 * @param setpriv null when absent
 * @param kill null when absent
 * @param getent null when absent
 */
record HostTools(String setpriv, String kill, String getent) {

  /** The tools on this JVM's {@code PATH}. */
  static HostTools find() {
    return new HostTools(onPath("setpriv"), onPath("kill"), onPath("getent"));
  }

  /** The first executable file called {@code name} on {@code PATH} (and the sbin directories), or null. */
  static String onPath(String name) {
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("")
        // setpriv lives in /usr/bin on Debian but in /usr/sbin elsewhere; sbin is often not on a service's PATH.
        + File.pathSeparator + "/usr/sbin" + File.pathSeparator + "/sbin";
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path p = Path.of(dir, name);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }
}
