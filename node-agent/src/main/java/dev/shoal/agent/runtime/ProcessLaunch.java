package dev.shoal.agent.runtime;

import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command line and environment of a process task. The task sees its ports as {@code PORT}
 * (first target port) and {@code PORT_<target>}, and itself as {@code SHOAL_*} variables. A
 * {@code ${NAME}} in the command or its arguments is replaced by the task's own variable of that
 * name (as Nomad interpolates {@code ${NOMAD_PORT_x}}), so {@code python3 -m http.server ${PORT}}
 * works without a shell; anything else, including the agent's own environment, is left as written.
 */
final class ProcessLaunch {
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

  private ProcessLaunch() {}

  /**
   * Variables the task adds to the agent's environment: the user's {@code HOME}, {@code USER} and
   * {@code LOGNAME} when it runs as another user, then the spec's, then ours, which win over the spec's,
   * so PORT is true.
   */
  static Map<String, String> environment(Task task, TaskUser user, List<Integer> targets, List<Integer> hostPorts) {
    Map<String, String> env = new TreeMap<>(user.environment());
    ServiceSpec spec = task.spec();
    if (spec.env() != null) {
      env.putAll(spec.env());
    }
    env.put("SHOAL_TASK_ID", task.id());
    env.put("SHOAL_TASK_NAME", task.name());
    env.put("SHOAL_SERVICE_NAME", String.valueOf(task.serviceName()));
    env.put("SHOAL_NODE_ID", String.valueOf(task.nodeId()));
    if (task.slot() != null) {
      env.put("SHOAL_TASK_SLOT", task.slot().toString());
    }
    for (int i = 0; i < targets.size(); i++) {
      env.put("PORT_" + targets.get(i), hostPorts.get(i).toString());
    }
    if (!hostPorts.isEmpty()) {
      env.put("PORT", hostPorts.get(0).toString());
    }
    return env;
  }

  static List<String> argv(ServiceSpec spec, Map<String, String> env) {
    List<String> argv = new ArrayList<>();
    for (String s : spec.command()) {
      argv.add(interpolate(s, env));
    }
    if (spec.args() != null) {
      for (String s : spec.args()) {
        argv.add(interpolate(s, env));
      }
    }
    return argv;
  }

  /**
   * Whether {@code program} names an executable file, directly or on the {@code PATH} the task will
   * see. Asked only when a launcher runs first: without one, the OS says so when the task starts.
   */
  static boolean executable(String program, Map<String, String> taskEnv, java.nio.file.Path workdir) {
    if (program.contains("/")) {
      return java.nio.file.Files.isExecutable(workdir.resolve(program));
    }
    String path = taskEnv.getOrDefault("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    for (String dir : path.split(":")) {
      java.nio.file.Path p = (dir.isEmpty() ? workdir : java.nio.file.Path.of(dir)).resolve(program);
      if (java.nio.file.Files.isRegularFile(p) && java.nio.file.Files.isExecutable(p)) {
        return true;
      }
    }
    return false;
  }

  static String interpolate(String text, Map<String, String> env) {
    Matcher m = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = env.get(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : m.group()));
    }
    m.appendTail(out);
    return out.toString();
  }
}
