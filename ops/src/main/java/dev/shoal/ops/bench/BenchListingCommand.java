package dev.shoal.ops.bench;

import dev.shoal.gateway.GatewayConfig;
import dev.shoal.gateway.GatewayServer;
import dev.shoal.gateway.kafka.KafkaClusterBackend;
import dev.shoal.gateway.kafka.ReadModel;
import dev.shoal.kafka.EmbeddedKafka;
import dev.shoal.orchestrator.core.Ids;
import dev.shoal.orchestrator.streams.TopicProvisioner;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import dev.shoal.schemas.Topics;
import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.zip.GZIPInputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shoal bench listing}: {@code GET /v1/tasks?service=} of one big service, alone. A broker and
 * a gateway in this JVM; the bench writes one service and its tasks (each with a full spec, a running
 * status with ports and a container, every 100th slot with a failed predecessor) straight to
 * {@code shoal.services} and {@code shoal.tasks}, as the orchestrator would, waits until the gateway's
 * read model holds them, and times calls over real HTTP: until the response head arrives (the server
 * has built the answer or started streaming it) and until its last byte. With {@code --churn} a
 * share of the tasks gets a new status between calls, as a working cluster's would.
 */
@Command(name = "listing", mixinStandardHelpOptions = true,
    description = "GET /v1/tasks?service= of one service with many tasks: time to the head and to the last byte.")
public final class BenchListingCommand implements Callable<Integer> {
  private static final String SERVICE = "s0";

  @Option(names = "--tasks", defaultValue = "10000", description = "Tasks of the service (default ${DEFAULT-VALUE}).")
  int tasks;

  @Option(names = "--calls", defaultValue = "50", description = "Timed calls (default ${DEFAULT-VALUE}).")
  int calls;

  @Option(names = "--warmup", defaultValue = "20", description = "Untimed calls first (default ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--churn", defaultValue = "0", description = "Tasks given a new status before each timed call, "
      + "through Kafka (default ${DEFAULT-VALUE}).")
  int churn;

  @Option(names = "--jfr", description = "Record the timed calls alone with JFR (settings=profile) into this file.")
  Path jfr;

  @Option(names = "--gzip", description = "Send Accept-Encoding: gzip (the body is then timed compressed).")
  boolean gzip;

  @Override
  public Integer call() throws Exception {
    if (tasks < 1 || calls < 1 || warmup < 0 || churn < 0 || churn > tasks) {
      throw new dev.shoal.ops.UsageException("--tasks and --calls must be 1 or more, --warmup 0 or more, "
          + "--churn between 0 and --tasks");
    }
    PrintStream out = System.out;
    Path dir = Files.createTempDirectory("shoal-bench-listing-");
    Topics topics = Topics.defaults();
    try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dir.resolve("kafka")).build()) {
      kafka.start();
      String bootstrap = kafka.bootstrapServers();
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
        TopicProvisioner.ensure(admin, topics, TopicProvisioner.Replication.of((short) 1));
      }
      Fixture fixture = new Fixture(tasks);
      try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
          "linger.ms", 5, "batch.size", 1 << 20), new StringSerializer(), new ByteArraySerializer());
           // No ingress: the service publishes a port, and the bench measures the API alone.
           GatewayServer gateway = new GatewayServer(GatewayConfig.defaults(bootstrap).withListener("127.0.0.1", 0),
               dev.shoal.gateway.ingress.IngressConfig.disabled())) {
        var services = topics.services.valueSerde().serializer();
        var taskValues = topics.tasks.valueSerde().serializer();
        producer.send(new ProducerRecord<>(topics.services.name(), fixture.service.id(),
            services.serialize(topics.services.name(), fixture.service))).get();
        long bytes = 0;
        for (Task t : fixture.tasks.values()) {
          byte[] v = taskValues.serialize(topics.tasks.name(), t);
          bytes += v.length;
          producer.send(new ProducerRecord<>(topics.tasks.name(), t.id(), v));
        }
        producer.flush();
        out.printf(Locale.ROOT, "[listing] %,d task records written to %s (%,d bytes, %,d per record)%n",
            fixture.tasks.size(), topics.tasks.name(), bytes, bytes / fixture.tasks.size());
        gateway.start();
        ReadModel model = ((KafkaClusterBackend) gateway.backend()).readModel();
        awaitTasks(model, fixture, out);

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
        URI uri = URI.create(gateway.url() + "/v1/tasks?service=" + SERVICE);
        Call first = call(http, uri);
        out.printf(Locale.ROOT, "[listing] first call: %d ms, %,d bytes%s, %d tasks%n", first.totalMs(),
            first.body.length, gzip ? " gzipped (" + first.plainLength() + " plain)" : "", first.taskCount());
        List<Long> cold = new ArrayList<>(List.of(first.totalMs()));
        for (int i = 0; i < warmup; i++) {
          Call c = call(http, uri);
          if (cold.size() < 10) {
            cold.add(c.totalMs());
          }
        }
        // What `bench scale` sees: it makes 10 calls on a gateway that never listed anything before.
        out.println("[listing] the first calls (ms, to the last byte): " + cold);
        List<Call> timed = new ArrayList<>();
        Random random = new Random(14);
        jdk.jfr.Recording recording = jfr == null ? null
            : new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
        if (recording != null) {
          recording.start();
        }
        for (int i = 0; i < calls; i++) {
          if (churn > 0) {
            fixture.churn(random, churn, producer, topics);
            awaitTasks(model, fixture, null);
          }
          timed.add(call(http, uri));
        }
        if (recording != null) {
          recording.stop();
          recording.dump(jfr);
          recording.close();
          out.println("[listing] JFR recording of the timed calls: " + jfr.toAbsolutePath());
        }
        out.printf(Locale.ROOT, "[listing] GET /v1/tasks?service=%s, %d tasks, %,d bytes%s, %d calls after %d warm-up"
                + " calls%s:%n", SERVICE, first.taskCount(), timed.get(0).body.length, gzip ? " gzipped" : "", calls,
            warmup, churn > 0 ? ", " + churn + " tasks changed before each" : "");
        out.println("[listing]   to the response head: " + Stats.of(timed.stream().map(Call::headMs).toList()));
        out.println("[listing]   to the last byte:     " + Stats.of(timed.stream().map(Call::totalMs).toList()));
      }
    } finally {
      WorkDirs.delete(dir);
    }
    return 0;
  }

  private static void awaitTasks(ReadModel model, Fixture fixture, PrintStream out) throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (!fixture.isShownBy(model)) {
      if (System.nanoTime() > until) {
        throw new IllegalStateException("the read model did not show the bench's tasks within 120 s");
      }
      Thread.sleep(20);
    }
    if (out != null) {
      out.printf("[listing] the gateway's read model holds the %,d tasks%n", fixture.tasks.size());
    }
  }

  private Call call(HttpClient http, URI uri) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET();
    if (gzip) {
      b.header("Accept-Encoding", "gzip");
    }
    long t0 = System.nanoTime();
    long[] head = new long[1];
    HttpResponse<byte[]> r = http.send(b.build(), info -> {
      head[0] = System.nanoTime();
      return HttpResponse.BodySubscribers.ofByteArray();
    });
    long t1 = System.nanoTime();
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET " + uri + ": " + r.statusCode() + " " + new String(r.body()));
    }
    boolean zipped = r.headers().firstValue("Content-Encoding").map("gzip"::equalsIgnoreCase).orElse(false);
    if (gzip != zipped) {
      throw new IllegalStateException("asked " + (gzip ? "" : "not ") + "for gzip, got Content-Encoding "
          + r.headers().firstValue("Content-Encoding").orElse("none"));
    }
    return new Call((head[0] - t0) / 1_000_000, (t1 - t0) / 1_000_000, r.body(), zipped);
  }

  private record Call(long headMs, long totalMs, byte[] body, boolean zipped) {
    byte[] plain() {
      if (!zipped) {
        return body;
      }
      try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
        return in.readAllBytes();
      } catch (java.io.IOException e) {
        throw new IllegalStateException("not gzip", e);
      }
    }

    int plainLength() {
      return plain().length;
    }

    int taskCount() {
      try {
        return dev.shoal.schemas.Json.MAPPER.readTree(plain()).size();
      } catch (java.io.IOException e) {
        throw new IllegalStateException("not JSON", e);
      }
    }
  }

  /** Median, 95th percentile and max of some milliseconds. */
  private record Stats(long median, long p95, long max, long min) {
    static Stats of(List<Long> ms) {
      List<Long> s = new ArrayList<>(ms);
      s.sort(null);
      return new Stats(s.get(s.size() / 2), s.get(Math.min(s.size() - 1, (int) Math.ceil(s.size() * 0.95) - 1)),
          s.get(s.size() - 1), s.get(0));
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "median %d ms, p95 %d ms, max %d ms (min %d ms)", median, p95, max, min);
    }
  }

  /** A spec with most fields set, as a production service's might be (image, args, env, labels, ports, placement, health). */
  static ServiceSpec richSpec(String name, int replicas) {
    return new ServiceSpec(name, "registry.example.com/shop/web:1.4.2",
        List.of("/usr/local/bin/web", "--listen", ":8080"), List.of("--log-format", "json"),
        Map.of("SPRING_PROFILES_ACTIVE", "production", "JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC",
            "DATABASE_URL", "postgres://db.internal:5432/shop", "CACHE_TTL", "300", "LOG_LEVEL", "info"),
        Map.of("team", "storefront", "tier", "frontend", "com.example.commit", "9f2c4e1"),
        ServiceSpec.MODE_REPLICATED, replicas, List.of(new ServiceSpec.PortConfig(8080, 30080, "tcp", "ingress", "http")),
        new ServiceSpec.Placement(List.of("node.role==worker"), List.of(new ServiceSpec.Preference("node.labels.zone")),
            null),
        new ServiceSpec.Resources(new ServiceSpec.ResourceAmount(0.01, "16M"), new ServiceSpec.ResourceAmount(0.5, "256M")),
        ServiceSpec.RestartPolicy.DEFAULT, ServiceSpec.UpdateConfig.DEFAULT, ServiceSpec.UpdateConfig.DEFAULT,
        new ServiceSpec.HealthCheck(List.of("CMD", "wget", "-qO-", "http://127.0.0.1:8080/health"), "10s", "2s", 3,
            "5s"),
        "/srv/web", "1000", "SIGTERM", "10s", true, null, null).withDefaults();
  }

  /**
   * One service and its tasks as the orchestrator writes them once they run: the whole spec in each
   * task, a status from a (simulated) agent with its endpoint, port binding, health, container and
   * signature, and a failed predecessor for every 100th slot.
   */
  private static final class Fixture {
    final Service service;
    final Map<String, Task> tasks = new LinkedHashMap<>();
    private final long start = 1_764_540_000_000L;
    private long clock = start;

    Fixture(int count) {
      ServiceSpec spec = richSpec(SERVICE, count);
      String serviceId = Ids.of("service", SERVICE);
      service = new Service(serviceId, SERVICE, 1, spec, null, null, start, start);
      int index = 0;
      for (int slot = 1; tasks.size() < count; slot++) {
        String node = String.format("hollow-%04d", 1 + slot % 100);
        if (slot % 100 == 0 && tasks.size() < count - 1) {
          String failedId = Ids.task(serviceId, 1, index++);
          Task failed = task(failedId, slot, node, DesiredState.SHUTDOWN, new TaskStatus(failedId, node,
              TaskState.FAILED, "task exited with code 137", "task exited with code 137", 137, null, null, null,
              container(failedId), start + 500));
          tasks.put(failedId, failed);
        }
        String id = Ids.task(serviceId, 2, index++);
        tasks.put(id, task(id, slot, node, DesiredState.RUNNING, running(id, node, slot, start + 900)));
      }
    }

    private Task task(String id, int slot, String node, DesiredState desired, TaskStatus status) {
      return new Task(id, service.id(), SERVICE, slot, node, service.version(), service.spec(), desired, status,
          start, status.timestamp());
    }

    private static TaskStatus running(String id, String node, int slot, long at) {
      int port = 30_000 + slot % 30_000;
      return new TaskStatus(id, node, TaskState.RUNNING, "started", null, null, "127.0.0.1:" + port,
          List.of(new TaskStatus.PortBinding(8080, "127.0.0.1", port, "tcp")), "healthy", container(id), at,
          1L, (long) slot, "sig-" + container(id).substring(0, 43));
    }

    private static String container(String taskId) {
      String a = Ids.of("container", taskId);
      String b = Ids.of("container", a);
      return HexFormat.of().formatHex((a + b).getBytes(java.nio.charset.StandardCharsets.UTF_8)).substring(0, 64);
    }

    /** Gives {@code n} random tasks a new status (a health change) and publishes them. */
    void churn(Random random, int n, KafkaProducer<String, byte[]> producer, Topics topics) throws Exception {
      List<String> ids = new ArrayList<>(tasks.keySet());
      var values = topics.tasks.valueSerde().serializer();
      clock += 1000;
      for (int i = 0; i < n; i++) {
        Task t = tasks.get(ids.get(random.nextInt(ids.size())));
        TaskStatus s = t.status();
        TaskStatus next = new TaskStatus(s.taskId(), s.nodeId(), s.state(), s.message(), s.error(), s.exitCode(),
            s.endpoint(), s.ports(), "healthy".equals(s.health()) ? "unhealthy" : "healthy", s.containerId(), clock,
            s.boot(), s.sequence() == null ? null : s.sequence() + 1, s.signature());
        Task changed = t.withStatus(next, clock);
        tasks.put(t.id(), changed);
        producer.send(new ProducerRecord<>(topics.tasks.name(), t.id(), values.serialize(topics.tasks.name(), changed)));
      }
      producer.flush();
    }

    /** Whether the model holds every task as last written. */
    boolean isShownBy(ReadModel model) {
      List<Task> shown = model.tasksOfService(service.id());
      if (shown.size() != tasks.size()) {
        return false;
      }
      for (Task t : shown) {
        Task mine = tasks.get(t.id());
        if (mine == null || mine.updatedAt() != t.updatedAt()) {
          return false;
        }
      }
      return true;
    }
  }
}
