package dev.shoal.gateway.docker;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import java.util.Collection;

/**
 * {@code GET /version} and {@code GET /info}: Shoal as one engine. The engine-level figures are the
 * cluster's (containers are tasks, CPUs and memory are those of the ready nodes), and the swarm
 * section says this is a manager with the cluster's node and manager counts. Figures that belong
 * to one machine's kernel (storage driver, cgroups) are left empty.
 */
final class SystemObjects {
  private SystemObjects() {}

  static ObjectNode version() {
    String v = "shoal-" + ShoalVersion.current();
    String arch = System.getProperty("os.arch", "");
    ObjectNode out = DockerJson.object();
    out.putObject("Platform").put("Name", "Shoal");
    ArrayNode components = out.putArray("Components");
    ObjectNode engine = components.addObject();
    engine.put("Name", "Engine");
    engine.put("Version", v);
    ObjectNode d = engine.putObject("Details");
    d.put("ApiVersion", ApiVersion.MAX_TEXT);
    d.put("Arch", arch);
    d.put("BuildTime", "");
    d.put("Experimental", "false");
    d.put("GitCommit", "");
    d.put("GoVersion", runtime());
    d.put("KernelVersion", "");
    d.put("MinAPIVersion", ApiVersion.MIN_TEXT);
    d.put("Os", "linux");
    out.put("Version", v);
    out.put("ApiVersion", ApiVersion.MAX_TEXT);
    out.put("MinAPIVersion", ApiVersion.MIN_TEXT);
    out.put("GitCommit", "");
    out.put("GoVersion", runtime());
    out.put("Os", "linux");
    out.put("Arch", arch);
    out.put("KernelVersion", "");
    out.put("BuildTime", "");
    return out;
  }

  /** The engine's {@code GoVersion} field, which the CLI prints as "Go version": here the JVM's. */
  private static String runtime() {
    return "java" + System.getProperty("java.version", "");
  }

  static ObjectNode info(ControlPlane cp, Collection<Node> nodes, Collection<Task> tasks, ObjectNode cluster,
                         String addr, long now) {
    int running = 0;
    int stopped = 0;
    for (Task t : tasks) {
      if (t.state() == TaskState.RUNNING) {
        running++;
      } else if (t.state().isTerminal()) {
        stopped++;
      }
    }
    double cpus = 0;
    long memory = 0;
    int managers = 1;
    for (Node n : nodes) {
      if (n.isReady() && n.description() != null && n.description().resources() != null) {
        cpus += n.description().resources().cpus();
        memory += n.description().resources().memoryBytes();
      }
      if (Node.ROLE_MANAGER.equals(n.role())) {
        managers++;
      }
    }
    ObjectNode out = DockerJson.object();
    out.put("ID", cp.clusterId());
    out.put("Containers", tasks.size());
    out.put("ContainersRunning", running);
    out.put("ContainersPaused", 0);
    out.put("ContainersStopped", stopped);
    out.put("Images", 0);
    out.put("Driver", "");
    out.putArray("DriverStatus");
    ObjectNode plugins = out.putObject("Plugins");
    plugins.putArray("Volume");
    plugins.putArray("Network").add("overlay");
    plugins.putNull("Authorization");
    plugins.putArray("Log");
    // Per-engine kernel capabilities: each node's engine has its own; true keeps the CLI from
    // printing warnings about a kernel that is not there.
    for (String flag : new String[] {"MemoryLimit", "SwapLimit", "KernelMemory", "KernelMemoryTCP", "CpuCfsPeriod",
        "CpuCfsQuota", "CPUShares", "CPUSet", "PidsLimit", "IPv4Forwarding", "BridgeNfIptables", "BridgeNfIp6tables"}) {
      out.put(flag, true);
    }
    out.put("Debug", false);
    out.put("NFd", 0);
    out.put("OomKillDisable", true);
    out.put("NGoroutines", Thread.activeCount());
    out.put("SystemTime", DockerJson.time(now));
    out.put("LoggingDriver", "");
    out.put("CgroupDriver", "");
    out.put("CgroupVersion", "");
    out.put("NEventsListener", 0);
    out.put("KernelVersion", "");
    out.put("OperatingSystem", "Shoal (Kafka control plane)");
    out.put("OSVersion", ShoalVersion.current());
    out.put("OSType", "linux");
    out.put("Architecture", System.getProperty("os.arch", ""));
    out.put("IndexServerAddress", "");
    out.put("NCPU", (int) Math.floor(cpus));
    out.put("MemTotal", memory);
    out.putNull("GenericResources");
    out.put("DockerRootDir", "");
    out.put("HttpProxy", "");
    out.put("HttpsProxy", "");
    out.put("NoProxy", "");
    out.put("Name", ControlPlane.HOSTNAME);
    out.putArray("Labels");
    out.put("ExperimentalBuild", false);
    out.put("ServerVersion", "shoal-" + ShoalVersion.current());
    out.putObject("Runtimes");
    out.put("DefaultRuntime", "");
    ObjectNode swarm = out.putObject("Swarm");
    swarm.put("NodeID", cp.nodeId());
    swarm.put("NodeAddr", host(addr));
    swarm.put("LocalNodeState", "active");
    swarm.put("ControlAvailable", true);
    swarm.put("Error", "");
    ObjectNode remote = swarm.putArray("RemoteManagers").addObject();
    remote.put("NodeID", cp.nodeId());
    remote.put("Addr", addr);
    swarm.put("Nodes", nodes.size() + 1);
    swarm.put("Managers", managers);
    swarm.set("Cluster", cluster);
    out.put("LiveRestoreEnabled", false);
    out.put("Isolation", "");
    out.put("InitBinary", "");
    for (String commit : new String[] {"ContainerdCommit", "RuncCommit", "InitCommit"}) {
      ObjectNode c = out.putObject(commit);
      c.put("ID", "");
      c.put("Expected", "");
    }
    out.putArray("SecurityOptions");
    out.putNull("Warnings");
    return out;
  }

  static String host(String addr) {
    int colon = addr.lastIndexOf(':');
    return colon > 0 ? addr.substring(0, colon) : addr;
  }
}
