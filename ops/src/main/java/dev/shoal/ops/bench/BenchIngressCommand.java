package dev.shoal.ops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.ops.stack.ApiClient;
import dev.shoal.ops.stack.Poll;
import dev.shoal.schemas.Durations;
import dev.shoal.schemas.Json;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shoal bench ingress}: requests per second and latency through Shoal's ingress, against
 * the tasks directly and against nginx configured as a reverse proxy to the same tasks, all driven by
 * wrk for a fixed time. Runs a cluster in this JVM (as {@code shoal dev}), a service whose tasks are
 * small nginx servers answering a fixed body (so the proxies are what is measured, not the tasks),
 * published in HTTP mode; the three targets take turns, round after round, so a change in the load of
 * the machine falls on all of them alike. The tasks directly means one task (wrk drives one address).
 */
@Command(name = "ingress", mixinStandardHelpOptions = true,
    description = "Measure the ingress with wrk: requests/s and p50/p99 latency for the tasks directly, Shoal's"
        + " published port and nginx as a reverse proxy to the same tasks. Needs wrk and nginx"
        + " (Debian: apt-get install wrk nginx-light).")
public final class BenchIngressCommand implements Callable<Integer> {
  private static final String SERVICE = "ingress-bench";
  /** The task writes its nginx configuration for its $PORT and runs nginx in the foreground. */
  private static final String TASK_SCRIPT = "mkdir -p tmp && printf '%s' \"$BACKEND_CONF\" | sed \"s/"
      + NginxConfigs.PORT_PLACEHOLDER + "/$PORT/\" > backend.conf && exec nginx -e stderr -p \"$PWD/\""
      + " -c \"$PWD/backend.conf\"";

  @Option(names = "--duration", defaultValue = "10s", converter = dev.shoal.ops.Converters.DurationText.class,
      description = "Length of each measured wrk run (default ${DEFAULT-VALUE}).")
  String duration;

  @Option(names = "--warmup", defaultValue = "30s", converter = dev.shoal.ops.Converters.DurationText.class,
      description = "An unmeasured wrk run per target first, so the JVM has compiled its hot paths; on a"
          + " loaded machine that takes tens of seconds (default ${DEFAULT-VALUE}).")
  String warmup;

  @Option(names = "--rounds", defaultValue = "3", description = "Measured runs per target, taking turns (default"
      + " ${DEFAULT-VALUE}); the summary gives medians.")
  int rounds;

  @Option(names = "--connections", defaultValue = "64", description = "wrk's open connections (default ${DEFAULT-VALUE}).")
  int connections;

  @Option(names = "--threads", defaultValue = "2", description = "wrk's threads (default ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--light-connections", defaultValue = "8", description = "The light phase's connections, driven by"
      + " one wrk thread (default ${DEFAULT-VALUE}); 0 skips the phase.")
  int lightConnections;

  @Option(names = "--light-pause", defaultValue = "2ms", converter = dev.shoal.ops.Converters.DurationText.class,
      description = "In the light phase, how long each connection waits between an answer and its next request"
          + " (wrk's delay(); default ${DEFAULT-VALUE}), which caps the rate at connections / pause.")
  String lightPause;

  @Option(names = "--replicas", defaultValue = "3", description = "Tasks behind the published port (default ${DEFAULT-VALUE}).")
  int replicas;

  @Option(names = "--verbose", description = "Keep the components' INFO log lines (default: warnings only).")
  boolean verbose;

  @Option(names = "--work-dir", description = "Where Kafka, the orchestrator, the agents and nginx keep data"
      + " (default: a temporary directory, deleted afterwards).")
  Path workDir;

  private final PrintStream out = System.out;
  /** The nginx reverse proxy (master and workers), once started. */
  private Process proxy;
  /** nginx's CPU per request in each saturating round of its own, microseconds. */
  private final List<Double> nginxCpuMicrosPerRequest = new ArrayList<>();

  /**
   * A target of the benchmark and its measured runs: saturating ({@code runs}: wrk's connections as
   * fast as they are answered) and light ({@code lightRuns}: few connections, each pausing between
   * requests, so nothing queues and the latency is that of the path itself).
   */
  private record Target(String name, String url, List<WrkResult> runs, List<Double> cpuMicrosPerRequest,
                        List<Double> ingressCpuMicrosPerRequest, List<WrkResult> lightRuns) {
    Target(String name, String url) {
      this(name, url, new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    }
  }

  /** How one wrk run drives a target: threads, connections and a pause before each request (0: none). */
  private record Load(int threads, int connections, long pauseMillis) {}

  @Override
  public Integer call() throws Exception {
    if (rounds < 1 || connections < 1 || threads < 1 || replicas < 1 || lightConnections < 0) {
      throw new dev.shoal.ops.UsageException("--rounds, --connections, --threads and --replicas must be 1 or more,"
          + " --light-connections 0 or more");
    }
    for (String tool : List.of("wrk", "nginx")) {
      if (which(tool) == null) {
        System.err.println("shoal bench ingress needs " + tool + " on the PATH (Debian: apt-get install wrk nginx-light)");
        return 2;
      }
    }
    if (!verbose) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    Path dir = workDir != null ? workDir : Files.createTempDirectory("shoal-bench-ingress-");
    List<Target> targets = new ArrayList<>();
    try (InJvmCluster cluster = InJvmCluster.start(dir, 1, Duration.ofSeconds(3), out)) {
      ApiClient api = cluster.api();
      Poll.until("the agent to be ready", Duration.ofSeconds(120), () -> api.nodes().stream()
          .anyMatch(n -> "ready".equals(n.path("status").asText())));
      int published = freePort();
      ApiClient.Response created = api.call("POST", "/v1/services", spec(published).toString());
      if (!created.ok()) {
        throw new IllegalStateException("could not create the service: " + created.status() + " " + created.body());
      }
      Poll.until(replicas + " tasks to run", Duration.ofSeconds(120), () -> api.running(SERVICE).size() == replicas);
      List<String> endpoints = api.running(SERVICE).stream().map(t -> t.path("status").path("endpoint").asText())
          .sorted().toList();
      for (String e : endpoints) {
        Poll.until("task " + e + " to listen", Duration.ofSeconds(60), () -> listens(e));
      }
      Poll.until("the ingress to serve " + replicas + " tasks", Duration.ofSeconds(60), () ->
          api.json("/v1/ingress/" + published).path("tasks").size() == replicas);
      out.println("[bench] " + replicas + " nginx tasks at " + endpoints + ", published on 127.0.0.1:" + published);

      int proxyPort = freePort();
      proxy = startNginxProxy(dir.resolve("nginx-proxy"), proxyPort, endpoints);
      Poll.until("nginx to listen on " + proxyPort, Duration.ofSeconds(30), () -> listens("127.0.0.1:" + proxyPort));
      out.println("[bench] nginx reverse proxy to the same tasks on 127.0.0.1:" + proxyPort);

      targets.add(new Target("tasks directly (one task)", "http://" + endpoints.get(0) + "/"));
      targets.add(new Target("Shoal ingress", "http://127.0.0.1:" + published + "/"));
      targets.add(new Target("nginx reverse proxy", "http://127.0.0.1:" + proxyPort + "/"));
      measure(targets, dir);
      printIngressView(api, published);
      api.call("DELETE", "/v1/services/" + SERVICE, null);
      Poll.until("the service's tasks to stop", Duration.ofSeconds(60), () -> api.running(SERVICE).isEmpty());
    } finally {
      if (proxy != null) {
        stop(proxy);
      }
      if (workDir == null) {
        WorkDirs.delete(dir);
      }
    }
    summary(targets);
    return 0;
  }

  private ObjectNode spec(int published) {
    ObjectNode s = Json.MAPPER.createObjectNode();
    s.put("name", SERVICE);
    s.putArray("command").add("sh").add("-c").add(TASK_SCRIPT);
    s.putObject("env").put("BACKEND_CONF", NginxConfigs.backend());
    s.put("replicas", replicas);
    ObjectNode port = s.putArray("ports").addObject();
    port.put("target", 8000).put("published", published).put("appProtocol", "http");
    return s;
  }

  private Process startNginxProxy(Path dir, int port, List<String> endpoints) throws IOException {
    Files.createDirectories(dir.resolve("tmp"));
    boolean root = "root".equals(System.getProperty("user.name"));
    Path conf = dir.resolve("nginx.conf");
    Files.writeString(conf, NginxConfigs.proxy(port, endpoints, root));
    return new ProcessBuilder("nginx", "-e", "stderr", "-p", dir + "/", "-c", conf.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.log").toFile()).start();
  }

  private void measure(List<Target> targets, Path dir) throws IOException, InterruptedException {
    Load saturating = new Load(threads, connections, 0);
    Load light = new Load(1, lightConnections, Durations.parse(lightPause).toMillis());
    Path pauseScript = dir.resolve("pause.lua");
    Files.writeString(pauseScript, "function delay()\n  return " + light.pauseMillis() + "\nend\n");
    Duration warm = Durations.parse(warmup);
    if (!warm.isZero()) {
      for (Target t : targets) {
        out.printf(Locale.ROOT, "[bench] warming up %s for %s%n", t.name(), warmup);
        wrk(t.url(), warm, saturating, pauseScript);
      }
    }
    Duration run = Durations.parse(duration);
    for (int r = 1; r <= rounds; r++) {
      for (Target t : targets) {
        String before = loadAverage();
        long cpuBefore = jvmCpuNanos();
        Map<Long, Long> ingressBefore = ingressThreadCpuNanos();
        long nginxBefore = nginxCpuNanos();
        WrkResult w = wrk(t.url(), run, saturating, pauseScript);
        double cpuPerRequest = (jvmCpuNanos() - cpuBefore) / 1000.0 / Math.max(1, w.requests());
        double ingressPerRequest = cpuSince(ingressBefore) / 1000.0 / Math.max(1, w.requests());
        double nginxPerRequest = (nginxCpuNanos() - nginxBefore) / 1000.0 / Math.max(1, w.requests());
        t.runs().add(w);
        t.cpuMicrosPerRequest().add(cpuPerRequest);
        t.ingressCpuMicrosPerRequest().add(ingressPerRequest);
        if (t == targets.get(2)) {
          nginxCpuMicrosPerRequest.add(nginxPerRequest);
        }
        out.printf(Locale.ROOT, "[bench] round %d  %-26s %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  errors %d"
            + "  JVM CPU %6.1f us/req, ingress threads %5.1f, nginx proxy %5.1f  (load %s -> %s)%n", r, t.name(),
            w.requestsPerSecond(), w.p50Millis(), w.p99Millis(), w.errors(), cpuPerRequest, ingressPerRequest,
            nginxPerRequest, before, loadAverage());
      }
      if (light.connections() == 0) {
        continue;
      }
      for (Target t : targets) {
        String before = loadAverage();
        WrkResult w = wrk(t.url(), run, light, pauseScript);
        t.lightRuns().add(w);
        out.printf(Locale.ROOT, "[bench] round %d  light %-26s %9.0f req/s  p50 %6.3f ms  p99 %6.3f ms  errors %d"
            + "  (load %s -> %s)%n", r, t.name(), w.requestsPerSecond(), w.p50Millis(), w.p99Millis(), w.errors(),
            before, loadAverage());
      }
    }
  }

  private WrkResult wrk(String url, Duration d, Load load, Path pauseScript) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("wrk", "-t" + load.threads(), "-c" + load.connections(),
        "-d" + Math.max(1, d.toSeconds()) + "s", "--latency"));
    if (load.pauseMillis() > 0) {
      command.addAll(List.of("-s", pauseScript.toString()));
    }
    command.add(url);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String report = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(d.toSeconds() + 30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("wrk failed:\n" + report);
    }
    return WrkResult.parse(report);
  }

  private void printIngressView(ApiClient api, int published) {
    JsonNode view = api.json("/v1/ingress/" + published);
    StringBuilder line = new StringBuilder("[bench] served by each task through the ingress:");
    view.path("tasks").forEach(t -> line.append(' ').append(t.path("task").asText()).append('=')
        .append(t.path("served").asLong()).append(" (failed ").append(t.path("failures").asLong()).append(')'));
    out.println(line);
  }

  private void summary(List<Target> targets) {
    if (targets.isEmpty() || targets.get(0).runs().isEmpty()) {
      return;
    }
    out.println();
    out.printf(Locale.ROOT, "%d round(s), medians; %d tasks (nginx, fixed %d-byte body)%n", rounds, replicas,
        "hello from a shoal task\n".length());
    out.printf(Locale.ROOT, "Saturating: wrk -t%d -c%d -d%s --latency (every target as fast as it answers)%n",
        threads, connections, duration);
    double[][] saturated = table(targets, Target::runs);
    boolean light = !targets.get(0).lightRuns().isEmpty();
    double[][] paced = null;
    if (light) {
      out.printf(Locale.ROOT, "Light: wrk -t1 -c%d -d%s --latency, each connection pausing %s between an answer and"
          + " its next request (nothing queues)%n", lightConnections, duration, lightPause);
      paced = table(targets, Target::lightRuns);
    }
    double ratio = saturated[1][0] / saturated[2][0];
    out.printf(Locale.ROOT, "Shoal / nginx requests/s (saturating): %.2f (goal >= 0.80: %s); per round: %s%n", ratio,
        ratio >= 0.8 ? "met" : "NOT met", perRound(targets.get(1).runs(), targets.get(2).runs()));
    // The JVM runs the whole cluster: its CPU per request while wrk drove another target is the
    // background, spread over that target's requests; while it drove the ingress, ingress + background.
    out.printf(Locale.ROOT, "This JVM's CPU (utime+stime) per request, median: %.1f us while wrk drove Shoal's"
        + " ingress (%s)%n", median(targets.get(1).cpuMicrosPerRequest()), http());
    // The ingress's own threads: a figure the cluster's background work and the machine's load hardly move.
    out.printf(Locale.ROOT, "The ingress threads' CPU per request, median: %.1f us; nginx's processes': %.1f us%n",
        median(targets.get(1).ingressCpuMicrosPerRequest()), median(nginxCpuMicrosPerRequest));
    out.printf(Locale.ROOT, "Shoal p99 - direct p99, saturating: %+.2f ms (nginx: %+.2f ms); queueing on a saturated"
        + " machine, not the goal's measure%n", saturated[1][2] - saturated[0][2], saturated[2][2] - saturated[0][2]);
    if (light) {
      double p99Above = paced[1][2] - paced[0][2];
      out.printf(Locale.ROOT, "Shoal p99 - direct p99, light: %+.2f ms (goal <= 2 ms: %s; nginx: %+.2f ms)%n",
          p99Above, p99Above <= 2 ? "met" : "NOT met", paced[2][2] - paced[0][2]);
    }
    out.println("Machine load average now: " + loadAverage() + " (" + Runtime.getRuntime().availableProcessors()
        + " cores)");
  }

  /** Prints each target's medians of {@code runs} and returns them: requests/s, p50, p99 per target. */
  private double[][] table(List<Target> targets, java.util.function.Function<Target, List<WrkResult>> runs) {
    out.printf(Locale.ROOT, "  %-26s %12s %10s %10s %8s%n", "target", "requests/s", "p50 ms", "p99 ms", "errors");
    double[][] medians = new double[targets.size()][];
    for (int i = 0; i < targets.size(); i++) {
      Target t = targets.get(i);
      List<WrkResult> rs = runs.apply(t);
      medians[i] = new double[] {median(rs, WrkResult::requestsPerSecond), median(rs, WrkResult::p50Millis),
          median(rs, WrkResult::p99Millis)};
      out.printf(Locale.ROOT, "  %-26s %12.0f %10.3f %10.3f %8d%n", t.name(), medians[i][0], medians[i][1],
          medians[i][2], rs.stream().mapToLong(WrkResult::errors).sum());
    }
    return medians;
  }

  /** Shoal's requests/s over nginx's, round by round. */
  private static String perRound(List<WrkResult> shoal, List<WrkResult> nginx) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < Math.min(shoal.size(), nginx.size()); i++) {
      s.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f",
          shoal.get(i).requestsPerSecond() / nginx.get(i).requestsPerSecond()));
    }
    return s.toString();
  }

  /** Which HTTP path the ingress used in this run. */
  private static String http() {
    return Boolean.parseBoolean(System.getProperty("shoal.ingress.relay", "true")) ? "the HTTP relay"
        : "Jetty's ProxyHandler (-Dshoal.ingress.relay=false)";
  }

  /** CPU time used so far by each live thread of the ingress (named shoal-ingress…), by thread id. */
  private static Map<Long, Long> ingressThreadCpuNanos() {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    Map<Long, Long> cpu = new java.util.HashMap<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("shoal-ingress")) {
        long n = mx.getThreadCpuTime(t.getId());
        if (n >= 0) {
          cpu.put(t.getId(), n);
        }
      }
    }
    return cpu;
  }

  /** CPU the ingress threads used since {@code before} (threads that ended meanwhile are not counted). */
  private static long cpuSince(Map<Long, Long> before) {
    long sum = 0;
    for (Map.Entry<Long, Long> e : ingressThreadCpuNanos().entrySet()) {
      sum += e.getValue() - before.getOrDefault(e.getKey(), 0L);
    }
    return sum;
  }

  /**
   * CPU time the nginx proxy's processes (master and workers) used so far, utime+stime from
   * /proc/[pid]/stat in clock ticks of 10 ms (USER_HZ is 100 on Linux); 0 when unreadable.
   */
  private long nginxCpuNanos() {
    if (proxy == null) {
      return 0;
    }
    long ticks = 0;
    for (ProcessHandle p : Stream.concat(Stream.of(proxy.toHandle()), proxy.descendants()).toList()) {
      try {
        String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
        // Fields after the command name (which is in parentheses and may hold spaces): utime is the 12th, stime the 13th.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
      } catch (IOException | RuntimeException e) {
        // a worker that ended meanwhile
      }
    }
    return ticks * 10_000_000L;
  }

  /** CPU time this process used so far, all threads, user and system: utime+stime of /proc/self/stat. */
  private static long jvmCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return v.length == 0 ? Double.NaN : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static double median(List<WrkResult> runs, ToDoubleFunction<WrkResult> f) {
    double[] v = runs.stream().mapToDouble(f).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static boolean listens(String endpoint) {
    int colon = endpoint.lastIndexOf(':');
    try (Socket s = new Socket(endpoint.substring(0, colon), Integer.parseInt(endpoint.substring(colon + 1)))) {
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static String which(String tool) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String d : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, tool))) {
        return Path.of(d, tool).toString();
      }
    }
    return Files.isExecutable(Path.of("/usr/sbin", tool)) ? "/usr/sbin/" + tool : null;
  }

  /** Stops the nginx proxy this command started: its master, whose workers follow. */
  private static void stop(Process p) {
    p.destroy();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
